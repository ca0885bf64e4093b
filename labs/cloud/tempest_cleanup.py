#!/usr/bin/python3
"""tempest_cleanup.py: removes what an interrupted `labs/cloud/tempest api` left on the lab cloud.

Tempest's dynamic credentials make a project and a user per test class (names starting `tempest-`), and
delete them with the class; a run stopped halfway (Ctrl-C, a restart of the cloud) leaves them, with
their servers, volumes and networks. `tempest cleanup` would delete whatever is not in a saved state: on
a cloud the course and its students use at the same time, their work too. This removes the `tempest-`
projects and users only, each project emptied as in labs/cloud/student's remove (reset.clean_project),
as a temporary user of its own: never as the admin, whose own application credentials clean_project
would delete. labs/cloud/tempest calls it before an API run, and `labs/cloud/tempest cleanup` alone.
"""
import os
import secrets
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reset import attempt, clean_project  # noqa: E402 (beside this file)
from student import REGION, admin_connection  # noqa: E402

PREFIX = 'tempest-'


def connection(auth_url, name, password, project_id):
    import openstack
    from keystoneauth1 import session
    from keystoneauth1.identity import v3
    auth = v3.Password(auth_url=auth_url, username=name, password=password, project_id=project_id,
                       user_domain_id='default')
    return openstack.connection.Connection(session=session.Session(auth=auth), region_name=REGION,
                                           identity_interface='public')


def empty(admin, auth_url, project, member):
    name = 'tempest-cleanup-' + secrets.token_hex(4)
    password = secrets.token_urlsafe(16)
    user = admin.identity.create_user(name=name, password=password, domain_id='default')
    try:
        admin.identity.assign_project_role_to_user(project, user, member)
        clean_project(connection(auth_url, name, password, project.id), kept_networks=(), kept_routers=(), ports=True)
    finally:
        admin.identity.delete_user(user, ignore_missing=True)
    for group in admin.network.security_groups(project_id=project.id):
        attempt('security group ' + group.name, admin.network.delete_security_group, group)


def main():
    admin = admin_connection()
    auth_url = admin.config.get_auth_args()['auth_url']
    member = admin.identity.find_role('member')
    projects = [p for p in admin.identity.projects(domain_id='default') if p.name.startswith(PREFIX)]
    for project in projects:
        attempt('projet ' + project.name, empty, admin, auth_url, project, member)
        attempt('projet ' + project.name, admin.identity.delete_project, project, ignore_missing=True)
    # A class whose project went first (a teardown cut short) leaves its network behind, orphaned.
    existing = {p.id for p in admin.identity.projects()}
    orphans = [n for n in admin.network.networks() if n.name.startswith(PREFIX) and n.project_id not in existing]
    for network in orphans:
        for router in admin.network.routers(project_id=network.project_id):
            for port in admin.network.ports(device_id=router.id, device_owner='network:router_interface'):
                attempt('routeur ' + router.name, admin.network.remove_interface_from_router, router,
                        port_id=port.id)
            attempt('routeur ' + router.name, admin.network.delete_router, router)
        for port in admin.network.ports(network_id=network.id):
            attempt('port ' + port.id, admin.network.delete_port, port)
        attempt('réseau ' + network.name, admin.network.delete_network, network)
    users = [u for u in admin.identity.users(domain_id='default') if u.name.startswith(PREFIX)]
    for user in users:
        attempt('utilisateur ' + user.name, admin.identity.delete_user, user, ignore_missing=True)
    if projects or users or orphans:
        print('restes de Tempest supprimés : %d projet(s), %d utilisateur(s), %d réseau(x) orphelin(s)'
              % (len(projects), len(users), len(orphans)))


if __name__ == '__main__':
    main()
