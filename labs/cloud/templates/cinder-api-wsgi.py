## cinder-api's WSGI entry point for uwsgi → state/etc/cinder/api-wsgi.py (labs/cloud/up, write_configs).
## cinder's WSGI app parses sys.argv (uwsgi --pyargv), not an environment variable.
from cinder.wsgi.wsgi import initialize_application
application = initialize_application()
