#!/usr/bin/python3
"""reset.py [--project-only]: puts the lab cloud back as seed.py left it, for labs/cloud/setup (each new
session of the lab).

Removes what the course's demos create: demo's stacks, servers, volumes and snapshots, floating IPs,
security groups (but `default`), server groups, keypairs, the user's application credentials, images, networks and routers (but the seeded
`private` and `router1`), Swift containers with their objects and the account's metadata (Temp-URL-Key),
and the admin's `myflavor`. One Python process: the same calls through `openstack`
cost about 1 s each, 35 s in all, at every session start. Best effort: a missing or stuck object is reported
on stderr and the rest goes on. Clouds `demo` and `admin` come from clouds.yaml (OS_CLIENT_CONFIG_FILE).

--project-only: cloud `demo` only, no admin (a student's session: their clouds.yaml has no `admin`, and a
student's reset must not touch anything but their own project).

clean_project() is also what labs/cloud/student.py uses to empty a student's project before deleting it.
"""
import logging
import sys
import time

# Swift's catalog URL ends with AUTH_<project id>, not <project id>: keystoneauth (Zed) then fails to see
# its version and warns at each object-store call that it "Failed to contact the endpoint … for discovery"
# before using that URL, which is the right one. Those lines would end every session's start-up text.
logging.getLogger('keystoneauth.discover').setLevel(logging.ERROR)

KEPT_NETWORKS = ('private', 'public')
KEPT_ROUTERS = ('router1',)


def attempt(what, call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except Exception as error:  # best effort: say it, go on with the rest
        print('reset: %s: %s' % (what, error), file=sys.stderr)
        return None


def delete_volume(conn, volume, tries=10):
    # Right after its server is deleted, a volume may still be `detaching` for a moment: Cinder answers 400.
    for _ in range(tries - 1):
        try:
            return conn.block_storage.delete_volume(volume)
        except Exception:
            time.sleep(1)
    return attempt('volume ' + volume.id, conn.block_storage.delete_volume, volume)


def clean_object_store(conn):
    """Empties the project's Swift account: every container (its objects first: Swift refuses to delete a
    container that holds any) and the account's metadata, such as the Temp-URL-Key of the course."""
    if not conn.has_service('object-store'):  # another cloud, without Swift
        return
    store = conn.object_store
    for container in list(store.containers()):
        # A few rounds: in a versioned container, deleting an object brings back its previous version.
        for _ in range(5):
            objects = list(store.objects(container))
            if not objects:
                break
            for obj in objects:
                attempt('object %s/%s' % (container.name, obj.name), store.delete_object, obj,
                        container=container)
        attempt('container ' + container.name, store.delete_container, container)
    account = attempt('Swift account', store.get_account_metadata)
    if account is None:
        return
    # The SDK keeps the temporary URL keys out of `metadata` (attributes of their own).
    keys = list(account.metadata)
    keys += [key for key, value in (('Temp-URL-Key', account.meta_temp_url_key),
                                    ('Temp-URL-Key-2', account.meta_temp_url_key_2)) if value]
    if keys:
        attempt('Swift account metadata', store.delete_account_metadata, keys)


def clean_project(conn, kept_networks=KEPT_NETWORKS, kept_routers=KEPT_ROUTERS, ports=False):
    """Deletes what the project of `conn` (scoped to it, as one of its members) created, but the networks
    and routers kept by name; with ports=True, also the ports left (none should be kept then)."""
    project_id = conn.current_project_id
    # Every deletion is asked for at once, then awaited: Heat takes ~15 s to delete the course's stack and
    # Nova ~9 s per server, but they work in parallel. Heat copes with its servers being deleted under it.
    stacks = list(conn.orchestration.stacks())
    for stack in stacks:
        attempt('stack ' + stack.name, conn.orchestration.delete_stack, stack)
    servers = list(conn.compute.servers())
    for server in servers:
        attempt('server ' + server.name, conn.compute.delete_server, server)
    for server in servers:
        attempt('server ' + server.name, conn.compute.wait_for_delete, server, wait=120)
    for stack in stacks:
        attempt('stack ' + stack.name, conn.orchestration.wait_for_delete, stack, wait=180)
    # A volume with snapshots cannot be deleted: the snapshots go first.
    snapshots = list(conn.block_storage.snapshots())
    for snapshot in snapshots:
        attempt('snapshot ' + snapshot.id, conn.block_storage.delete_snapshot, snapshot)
    for snapshot in snapshots:
        attempt('snapshot ' + snapshot.id, conn.block_storage.wait_for_delete, snapshot, wait=60)
    for volume in conn.block_storage.volumes():
        delete_volume(conn, volume)
    for ip in conn.network.ips(project_id=project_id):
        attempt('floating IP ' + ip.floating_ip_address, conn.network.delete_ip, ip)
    for group in conn.network.security_groups(project_id=project_id):
        if group.name != 'default':
            attempt('security group ' + group.name, conn.network.delete_security_group, group)
    for group in conn.compute.server_groups():
        attempt('server group ' + group.name, conn.compute.delete_server_group, group)
    for keypair in conn.compute.keypairs():
        attempt('keypair ' + keypair.name, conn.compute.delete_keypair, keypair)
    # The Keystone exercise makes an application credential: it belongs to the user, not the project, and
    # its name would be taken at the next session.
    user_id = conn.current_user_id
    for credential in conn.identity.application_credentials(user=user_id):
        attempt('application credential ' + credential.name, conn.identity.delete_application_credential,
                user_id, credential)
    for image in conn.image.images(owner=project_id):
        attempt('image ' + image.name, conn.image.delete_image, image)
    for router in conn.network.routers(project_id=project_id):
        if router.name in kept_routers:
            continue
        for port in conn.network.ports(device_id=router.id, device_owner='network:router_interface'):
            attempt('router ' + router.name, conn.network.remove_interface_from_router, router, port_id=port.id)
        attempt('router ' + router.name, conn.network.delete_router, router)
    if ports:
        for port in conn.network.ports(project_id=project_id):
            attempt('port ' + port.id, conn.network.delete_port, port)
    for network in conn.network.networks(project_id=project_id):
        if network.name not in kept_networks:  # Neutron deletes its subnets with it
            attempt('network ' + network.name, conn.network.delete_network, network)
    attempt('object store', clean_object_store, conn)


def reset(demo, admin):
    clean_project(demo)
    if admin is None:
        return
    flavor = admin.compute.find_flavor('myflavor', ignore_missing=True)
    if flavor:
        attempt('flavor myflavor', admin.compute.delete_flavor, flavor)


if __name__ == '__main__':
    import openstack
    project_only = sys.argv[1:] == ['--project-only']
    reset(openstack.connect(cloud='demo'), None if project_only else openstack.connect(cloud='admin'))
