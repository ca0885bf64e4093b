#!/usr/bin/python3
"""seed.py identity|resources: the lab cloud's initial content, as the course's 2016 (devstack) cloud had it.
Idempotent: whatever exists is kept. One Python process instead of ~40 `openstack` calls (about 1 s each).

  identity   (as soon as Keystone answers, before the other services start: they authenticate as their
             service users) projects admin, demo, alt_demo, service, invisible_to_admin; users demo,
             alt_demo and one per service; roles admin, member, service (+ heat's); the catalogue.
  resources  (once every API answers) flavors m1.tiny … m1.xlarge, the public image
             cirros-0.3.4-x86_64-uec, the external network `public` (172.24.4.0/24, floating IPs), demo's
             network `private` (10.0.0.0/24) and its router `router1` to public.

Passwords come from the environment (labs/cloud/up sets them): LAB_ADMIN_PASSWORD, LAB_DEMO_PASSWORD,
LAB_ALT_DEMO_PASSWORD; a service user's password is its name (lab only, loopback only). The image file is
LAB_IMAGE_FILE.
"""
import os
import sys

KEYSTONE = 'http://127.0.0.1:5000/v3'
REGION = 'RegionOne'
SERVICES = {  # service name: (type, URL of all three interfaces)
    'glance': ('image', 'http://127.0.0.1:9292'),
    'placement': ('placement', 'http://127.0.0.1:8778'),
    'nova': ('compute', 'http://127.0.0.1:8774/v2.1'),
    'neutron': ('network', 'http://127.0.0.1:9696'),
    'cinderv3': ('volumev3', 'http://127.0.0.1:8776/v3/%(project_id)s'),
    'heat': ('orchestration', 'http://127.0.0.1:8004/v1/%(tenant_id)s'),
    # the proxy; a project's account is AUTH_<its id> (keystoneauth's reseller prefix)
    'swift': ('object-store', 'http://127.0.0.1:8080/v1/AUTH_%(tenant_id)s'),
}
SERVICE_USERS = ('glance', 'placement', 'nova', 'neutron', 'cinder', 'heat', 'swift')
FLAVORS = [  # id, name, vCPU, RAM MB, disk GB: the classic sizes
    ('1', 'm1.tiny', 1, 512, 1),
    ('2', 'm1.small', 1, 2048, 20),
    ('3', 'm1.medium', 2, 4096, 40),
    ('4', 'm1.large', 4, 8192, 80),
    ('5', 'm1.xlarge', 8, 16384, 160),
]
IMAGE = 'cirros-0.3.4-x86_64-uec'


def say(what):
    print('  seed: ' + what, flush=True)


def admin_session():
    from keystoneauth1 import session
    from keystoneauth1.identity import v3
    auth = v3.Password(auth_url=KEYSTONE, username='admin', password=os.environ['LAB_ADMIN_PASSWORD'],
                       project_name='admin', user_domain_id='default', project_domain_id='default')
    return session.Session(auth=auth)


def identity():
    from keystoneclient.v3 import client
    ks = client.Client(session=admin_session(), interface='public')

    def first(found):
        return found[0] if found else None

    def project(name, description, domain='default'):
        return (first(ks.projects.list(name=name, domain=domain))
                or ks.projects.create(name, domain, description=description))

    def role(name):
        return first(ks.roles.list(name=name)) or ks.roles.create(name)

    def user(name, password, domain='default', email=None):
        return (first(ks.users.list(name=name, domain=domain))
                or ks.users.create(name, domain=domain, password=password, email=email))

    def grant(role_, user_, project_=None, domain=None):
        # grant is idempotent in Keystone (PUT): no need to look first
        ks.roles.grant(role_, user=user_, project=project_, domain=domain)

    # `keystone-manage bootstrap` made project admin, user admin (admin on admin), roles admin, member,
    # reader and the identity endpoints.
    admin, member, service = role('admin'), role('member'), role('service')
    admin_user = user('admin', None)
    projects = {name: project(name, desc) for name, desc in [
        ('admin', 'Bootstrap project for initializing the cloud.'),
        ('demo', 'Projet de démonstration'),
        ('alt_demo', 'Second projet de démonstration'),
        ('service', 'Projet des services'),
        ('invisible_to_admin', "Projet où admin n'a aucun rôle"),
    ]}
    demo = user('demo', os.environ['LAB_DEMO_PASSWORD'], email='demo@example.com')
    alt_demo = user('alt_demo', os.environ['LAB_ALT_DEMO_PASSWORD'], email='alt_demo@example.com')
    grant(admin, admin_user, projects['admin'])
    grant(admin, admin_user, projects['demo'])
    grant(admin, admin_user, projects['alt_demo'])  # the course shows admin as admin of demo and alt_demo
    grant(member, demo, projects['demo'])
    grant(member, alt_demo, projects['alt_demo'])
    grant(member, demo, projects['invisible_to_admin'])  # and nobody else: admin does not see it by default
    for name in SERVICE_USERS:
        u = user(name, name)
        # admin: what the services' own calls need (nova binding ports, neutron notifying nova…);
        # service: the role Zed's policies check for service-to-service calls.
        grant(admin, u, projects['service'])
        grant(service, u, projects['service'])

    for name, (kind, url) in SERVICES.items():
        svc = first(ks.services.list(name=name, type=kind)) or ks.services.create(name, type=kind)
        have = {e.interface: e for e in ks.endpoints.list(service=svc)}
        for interface in ('public', 'internal', 'admin'):
            if interface not in have:
                ks.endpoints.create(svc, url, interface=interface, region=REGION)
            elif have[interface].url != url:
                ks.endpoints.update(have[interface], url=url)

    # Heat: the domain where it creates its stack users, its admin, and the roles of its policies.
    heat_domain = (first(ks.domains.list(name='heat'))
                   or ks.domains.create('heat', description='Stack projects and users'))
    grant(admin, user('heat_domain_admin', 'heat', domain=heat_domain), domain=heat_domain)
    role('heat_stack_user')
    grant(role('heat_stack_owner'), demo, projects['demo'])
    say('projects, users, roles and catalogue ready')


