## nova's metadata API for uwsgi (labs/cloud/network.sh) → state/etc/nova/metadata-wsgi.py.
from nova.api.metadata.wsgi import init_application
application = init_application()
