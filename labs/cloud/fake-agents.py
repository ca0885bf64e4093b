#!/usr/bin/python3
"""fake-agents.py NEUTRON_CONF L2: registers fake Neutron agents on host lab-compute, then exits.

ML2 binds a port only on a host where an L2 agent is alive; with no agent, a server on a tenant network goes
to ERROR ("Failed to bind port … Exhausted all hosts"). The lab has no data plane (nothing is plugged, no
packet is sent), so we send, once, the report_state RPC that real agents send (topic q-reports-plugin) for
an L2 agent (L2 = openvswitch for the fake hypervisor, linuxbridge for libvirt: labs/cloud/compute.sh), a
DHCP, an L3 and a Metadata agent. neutron.conf's `agent_down_time` is a year, so they
stay alive (":-)" in `openstack network agent list`) across restarts without a heartbeat. Ports then bind
(vif_type ovs, or bridge) and get addresses, and servers become ACTIVE; ports stay DOWN. The casts Neutron sends to
these agents find no queue and RabbitMQ drops them.
"""
import os
import sys

from neutron.agent import rpc as agent_rpc
from neutron.common import config as common_config
from neutron.conf.agent import common as agent_conf
from neutron_lib import context
from neutron_lib import rpc as n_rpc
from neutron_lib.agent import topics
from oslo_config import cfg

HOST = 'lab-compute'  # nova.conf and cinder.conf `host`: the one compute host of the lab
L2_AGENTS = {
    'openvswitch': {'binary': 'neutron-openvswitch-agent', 'topic': 'N/A', 'agent_type': 'Open vSwitch agent',
                    'configurations': {'bridge_mappings': {'public': 'br-ex'}, 'tunnel_types': ['vxlan'],
                                       'tunneling_ip': '127.0.0.1', 'l2_population': False,
                                       'integration_bridge': 'br-int', 'datapath_type': 'system',
                                       'ovs_hybrid_plug': False, 'enable_distributed_routing': False,
                                       'arp_responder_enabled': False, 'extensions': [],
                                       'ovs_capabilities': {'datapath_types': ['system'],
                                                            'iface_types': ['vxlan', 'internal']}}},
    'linuxbridge': {'binary': 'neutron-linuxbridge-agent', 'topic': 'N/A', 'agent_type': 'Linux bridge agent',
                    'configurations': {'interface_mappings': {'public': 'lab-public'}, 'bridge_mappings': {},
                                       'tunnel_types': ['vxlan'], 'tunneling_ip': '127.0.0.1',
                                       'l2_population': False, 'devices': 0, 'extensions': []}},
}
AGENTS = [
    L2_AGENTS[sys.argv[2]],
    {'binary': 'neutron-dhcp-agent', 'topic': 'dhcp_agent', 'agent_type': 'DHCP agent',
     'configurations': {'dhcp_driver': 'neutron.agent.linux.dhcp.Dnsmasq', 'networks': 0,
                        'notifies_port_ready': True}},
    {'binary': 'neutron-l3-agent', 'topic': 'l3_agent', 'agent_type': 'L3 agent',
     'configurations': {'agent_mode': 'legacy', 'routers': 0, 'interfaces': 0}},
    {'binary': 'neutron-metadata-agent', 'topic': 'N/A', 'agent_type': 'Metadata agent',
     'configurations': {'metadata_proxy_socket': '/run/neutron/metadata_proxy'}},
]

common_config.register_common_config_options()
agent_conf.register_agent_state_opts_helper(cfg.CONF)
cfg.CONF(['--config-file', sys.argv[1]], project='neutron')
n_rpc.init(cfg.CONF)
api = agent_rpc.PluginReportStateAPI(topics.REPORTS)
ctx = context.get_admin_context_without_session()
for agent in AGENTS:
    # use_call: wait for neutron-server's answer, so that the agents exist when we exit
    api.report_state(ctx, dict(agent, host=HOST, start_flag=True, availability_zone='nova'), use_call=True)
print('fake agents registered on', HOST, flush=True)
os._exit(0)  # skips oslo.messaging's teardown, which takes about 10 s
