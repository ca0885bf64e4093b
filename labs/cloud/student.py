#!/usr/bin/python3
"""student.py add ID DIR | remove ID [DIR] | purge: each student's own OpenStack project (labs/cloud/student,
which checks the arguments, is the entry point; the lab server runs it as root).

  add      project and user `eleve-ID` (role member, and heat_stack_owner like demo), quotas, the network
           of the course's demo (private 10.0.0.0/24, private-subnet, router1 to public); DIR/clouds.yaml
           (one cloud, `demo`, so the slides' commands work unchanged) and DIR/demo-openrc, mode 0600.
           Idempotent: what exists is kept; the password in DIR/clouds.yaml is kept while it still works.
  remove   everything of project eleve-ID, as its own user (Heat deletes a stack only for its project),
           then the user, the project, its quotas and DIR's two files. A missing project is success.
  purge [KEEP…]  remove for every project tagged cours-openstack-eleve (what an earlier class left), but
           eleve-KEEP: students of a class that another lab server of this machine still runs.

One Python process (openstacksdk, like seed.py and reset.py): `openstack` costs ~1 s per call.
Exit status: 0 done; 2 the cloud is down or not installed; 1 anything else. Errors: French, on stderr.
"""
import os
import secrets
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reset import attempt, clean_project  # noqa: E402 (beside this file)

TAG = 'cours-openstack-eleve'
PREFIX = 'eleve-'
REGION = 'RegionOne'
# Sized for the course's demos in one session (reset at each new session): the Nova chapter leaves five
# m1.tiny servers, the Cinder chapter two m1.small with 10 + 8 GB of volumes, the Neutron chapter a second
# network and router. Smaller quotas would fail demos that work for the presenter.
COMPUTE_QUOTAS = {'instances': 8, 'cores': 8, 'ram': 8192, 'key_pairs': 10, 'server_groups': 5}
VOLUME_QUOTAS = {'volumes': 5, 'gigabytes': 25, 'snapshots': 5}
NETWORK_QUOTAS = {'floatingip': 5, 'network': 5, 'subnet': 5, 'router': 4, 'port': 40, 'security_group': 10}


class Failure(Exception):
    """A French message for stderr and the exit status."""

    def __init__(self, message, status=1):
        super().__init__(message)
        self.status = status


class Steps:
    """What is being done, for the error message when it fails."""
    current = 'la connexion au cloud du lab'


def doing(what):
    Steps.current = what


def say(line):
    print(line, flush=True)


def admin_connection():
    import openstack
    from openstack.config import loader
    # The `admin` cloud of the lab cloud's clouds.yaml (OS_CLIENT_CONFIG_FILE, set by cloud-env), and
    # nothing else: no OS_* variable of whoever runs this may change who we are.
    config = loader.OpenStackConfig(config_files=[os.environ['OS_CLIENT_CONFIG_FILE']], load_envvars=False)
    conn = openstack.connection.Connection(config=config.get_one('admin'))
    conn.authorize()
    return conn


def project_connection(auth_url, name, password):
    import openstack
    from keystoneauth1 import session
    from keystoneauth1.identity import v3
    auth = v3.Password(auth_url=auth_url, username=name, password=password, project_name=name,
                       user_domain_id='default', project_domain_id='default')
    return openstack.connection.Connection(session=session.Session(auth=auth), region_name=REGION,
                                           identity_interface='public')


def saved_password(directory, name):
    """The password of `name` in DIR/clouds.yaml, if the file is there and is for that user."""
    import yaml
    try:
        with open(os.path.join(directory, 'clouds.yaml')) as f:
            auth = yaml.safe_load(f)['clouds']['demo']['auth']
    except (OSError, KeyError, TypeError, yaml.YAMLError):
        return None
    return auth.get('password') if auth.get('username') == name else None


def password_works(auth_url, name, password):
    from keystoneauth1 import exceptions
    try:
        project_connection(auth_url, name, password).authorize()
        return True
    except exceptions.Unauthorized:
        return False


def write_private(path, text):
    """Writes a file of mode 0600 in place of `path`, atomically (a reader never sees half of it)."""
    tmp = path + '.new'
    if os.path.lexists(tmp):
        os.unlink(tmp)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, 'w') as f:
        f.write(text)
    os.replace(tmp, path)


