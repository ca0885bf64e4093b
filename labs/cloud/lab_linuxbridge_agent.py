"""lab_linuxbridge_agent: Neutron's Linux bridge agent (labs/cloud/network.sh runs it with osrun), with one fix.

The agent keeps each VM's MAC spoofing protection in an ebtables chain (neutronMAC-tap…), and when a port is
processed again (a security group change, a restart) it deletes the old `--among-src MAC -j RETURN` rule
before adding it again. With the nf_tables ebtables of Debian 12 (1.8.9, the only one this kernel has: no
legacy `nat` table), deleting a rule with an among match fails ("RULE_DELETE failed (Invalid argument)",
exit 4), and the agent retries it forever with no limit: it never processes another port, and Nova waits
for a network-vif-plugged event that never comes (servers stuck in BUILD, then ERROR). Here the chain is
emptied and its final DROP put back instead, which the agent then fills as usual: same rules in the end.
"""
import sys

# The agent's own name, as Debian's /usr/bin/neutron-linuxbridge-agent gives it: its iptables chains are
# named after it (neutron-linuxbri-…, computed when neutron's iptables module is imported), and
# labs/cloud/down removes those chains by that name.
sys.argv[0] = 'neutron-linuxbridge-agent'

import neutron.cmd.eventlet  # noqa: E402,F401  (before the rest: it monkey-patches eventlet, as the agent's script does)
from neutron.cmd.eventlet.plugins import linuxbridge_neutron_agent  # noqa: E402
from neutron.plugins.ml2.drivers.linuxbridge.agent import arp_protect  # noqa: E402


def _delete_vif_mac_rules(vif, current_rules):
    if any('-i %s' % vif in rule and '--among-src' in rule for rule in current_rules):
        chain = arp_protect._mac_chain_name(vif)
        arp_protect.ebtables(['-F', chain])
        arp_protect.ebtables(['-A', chain, '-j', 'DROP'])


arp_protect._delete_vif_mac_rules = _delete_vif_mac_rules


def main():
    return linuxbridge_neutron_agent.main()