def resources():
    import openstack
    conn = openstack.connection.Connection(session=admin_session(), region_name=REGION,
                                           identity_interface='public')
    projects = {p.name: p for p in conn.identity.projects()}

    for fid, name, vcpus, ram, disk in FLAVORS:
        if not conn.compute.find_flavor(name, ignore_missing=True):
            conn.compute.create_flavor(id=fid, name=name, vcpus=vcpus, ram=ram, disk=disk, is_public=True)
    say('flavors ' + ', '.join(f[1] for f in FLAVORS))

    if not conn.image.find_image(IMAGE, ignore_missing=True):
        path = os.environ['LAB_IMAGE_FILE']
        conn.create_image(IMAGE, filename=path, disk_format='qcow2', container_format='bare',
                          visibility='public', wait=True)
        say('image %s (from %s)' % (IMAGE, path))

    net = conn.network
    public = net.find_network('public', ignore_missing=True) or net.create_network(
        name='public', is_router_external=True, is_shared=False, project_id=projects['admin'].id,
        provider_network_type='flat', provider_physical_network='public')
    public_subnet = net.find_subnet('public-subnet', ignore_missing=True) or net.create_subnet(
        name='public-subnet', network_id=public.id, ip_version=4, cidr='172.24.4.0/24',
        gateway_ip='172.24.4.1', is_dhcp_enabled=False, project_id=projects['admin'].id,
        allocation_pools=[{'start': '172.24.4.2', 'end': '172.24.4.254'}])
    demo_id = projects['demo'].id
    private = net.find_network('private', project_id=demo_id, ignore_missing=True) or net.create_network(
        name='private', project_id=demo_id)
    private_subnet = (net.find_subnet('private-subnet', network_id=private.id, ignore_missing=True)
                      or net.create_subnet(name='private-subnet', network_id=private.id, ip_version=4,
                                           cidr='10.0.0.0/24', gateway_ip='10.0.0.1', project_id=demo_id,
                                           dns_nameservers=[]))
    router = net.find_router('router1', project_id=demo_id, ignore_missing=True)
    if not router:
        router = net.create_router(name='router1', project_id=demo_id,
                                   external_gateway_info={'network_id': public.id})
        net.add_interface_to_router(router, subnet_id=private_subnet.id)
    say('networks public (%s) and private (%s), router1' % (public_subnet.cidr, private_subnet.cidr))


def image():
    """The public image again when its file changed (a new build of labs/guest): same name, new id."""
    import hashlib
    import openstack
    path = os.environ['LAB_IMAGE_FILE']
    with open(path, 'rb') as f:
        md5 = hashlib.md5(f.read()).hexdigest()
    conn = openstack.connection.Connection(session=admin_session(), region_name=REGION,
                                           identity_interface='public')
    old = [i for i in conn.image.images(name=IMAGE) if i.visibility == 'public']
    if any(i.checksum == md5 for i in old):
        return
    conn.create_image(IMAGE, filename=path, disk_format='qcow2', container_format='bare',
                      visibility='public', wait=True)
    for i in old:
        conn.image.delete_image(i)
    say('image %s remplacée (nouveau %s)' % (IMAGE, path))


if __name__ == '__main__':
    {'identity': identity, 'resources': resources, 'image': image}[sys.argv[1]]()
