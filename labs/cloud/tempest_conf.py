#!/usr/bin/python3
"""tempest_conf.py admin|lab WORKSPACE: writes WORKSPACE/etc/tempest.conf from the running lab cloud.

What Tempest must be told, it is asked of the cloud itself, as devstack's lib/tempest does: the catalogue
(which services run), the image cirros-0.3.4-x86_64-uec and the flavors m1.tiny/m1.small by name, the
external network `public`, the API extensions and microversions the services announce. labs/cloud/tempest
calls it; the lines it prints are French, at most 80 columns, without a path of this machine (they show
in the slide's pane).

  admin  the project's API run (labs/cloud/tempest api): the clouds.yaml's `admin` cloud, and Tempest
         creates a project and users per test class (dynamic credentials), as in the upstream gate.
  lab    a lab shell (the slide's demo, as the lab account): no admin, ever. Tempest uses pre-provisioned
         credentials (etc/accounts.yaml), made of the shell's `demo` cloud only: the presenter's demo
         project, or a student's own project (labs/cloud/student), whose clouds.yaml has no other cloud.
"""
import configparser
import os
import sys

IMAGE = 'cirros-0.3.4-x86_64-uec'
FLAVORS = ('m1.tiny', 'm1.small')
PUBLIC = 'public'
PRIVATE = 'private'
# Catalogue type → Tempest's [service_available] flag. Swift is in the list: when the cloud has it (an
# object-store endpoint), its API tests run too.
SERVICES = {'identity': 'keystone', 'compute': 'nova', 'image': 'glance', 'network': 'neutron',
            'volumev3': 'cinder', 'block-storage': 'cinder', 'orchestration': 'heat', 'object-store': 'swift'}
# The fake driver (and libvirt here) has a single compute host, no VNC/SPICE/serial proxy; only the libvirt
# mode with the real Neutron agents has an SSH path to the guests (DHCP, router, metadata: build() turns
# validation on there, for `labs/cloud/tempest scenario` only, so that the API suites stay as they were). Tempest must not try what this cloud cannot do.
COMPUTE_FEATURES = {
    'console_output': 'true',     # lab_fake_driver.py prints a boot log; libvirt has a serial console
    'vnc_console': 'false', 'spice_console': 'false', 'serial_console': 'false', 'rdp_console': 'false',
    'live_migration': 'false', 'cold_migration': 'false', 'block_migration_for_live_migration': 'false',
    'resize': 'true',             # nova.conf: allow_resize_to_same_host
    'pause': 'true', 'suspend': 'true', 'shelve': 'true', 'snapshot': 'true', 'rescue': 'true',
    'interface_attach': 'true', 'config_drive': 'true', 'metadata_service': 'false',
    'change_password': 'false', 'personality': 'false', 'swap_volume': 'false',
    'volume_multiattach': 'false', 'attach_encrypted_volume': 'false',
    # labs/cloud/up's [filter_scheduler] enabled_filters: the course shows the last three.
    'scheduler_enabled_filters': 'ComputeFilter,AvailabilityZoneFilter,ComputeCapabilitiesFilter,'
                                 'ImagePropertiesFilter,ServerGroupAntiAffinityFilter,'
                                 'ServerGroupAffinityFilter,DifferentHostFilter,SameHostFilter,JsonFilter',
}


def dataplane_real():
    """Whether the lab cloud runs the real Neutron agents (labs/cloud/network.sh writes the mode)."""
    state = os.environ.get('LAB_CLOUD_STATE') or os.path.join(os.path.dirname(os.path.abspath(__file__)), 'state')
    try:
        with open(os.path.join(state, 'network', 'dataplane')) as f:
            return f.read().strip() == 'real'
    except OSError:
        return False


def fail(message, hint):
    print('labs/cloud/tempest : ERREUR : ' + message, file=sys.stderr)
    print('  ' + hint, file=sys.stderr)
    sys.exit(2)


