"""Cinder volume driver of the lab cloud: cinder.conf `volume_driver = lab_volume_driver.LabFileVolumeDriver`.

Each volume is a sparse raw file, $STATE/cinder/lab-volumes/volume-<id>, with no LVM, no iSCSI target and
no loop device: none of them works in the lab's sandbox. python3-cinder's FakeLoggingVolumeDriver gives
the rest (no exports, no replication); this class gives the data:
  * a volume made from an image (`server create --boot-from-volume`, `volume create --image`) really holds
    it: cinder's own fetch_to_raw (qemu-img convert);
  * snapshots and clones are copies of the file;
  * the connection handed to Nova is of type "gpfs", whose libvirt volume driver does nothing but give
    qemu the file (<disk type='file'>): with nova-compute on libvirt (labs/cloud/compute.sh), a guest
    boots from the volume, or sees it as a second disk. The fake hypervisor ignores it.
labs/cloud/osrun puts this directory on sys.path for cinder's programs.
"""
import os
import subprocess

from cinder.image import image_utils
from cinder.tests import fake_driver
from cinder.volume import volume_utils
from oslo_config import cfg

GIB = 1024 ** 3


def _file(name):
    return os.path.join(cfg.CONF.state_path, 'lab-volumes', name)


def _resize(path, size_gb):
    with open(path, 'ab') as f:
        f.truncate(size_gb * GIB)


class LabFileVolumeDriver(fake_driver.FakeLoggingVolumeDriver):

    @volume_utils.trace_method
    def create_volume(self, volume):
        os.makedirs(os.path.dirname(_file(volume.name)), mode=0o755, exist_ok=True)
        _resize(_file(volume.name), volume.size)
        return super().create_volume(volume)

    @volume_utils.trace_method
    def delete_volume(self, volume):
        _remove(_file(volume.name))

    @volume_utils.trace_method
    def extend_volume(self, volume, new_size):
        _resize(_file(volume.name), new_size)

    @volume_utils.trace_method
    def copy_image_to_volume(self, context, volume, image_service, image_id):
        image_utils.fetch_to_raw(context, image_service, image_id, _file(volume.name),
                                 self.configuration.volume_dd_blocksize, size=volume.size)
        _resize(_file(volume.name), volume.size)  # qemu-img wrote the image's own size

    @volume_utils.trace_method
    def create_snapshot(self, snapshot):
        _copy(_file(snapshot.volume_name), _file(snapshot.name))

    @volume_utils.trace_method
    def delete_snapshot(self, snapshot):
        _remove(_file(snapshot.name))

    @volume_utils.trace_method
    def create_volume_from_snapshot(self, volume, snapshot):
        _copy(_file(snapshot.name), _file(volume.name))
        _resize(_file(volume.name), volume.size)

    @volume_utils.trace_method
    def create_cloned_volume(self, volume, src_vref):
        _copy(_file(src_vref.name), _file(volume.name))
        _resize(_file(volume.name), volume.size)

    @volume_utils.trace_method
    def initialize_connection(self, volume, connector):
        info = super().initialize_connection(volume, connector)
        info['driver_volume_type'] = 'gpfs'
        info['data'].update(device_path=_file(volume.name), name=volume.name, format='raw')
        return info


def _copy(src, dst):
    # sparse: a 10 GiB volume that holds a 32 MiB guest stays that small. A volume from before this
    # driver has no file: its copy starts empty (the callers then give it its size).
    if os.path.exists(src):
        subprocess.run(['cp', '--sparse=always', '--', src, dst], check=True)


def _remove(path):
    try:
        os.remove(path)
    except FileNotFoundError:
        pass
