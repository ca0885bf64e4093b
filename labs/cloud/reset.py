#!/usr/bin/python3
"""reset.py: puts the lab cloud back as seed.py left it, for labs/cloud/setup (each new session of the lab).

Removes what the course's demos create: demo's stacks, servers, volumes, floating IPs, security groups
(but `default`), server groups, keypairs, images, networks and routers (but the seeded `private` and
`router1`), and the admin's `myflavor`. One Python process: the same calls through `openstack` cost about
1 s each, 35 s in all, at every session start. Best effort: a missing or stuck object is reported on
stderr and the rest goes on. Clouds `demo` and `admin` come from clouds.yaml (OS_CLIENT_CONFIG_FILE).
"""
import sys

import openstack

KEPT_NETWORKS = ('private', 'public')
KEPT_ROUTERS = ('router1',)


def attempt(what, call, *args, **kwargs):
    try:
        call(*args, **kwargs)
    except Exception as error:  # best effort: say it, go on with the rest
        print('reset: %s: %s' % (what, error), file=sys.stderr)


def reset(demo, admin):
    # Every deletion is asked for at once, then awaited: Heat takes ~15 s to delete the course's stack and
    # Nova ~9 s per server, but they work in parallel. Heat copes with its servers being deleted under it.
    stacks = list(demo.orchestration.stacks())
    for stack in stacks:
        attempt('stack ' + stack.name, demo.orchestration.delete_stack, stack)
    servers = list(demo.compute.servers())
    for server in servers:
        attempt('server ' + server.name, demo.compute.delete_server, server)
    for server in servers:
        attempt('server ' + server.name, demo.compute.wait_for_delete, server, wait=120)
    for stack in stacks:
        attempt('stack ' + stack.name, demo.orchestration.wait_for_delete, stack, wait=180)
    for volume in demo.block_storage.volumes():
        attempt('volume ' + volume.id, demo.block_storage.delete_volume, volume)
    for ip in demo.network.ips(project_id=demo.current_project_id):
        attempt('floating IP ' + ip.floating_ip_address, demo.network.delete_ip, ip)
    for group in demo.network.security_groups(project_id=demo.current_project_id):
        if group.name != 'default':
            attempt('security group ' + group.name, demo.network.delete_security_group, group)
    for group in demo.compute.server_groups():
        attempt('server group ' + group.name, demo.compute.delete_server_group, group)
    for keypair in demo.compute.keypairs():
        attempt('keypair ' + keypair.name, demo.compute.delete_keypair, keypair)
    for image in demo.image.images(owner=demo.current_project_id):
        attempt('image ' + image.name, demo.image.delete_image, image)
    for router in demo.network.routers(project_id=demo.current_project_id):
        if router.name in KEPT_ROUTERS:
            continue
        for port in demo.network.ports(device_id=router.id, device_owner='network:router_interface'):
            attempt('router ' + router.name, demo.network.remove_interface_from_router, router, port_id=port.id)
        attempt('router ' + router.name, demo.network.delete_router, router)
    for network in demo.network.networks(project_id=demo.current_project_id):
        if network.name not in KEPT_NETWORKS:
            attempt('network ' + network.name, demo.network.delete_network, network)
    flavor = admin.compute.find_flavor('myflavor', ignore_missing=True)
    if flavor:
        attempt('flavor myflavor', admin.compute.delete_flavor, flavor)


if __name__ == '__main__':
    reset(openstack.connect(cloud='demo'), openstack.connect(cloud='admin'))