def connect(cloud):
    import openstack
    try:
        conn = openstack.connect(cloud=cloud)
    except openstack.exceptions.ConfigException:
        fail('pas de cloud « %s » dans clouds.yaml' % cloud,
             'dans le lab cloud : ↺ pour un terminal neuf ; sinon labs/cloud/state/clouds.yaml (labs/cloud/up)')
    try:
        conn.authorize()
        return conn
    except Exception as error:  # any failure here means the same to the person: no cloud to test
        fail('le cloud « %s » ne répond pas (%s)' % (cloud, type(error).__name__),
             'le cloud du lab tourne-t-il ? sudo labs/cloud/status, sinon sudo labs/cloud/up')


def catalog_types(conn):
    access = conn.session.auth.get_access(conn.session)
    return {entry['type'] for entry in access.service_catalog.catalog}


def max_microversion(proxy):
    try:
        data = proxy.get_endpoint_data()
        version = data.max_microversion if data else None
        return '%d.%d' % version if version else None
    except Exception:  # an API without microversions, or none announced: Tempest's default then
        return None


def volume_extensions(conn):
    try:
        return [e['alias'] for e in conn.block_storage.get('/extensions').json()['extensions']]
    except Exception:
        return None


def volume_backend(conn):
    """The backend's own words (admin only): its name, protocol and vendor, which Tempest's volume type
    tests put in extra specs; Cinder's scheduler then places their volumes only where they match (the lab
    driver says protocol `fake`, not Tempest's default iSCSI)."""
    try:
        pool = next(iter(conn.block_storage.backend_pools()), None)
    except Exception:  # not an admin (a lab shell): those tests are admin-only, the defaults do
        return {}
    caps = pool.capabilities if pool is not None else {}
    keys = {'volume_backend_name': 'backend_names', 'storage_protocol': 'storage_protocol',
            'vendor_name': 'vendor_name'}
    return {option: str(caps[key]) for key, option in keys.items() if caps.get(key)}


def discover(conn):
    types = catalog_types(conn)
    image = conn.image.find_image(IMAGE, ignore_missing=True)
    if image is None:
        fail('pas d\'image %s visible du cloud' % IMAGE, 'le cloud a-t-il été créé par labs/cloud/up ?')
    flavors = [conn.compute.find_flavor(name, ignore_missing=True) for name in FLAVORS]
    if None in flavors:
        fail('gabarits %s introuvables' % ' ou '.join(FLAVORS), 'le cloud a-t-il été créé par labs/cloud/up ?')
    public = conn.network.find_network(PUBLIC, ignore_missing=True)
    if public is None or not public.is_router_external:
        fail('pas de réseau externe « %s »' % PUBLIC, 'le cloud a-t-il été créé par labs/cloud/up ?')
    return {
        'types': types,
        'image': image.id,
        'flavors': [f.id for f in flavors],
        'public': public.id,
        'net_ext': sorted(e.alias for e in conn.network.extensions()),
        'vol_ext': volume_extensions(conn) if 'volumev3' in types else None,
        'compute_max': max_microversion(conn.compute),
        'volume_max': max_microversion(conn.block_storage) if 'volumev3' in types else None,
        'placement_max': max_microversion(conn.placement) if 'placement' in types else None,
        'volume_backend': volume_backend(conn) if 'volumev3' in types else {},
    }


