## Placement's WSGI entry point for uwsgi → state/etc/placement/wsgi.py (labs/cloud/up, write_configs).
from placement.wsgi import init_application
application = init_application()
