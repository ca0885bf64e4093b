"""Cinder volume driver of the lab cloud: cinder.conf `volume_driver = lab_volume_driver.LabFakeVolumeDriver`.

python3-cinder's FakeLoggingVolumeDriver keeps volumes as database rows only, but a volume made from an
image (`openstack server create --boot-from-volume`, `volume create --image`) still has the image written
onto /dev/mapper/cinder--volumes-…, a block device that does not exist here: the volume ends in "error".
There is no data to hold, so there is nothing to copy. labs/cloud/osrun puts this directory on sys.path for
cinder's programs.
"""
from cinder.tests import fake_driver
from cinder.volume import volume_utils


class LabFakeVolumeDriver(fake_driver.FakeLoggingVolumeDriver):

    @volume_utils.trace_method
    def copy_image_to_volume(self, context, volume, image_service, image_id):
        pass