def write_files(directory, auth_url, name, password):
    import yaml
    cloud = {'auth': {'auth_url': auth_url, 'username': name, 'password': password, 'project_name': name,
                      'user_domain_name': 'Default', 'project_domain_name': 'Default'},
             'region_name': REGION, 'interface': 'public', 'identity_api_version': 3,
             'image_api_version': 2, 'volume_api_version': 3}
    write_private(os.path.join(directory, 'clouds.yaml'),
                  yaml.safe_dump({'clouds': {'demo': cloud}}, default_flow_style=False, sort_keys=False))
    variables = [('OS_AUTH_URL', auth_url), ('OS_IDENTITY_API_VERSION', '3'), ('OS_USERNAME', name),
                 ('OS_PASSWORD', password), ('OS_PROJECT_NAME', name), ('OS_USER_DOMAIN_NAME', 'Default'),
                 ('OS_PROJECT_DOMAIN_NAME', 'Default'), ('OS_REGION_NAME', REGION), ('OS_INTERFACE', 'public'),
                 ('OS_IMAGE_API_VERSION', '2'), ('OS_VOLUME_API_VERSION', '3')]
    write_private(os.path.join(directory, 'demo-openrc'),
                  '# Cloud du lab : votre projet %s (utilisateur %s)\n' % (name, name)
                  + ''.join("export %s='%s'\n" % pair for pair in variables))


def ensure_project(admin, name, student):
    from openstack import exceptions
    identity = admin.identity
    project = identity.find_project(name, domain_id='default', ignore_missing=True)
    if project is None:
        try:
            project = identity.create_project(name=name, domain_id='default', tags=[TAG],
                                              description="Projet de l'élève %s (cours OpenStack)" % student)
        except exceptions.ConflictException:  # another `add` of the same student just made it
            project = identity.find_project(name, domain_id='default', ignore_missing=False)
    if TAG not in (project.tags or []):  # made by hand: purge must find it all the same
        project = identity.update_project(project, tags=list(project.tags or []) + [TAG])
    return project


def ensure_user(admin, name, student, project, password_for):
    """The user `name`, member of `project`, and a password that works: returns that password."""
    from openstack import exceptions
    identity = admin.identity
    auth_url = admin.config.get_auth_args()['auth_url']
    user = identity.find_user(name, domain_id='default', ignore_missing=True)
    password = password_for(user)
    if user is None:
        password = secrets.token_urlsafe(18)
        try:
            user = identity.create_user(name=name, domain_id='default', password=password,
                                        default_project_id=project.id,
                                        description="Élève %s du cours OpenStack (%s)" % (student, TAG))
        except exceptions.ConflictException:
            user = identity.find_user(name, domain_id='default', ignore_missing=False)
            password = None
    for role_name in ('member', 'heat_stack_owner'):
        role = identity.find_role(role_name, ignore_missing=True)
        if role is not None:  # heat_stack_owner: as the course's demo has it, when Heat's role exists
            identity.assign_project_role_to_user(project, user, role)
    if password is None or not password_works(auth_url, name, password):
        password = secrets.token_urlsafe(18)
        identity.update_user(user, password=password)
        # A new password revokes the user's tokens issued up to now, and a Fernet token's time is in whole
        # seconds: a token issued in this same second would be refused (Heat answered 401).
        time.sleep(1.0 - time.time() % 1.0 + 0.05)
    return password


def ensure_network(admin, project_id):
    """What seed.py makes for demo: private 10.0.0.0/24 (private-subnet), router1 to public."""
    net = admin.network
    public = net.find_network('public', ignore_missing=False)
    private = (net.find_network('private', project_id=project_id, ignore_missing=True)
               or net.create_network(name='private', project_id=project_id))
    subnet = (net.find_subnet('private-subnet', network_id=private.id, ignore_missing=True)
              or net.create_subnet(name='private-subnet', network_id=private.id, ip_version=4,
                                   cidr='10.0.0.0/24', gateway_ip='10.0.0.1', project_id=project_id,
                                   dns_nameservers=[]))
    router = (net.find_router('router1', project_id=project_id, ignore_missing=True)
              or net.create_router(name='router1', project_id=project_id,
                                   external_gateway_info={'network_id': public.id}))
    attached = any(ip.get('subnet_id') == subnet.id
                   for port in net.ports(device_id=router.id, device_owner='network:router_interface')
                   for ip in port.fixed_ips)
    if not attached:
        net.add_interface_to_router(router, subnet_id=subnet.id)


def add(student, directory):
    name = PREFIX + student
    admin = admin_connection()
    auth_url = admin.config.get_auth_args()['auth_url']
    doing('la création du projet ' + name)
    project = ensure_project(admin, name, student)
    doing("la création de l'utilisateur " + name)
    password = ensure_user(admin, name, student, project,
                           lambda user: saved_password(directory, name) if user is not None else None)
    doing('les quotas du projet ' + name)
    admin.set_compute_quotas(project.id, **COMPUTE_QUOTAS)
    admin.set_volume_quotas(project.id, **VOLUME_QUOTAS)
    admin.set_network_quotas(project.id, **NETWORK_QUOTAS)
    doing('le réseau private et le routeur router1 du projet ' + name)
    ensure_network(admin, project.id)
    doing('l’écriture de clouds.yaml et demo-openrc dans ' + directory)
    write_files(directory, auth_url, name, password)
    say('Projet OpenStack %s prêt (utilisateur %s, réseau private, routeur router1).' % (name, name))