def build(found, auth, region, workspace):
    c = configparser.ConfigParser(interpolation=None)
    c.optionxform = str
    c['DEFAULT'] = {'log_dir': os.path.join(workspace, 'logs'), 'log_file': 'tempest.log'}
    c['oslo_concurrency'] = {'lock_path': os.path.join(workspace, 'tempest_lock')}
    c['identity'] = {'uri_v3': auth['auth_url'], 'auth_version': 'v3', 'region': region,
                     'v3_endpoint_type': 'public', 'disable_ssl_certificate_validation': 'true'}
    c['identity-feature-enabled'] = {'api_v2': 'false', 'api_v2_admin': 'false', 'trust': 'true',
                                     'project_tags': 'true', 'application_credentials': 'true',
                                     'access_rules': 'true', 'security_compliance': 'false'}
    c['compute'] = {'image_ref': found['image'], 'image_ref_alt': found['image'],
                    'flavor_ref': found['flavors'][0], 'flavor_ref_alt': found['flavors'][1],
                    'fixed_network_name': PRIVATE, 'min_compute_nodes': '1', 'build_timeout': '120'}
    if found['compute_max']:
        c['compute']['max_microversion'] = found['compute_max']
    c['compute-feature-enabled'] = dict(COMPUTE_FEATURES)
    c['image'] = {'build_timeout': '120'}
    c['image-feature-enabled'] = {'api_v1': 'false', 'api_v2': 'true'}
    c['network'] = {'public_network_id': found['public'], 'floating_network_name': PUBLIC,
                    'project_networks_reachable': 'false', 'build_timeout': '120'}
    c['network-feature-enabled'] = {'api_extensions': ','.join(found['net_ext']), 'ipv6': 'true',
                                    'port_security': str('port-security' in found['net_ext']).lower(),
                                    'floating_ips': 'true'}
    c['validation'] = {'run_validation': 'false', 'image_ssh_user': 'cirros'}
    if os.environ.get('LAB_TEMPEST_SCENARIO') == '1' and dataplane_real():
        # `labs/cloud/tempest scenario`, in the libvirt mode with the real Neutron agents
        # (labs/cloud/network.sh): guests get DHCP, a router,
        # floating IPs on br-lab-public (this machine reaches them) and the metadata service; the tiny
        # guest runs dropbear (user cirros, CirrOS's password): Tempest may ssh into its servers.
        c['compute-feature-enabled']['metadata_service'] = 'true'
        # the guest has no sudo: Tempest's check of the config drive mounts it with sudo
        c['compute-feature-enabled']['config_drive'] = 'false'
        c['validation'] = {'run_validation': 'true', 'connect_method': 'floating', 'auth_method': 'keypair',
                           'ip_version_for_ssh': '4', 'image_ssh_user': 'cirros',
                           'image_ssh_password': 'gocubsgo', 'image_alt_ssh_user': 'cirros',
                           'ssh_timeout': '300', 'ping_timeout': '120', 'connect_timeout': '60',
                           'network_for_ssh': PRIVATE}
        c['compute']['build_timeout'] = '300'
        c['network']['build_timeout'] = '300'
    c['volume'] = {'catalog_type': 'volumev3', 'backend_names': 'fake', 'volume_size': '1',
                   'build_timeout': '120'}
    c['volume'].update(found['volume_backend'])
    if found['volume_max']:
        c['volume']['max_microversion'] = found['volume_max']
    c['volume-feature-enabled'] = {'backup': 'false', 'snapshot': 'true', 'clone': 'true',
                                   'manage_volume': 'false', 'manage_snapshot': 'false',
                                   'extend_attached_volume': 'false'}
    if found['vol_ext'] is not None:
        c['volume-feature-enabled']['api_extensions'] = ','.join(found['vol_ext'])
    if found['placement_max']:
        c['placement'] = {'max_microversion': found['placement_max']}
    flags = {flag: 'false' for flag in set(SERVICES.values()) if flag != 'keystone'}
    for kind in found['types']:
        if kind in SERVICES and SERVICES[kind] != 'keystone':
            flags[SERVICES[kind]] = 'true'
    flags['horizon'] = 'false'
    c['service_available'] = flags
    return c


def heat_plugin(found, user, admin, region):
    """heat-tempest-plugin's own section: its API tests (gabbi) use these fixed users, not Tempest's."""
    section = {'auth_url': user['auth_url'], 'auth_version': '3', 'region': region,
               'username': user['username'], 'password': user['password'],
               'project_name': user['project_name'], 'user_domain_name': 'Default',
               'project_domain_name': 'Default', 'endpoint_type': 'public',
               'image_ref': IMAGE, 'minimal_image_ref': IMAGE, 'instance_type': FLAVORS[1],
               'minimal_instance_type': FLAVORS[0], 'fixed_network_name': PRIVATE,
               'floating_network_name': PUBLIC, 'skip_scenario_tests': 'true',
               'skip_functional_tests': 'true'}
    if admin:
        section.update(admin_username=admin['username'], admin_password=admin['password'],
                       admin_project_name=admin['project_name'])
    return section


