#!/usr/bin/python3
"""swift-server.py SERVER CONF LOG: runs one of the lab cloud's Swift servers from Debian's python3-swift.

SERVER is proxy-server, account-server, container-server or object-server, run as Debian's
/usr/bin/swift-*-server run them (run_wsgi). We install python3-swift and swift (swift-ring-builder), not
the swift-proxy, swift-account… service packages that ship those wrappers: their maintainer scripts want
/etc/swift, system users and init scripts. labs/cloud/swift.sh starts this script.

What differs from those wrappers, and why:
  * swift.conf (hash prefix and suffix, storage policies) is CONF's neighbour $E/swift/swift.conf, not
    /etc/swift/swift.conf: Swift hard-codes that path, and the whole cloud lives in its state directory.
  * Logs go to LOG, with the time: Swift only knows syslog, and no syslog daemon runs here (without
    /dev/log it would send them to UDP 127.0.0.1:514, where nobody listens).
  * The container server also runs the container-updater, which copies each container's object count
    and bytes into its account (`openstack object store account show`): one sweep every `interval`
    seconds ([container-updater] of CONF), in a green thread of the server. As a daemon of its own it
    would cost one more Python process (~45 MiB) and fork a child per disk at every sweep.
"""
import logging
import logging.handlers
import os
import sys
import time

server, conf_file, log_file = sys.argv[1:4]

from swift.common import utils  # noqa: E402 (before anything imports swift.common.storage_policy)

# storage_policy reads SWIFT_CONF_FILE when it is imported (by wsgi, the servers…): set it first.
utils.SWIFT_CONF_FILE = os.path.join(os.path.dirname(os.path.abspath(conf_file)), 'swift.conf')


class LabLogHandler(logging.handlers.WatchedFileHandler):
    """Stands in for Swift's syslog handler (same call, address and facility ignored): a file, with time."""

    def __init__(self, *args, **kwargs):
        super().__init__(log_file)

    def format(self, record):
        return '%s %s' % (time.strftime('%Y-%m-%d %H:%M:%S'), super().format(record))


utils.ThreadSafeSysLogHandler = LabLogHandler

from swift.common import wsgi  # noqa: E402

if server == 'container-server':
    import eventlet
    from swift.container.updater import ContainerUpdater

    updater_conf = utils.readconf(conf_file, 'container-updater')
    updater = ContainerUpdater(updater_conf)

    def sweep_forever():
        while True:
            eventlet.sleep(float(updater_conf.get('interval', 5)))
            try:
                updater.run_once()
            except Exception:  # a failed sweep must not end the loop: the next one may work
                updater.logger.exception('container-updater sweep failed')

    # run_wsgi calls signal_ready once its event hub is the server's and just before it serves: a green
    # thread spawned then runs beside the requests (spawned earlier, it would be on a hub that never runs).
    signal_ready = wsgi.WorkersStrategy.signal_ready

    def ready_and_sweep(strategy):
        signal_ready(strategy)
        eventlet.spawn(sweep_forever)

    wsgi.WorkersStrategy.signal_ready = ready_and_sweep

sys.exit(wsgi.run_wsgi(conf_file, server))