def empty_project(admin, auth_url, name, student, project):
    # As the project's own user, with a fresh password (it is about to go: its tokens may go first).
    doing("la prise en main du projet %s par l'administrateur" % name)
    password = ensure_user(admin, name, student, project, lambda user: None)
    doing('la suppression des ressources du projet ' + name)
    clean_project(project_connection(auth_url, name, password), kept_networks=(), kept_routers=(), ports=True)
    # Neutron's `default` group: its project cannot delete it, the admin can (listing it with the project's
    # id creates it when missing: it is deleted right after, and nothing lists it again). Then the quotas.
    for group in admin.network.security_groups(project_id=project.id):
        attempt('security group ' + group.name, admin.network.delete_security_group, group)
    attempt('compute quotas', admin.delete_compute_quotas, project.id)
    attempt('volume quotas', admin.delete_volume_quotas, project.id)
    attempt('network quotas', admin.delete_network_quotas, project.id)


def remove(student, directory):
    from openstack import exceptions
    name = PREFIX + student
    admin = admin_connection()
    identity = admin.identity
    auth_url = admin.config.get_auth_args()['auth_url']
    project = identity.find_project(name, domain_id='default', ignore_missing=True)
    if project is not None:
        try:
            empty_project(admin, auth_url, name, student, project)
        except exceptions.NotFoundException:
            # Someone else's `remove` or `purge` of the same student got there first: fine once it is gone.
            if identity.find_project(name, domain_id='default', ignore_missing=True) is not None:
                raise
    doing("la suppression de l'utilisateur et du projet " + name)
    user = identity.find_user(name, domain_id='default', ignore_missing=True)
    if user is not None:
        identity.delete_user(user, ignore_missing=True)
    if project is not None:
        identity.delete_project(project, ignore_missing=True)
    for file in ('clouds.yaml', 'demo-openrc'):
        if directory and os.path.lexists(os.path.join(directory, file)):
            os.unlink(os.path.join(directory, file))
    return project is not None


def purge(keep):
    """keep: ids of students of a class still running on this machine (another lab server's)."""
    admin = admin_connection()
    doing('la liste des projets marqués ' + TAG)
    kept = {PREFIX + student for student in keep}
    names = [p.name for p in admin.identity.projects(tags=TAG) if p.name.startswith(PREFIX) and p.name not in kept]
    for name in names:
        remove(name[len(PREFIX):], None)
    # Users left without their project (an `add` interrupted between the two). `add` makes the project
    # first and `remove` deletes the user first: a user whose project does not exist is nobody's.
    doing("la suppression des utilisateurs d'élèves restés seuls")
    projects = {p.name for p in admin.identity.projects(domain_id='default')}
    orphans = [u for u in admin.identity.users(domain_id='default')
               if u.name.startswith(PREFIX) and TAG in (u.description or '') and u.name not in projects]
    for user in orphans:
        admin.identity.delete_user(user)
    say("Purge : %d projet(s) d'élève supprimé(s)%s." % (
        len(names), ', %d utilisateur(s) seul(s)' % len(orphans) if orphans else ''))


def main(argv):
    from keystoneauth1 import exceptions as ksa
    from openstack import exceptions
    command = argv[1] if len(argv) > 1 else ''
    try:
        if command == 'add' and len(argv) == 4:
            add(argv[2], argv[3])
        elif command == 'remove' and len(argv) in (3, 4):
            gone = remove(argv[2], argv[3] if len(argv) == 4 else None)
            say('Projet %s%s supprimé.' % (PREFIX, argv[2]) if gone else
                'Rien à supprimer : pas de projet %s%s.' % (PREFIX, argv[2]))
        elif command == 'purge':
            purge(argv[2:])
        else:
            raise Failure('usage : labs/cloud/student add ID DOSSIER | remove ID DOSSIER | purge [ID_GARDÉ…]')
    except (ksa.ConnectFailure, ksa.DiscoveryFailure) as error:
        raise Failure('le cloud du lab ne répond pas (%s) : bash labs/cloud/up (en root), puis relancez.'
                      % error, status=2)
    except exceptions.ConfigException as error:
        raise Failure("le cloud du lab n'est pas installé ou n'a jamais démarré (%s) : bash labs/cloud/up "
                      '(en root).' % error, status=2)
    except Failure:
        raise
    except Exception as error:
        raise Failure('échec pendant %s : %s\n  Vérifiez le cloud (bash labs/cloud/status), puis relancez la '
                      'même commande : elle reprend où elle en était.' % (Steps.current, error))


if __name__ == '__main__':
    try:
        main(sys.argv)
    except Failure as failure:
        print('labs/cloud/student : ' + str(failure), file=sys.stderr)
        sys.exit(failure.status)