def write(path, text, mode=0o600):
    # 0600: tempest.conf and accounts.yaml hold passwords.
    fd = os.open(path + '.tmp', os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, 'w') as f:
        f.write(text)
    os.replace(path + '.tmp', path)


def render(conf):
    import io
    out = io.StringIO()
    conf.write(out)
    return '# Écrit par labs/cloud/tempest configure, depuis le cloud qui tourne : relancez-le plutôt\n' \
           '# que de modifier ce fichier.\n' + out.getvalue()


def accounts_yaml(auth, project_id):
    import yaml
    base = {'username': auth['username'], 'password': auth['password'],
            'project_name': auth['project_name'], 'user_domain_name': 'Default',
            'project_domain_name': 'Default', 'resources': {'network': PRIVATE}}
    # The same project twice: Tempest locks an account per worker (2 workers), and a student's cloud has
    # only one. Tempest tells accounts apart by a hash of their fields: with project_id the second entry
    # hashes differently. The smoke tests need one account each and check only what they created.
    second = dict(base, project_id=project_id, resources=dict(base['resources']))
    return yaml.safe_dump([base, second], sort_keys=False)


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ('admin', 'lab'):
        fail('usage : tempest_conf.py admin|lab ESPACE', 'appelé par labs/cloud/tempest configure')
    mode, workspace = sys.argv[1], os.path.abspath(sys.argv[2])
    import openstack.config
    clouds = openstack.config.OpenStackConfig()
    name = 'admin' if mode == 'admin' else os.environ.get('OS_CLOUD', 'demo')
    conn = connect(name)
    region = conn.config.get_region_name() or 'RegionOne'
    auth = conn.config.config['auth']
    found = discover(conn)
    conf = build(found, auth, region, workspace)
    etc = os.path.join(workspace, 'etc')
    if mode == 'admin':
        conf['auth'] = {'use_dynamic_credentials': 'true', 'create_isolated_networks': 'true',
                        'admin_username': auth['username'], 'admin_password': auth['password'],
                        'admin_project_name': auth['project_name'], 'admin_domain_name': 'Default',
                        'tempest_roles': 'member'}
        try:
            demo = clouds.get_one(cloud='demo').config['auth']
        except Exception:
            demo = None
        if demo and 'heat' in conf['service_available'] and conf['service_available']['heat'] == 'true':
            conf['heat_plugin'] = heat_plugin(found, demo, auth, region)
        who = 'admin (Tempest crée un projet et des utilisateurs par classe de tests)'
    else:
        write(os.path.join(etc, 'accounts.yaml'), accounts_yaml(auth, conn.current_project_id))
        conf['auth'] = {'use_dynamic_credentials': 'false', 'create_isolated_networks': 'false',
                        'test_accounts_file': os.path.join(etc, 'accounts.yaml'),
                        'default_credentials_domain_name': 'Default'}
        who = '%s, projet %s, sans admin (etc/accounts.yaml)' % (auth['username'], auth['project_name'])
    write(os.path.join(etc, 'tempest.conf'), render(conf))
    running = sorted(k for k, v in conf['service_available'].items() if v == 'true')
    print('etc/tempest.conf : %s' % auth['auth_url'])
    print('  comptes : %s' % who)
    print('  image %s : %s…, gabarits %s' % (IMAGE, found['image'][:8], ', '.join(FLAVORS)))
    ssh = ('SSH par IP flottante (cirros), pas de console VNC' if conf['validation']['run_validation'] == 'true'
           else 'ni SSH ni console VNC')
    print('  réseau externe %s, réseau des serveurs %s ; %s' % (PUBLIC, PRIVATE, ssh))
    print('  services : %s' % ', '.join(running))


if __name__ == '__main__':
    main()
