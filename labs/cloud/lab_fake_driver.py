"""Nova compute driver of the lab cloud: nova.conf `compute_driver = lab_fake_driver.LabFakeDriver`.

No VM ever runs: this is nova.virt.fake.MediumFakeDriver (a hypervisor of 10 vCPU, 1 TB of disk and, here,
16 GiB of RAM: room for every server the course's demos create in one go, while m1.xlarge still gets "No
valid host was found" for real) plus what a classroom needs from it:
  * guests survive a restart of nova-compute (`labs/cloud/down` then `up`): the upstream driver keeps them
    in memory only, and forgets them; `server stop` then fails with InstanceNotFound. We re-read them from
    the database in init_host;
  * `openstack console log show` prints a plausible CirrOS boot log with the server's addresses, not
    "FAKE CONSOLE OUTPUT";
  * `openstack server image create` uploads a small empty qcow2, so the snapshot becomes active instead of
    staying "queued" forever (and `--wait` returns).
Nova loads drivers from the nova.virt package only: labs/cloud/osrun adds this directory to
nova.virt.__path__, so that this module is nova.virt.lab_fake_driver.
"""
import os
import subprocess
import tempfile

from nova import context as nova_context
from nova import objects
from nova.compute import power_state
from nova.image import glance
from nova.virt import fake

# The states a guest can be left in by the course's commands; anything else (building, crashed…) comes
# back as running.
KEPT_STATES = (power_state.RUNNING, power_state.SHUTDOWN, power_state.PAUSED, power_state.SUSPENDED)


class LabFakeDriver(fake.MediumFakeDriver):

    memory_mb = 16384

    def init_host(self, host):
        super().init_host(host)
        ctx = nova_context.get_admin_context()
        for inst in objects.InstanceList.get_by_host(ctx, host, expected_attrs=['flavor']):
            if inst.uuid in self.instances:
                continue
            state = inst.power_state if inst.power_state in KEPT_STATES else power_state.RUNNING
            self.instances[inst.uuid] = fake.FakeInstance(inst.name, state, inst.uuid)
            # The fake hypervisor counts its own usage: without this, a restart would free the capacity.
            self.resources.claim(vcpus=inst.flavor.vcpus, mem=inst.flavor.memory_mb, disk=inst.flavor.root_gb)

    def get_console_output(self, context, instance):
        name = instance.hostname or instance.display_name
        ips = []
        try:
            for vif in instance.get_network_info():
                ips += [ip['address'] for ip in vif.fixed_ips()]
        except Exception:  # a console log must not fail because the network cache is odd
            pass
        flavor = instance.flavor
        lines = [
            '[    0.000000] Initializing cgroup subsys cpuset',
            '[    0.000000] Linux version 3.2.0-80-virtual (buildd@batsu) #116-Ubuntu SMP',
            '[    0.000000] Command line: LABEL=cirros-rootfs ro console=tty1 console=ttyS0',
            '[    0.000000] Memory: %dk available' % (flavor.memory_mb * 1024),
            '[    1.080000] EXT4-fs (vda1): mounted filesystem with ordered data mode. Opts: (null)',
            'Starting network...',
        ]
        lines += ['udhcpc (v1.20.1) started', 'Sending discover...']
        lines += ['Sending select for %s...\nLease of %s obtained, lease time 86400' % (ip, ip) for ip in ips]
        lines += [
            'cirros-ds \'net\' up at 2.10',
            'checking http://169.254.169.254/2009-04-04/instance-id',
            'successful after 1/20 tries: up 2.15. iid=%s' % instance.uuid,
            'failed to get http://169.254.169.254/2009-04-04/user-data',
            '=== system information ===',
            'Platform: OpenStack Foundation OpenStack Nova (lab fake hypervisor: no VM runs)',
            'Memory: %d MiB, vCPUs: %d, disk: %d GB' % (flavor.memory_mb, flavor.vcpus, flavor.root_gb),
            '=== network info ===',
        ]
        lines += ['if-info: eth0,up,%s,24' % ip for ip in ips]
        lines += [
            '  ____               ____  ____',
            ' / __/ __ ____ ____ / __ \\/ __/',
            '/ /__ / // __// __// /_/ /\\ \\ ',
            '\\___//_//_/  /_/   \\____/___/ ',
            '   http://cirros-cloud.net',
            '',
            '',
            'login as \'cirros\' user. default password: \'cubswin:)\'. use \'sudo\' for root.',
            '%s login: ' % name,
        ]
        return '\n'.join(lines)

    def snapshot(self, context, instance, image_id, update_task_state):
        super().snapshot(context, instance, image_id, update_task_state)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, 'snapshot.qcow2')
            size_gb = max(instance.flavor.root_gb, 1)
            subprocess.run(['qemu-img', 'create', '-q', '-f', 'qcow2', path, '%dG' % size_gb], check=True)
            meta = {'disk_format': 'qcow2', 'container_format': 'bare'}
            with open(path, 'rb') as f:
                glance.API().update(context, image_id, meta, f, purge_props=False)
