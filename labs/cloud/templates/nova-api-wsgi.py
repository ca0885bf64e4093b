## nova-api's WSGI entry point for uwsgi → state/etc/nova/api-wsgi.py (labs/cloud/up, write_configs).
from nova.api.openstack.compute.wsgi import init_application
application = init_application()
