# labs/cloud/compute.sh: which hypervisor nova-compute drives, sourced by labs/cloud/up (after common.sh and
# render.sh, whose render writes nova-compute.conf).
# shellcheck shell=bash
#   LAB_CLOUD_COMPUTE=auto (default): libvirt when the machine has a KVM that boots the tiny guest
#     (labs/guest/kvm-probe) and the libvirt lab is installed (labs/setup); the fake driver otherwise.
#   LAB_CLOUD_COMPUTE=libvirt: libvirt even without KVM (virt_type=qemu, TCG: about ten times slower, a
#     guest boots in 5-10 s on 2 cores; fine for a few servers, too heavy for the course's nine).
#   LAB_CLOUD_COMPUTE=fake: the fake driver (labs/cloud/lab_fake_driver.py): servers become ACTIVE and no
#     VM runs.
# With libvirt, the servers are real qemu processes of libvirtd (qemu:///system): Glance's image is the
# tiny guest's bootable disk (labs/guest/out/tiny-cloud.qcow2), the config drive gives it its name, and
# `openstack console log show` is its serial console. Neutron binds ports with the linuxbridge mechanism
# driver: os-vif creates the brq<network> bridge and libvirt plugs the tap into it. Behind it, the real
# agents of labs/cloud/network.sh (DHCP, router, floating IPs, metadata) where the machine has network
# namespaces; else a fake "Linux bridge agent", and a guest has no network beyond its bridge.
# The mode in use is written to $STATE/compute ("fake", or "libvirt kvm|qemu"): status, setup and down
# read it.
GUEST_OUT=${LAB_GUEST_OUT:-$CLOUD/../guest/out}
VIRSH=(virsh -q -c qemu:///system)

libvirt_missing() { # what the libvirt mode lacks on this machine, one word each; nothing when it can run
  local tool
  for tool in libvirtd virtlogd virsh qemu-system-x86_64 genisoimage; do
    command -v "$tool" >/dev/null || echo "$tool"
  done
  "$PY" -c 'import libvirt' 2>/dev/null || echo python3-libvirt
  [ -f "$GUEST_OUT/tiny-cloud.qcow2" ] || echo "$GUEST_OUT/tiny-cloud.qcow2"
}

# Sets COMPUTE (fake|libvirt), VIRT_TYPE (kvm|qemu, libvirt only) and COMPUTE_WHY (why not libvirt).
resolve_compute() {
  local want=${LAB_CLOUD_COMPUTE:-auto} missing accel=tcg
  case $want in auto | libvirt | fake) ;; *) die "LAB_CLOUD_COMPUTE=$want : auto, libvirt ou fake" ;; esac
  COMPUTE=fake VIRT_TYPE='' COMPUTE_WHY="LAB_CLOUD_COMPUTE=fake"
  [ "$want" = fake ] && return 0
  missing=$(libvirt_missing | paste -sd' ')
  if [ -n "$missing" ]; then
    [ "$want" = libvirt ] && die "LAB_CLOUD_COMPUTE=libvirt : il manque $missing (labs/setup puis labs/cloud/install, en root)"
    COMPUTE_WHY="il manque $missing (labs/setup)"
    return 0
  fi
  [ -c /dev/kvm ] && accel=$(OUT=$GUEST_OUT "$CLOUD/../guest/kvm-probe" 2>/dev/null || echo tcg)
  if [ "$accel" = kvm ]; then
    COMPUTE=libvirt VIRT_TYPE=kvm
  elif [ "$want" = libvirt ]; then
    COMPUTE=libvirt VIRT_TYPE=qemu
  else
    COMPUTE_WHY="pas de KVM sur cette machine (LAB_CLOUD_COMPUTE=libvirt pour de vraies VM sous TCG, lentes)"
  fi
}

# A running cloud keeps its hypervisor: changing it means restarting nova-compute and re-binding agents.
# Without LAB_CLOUD_COMPUTE, up keeps the one that runs; asked for another, it says to stop first. Once
# nova-compute is stopped (labs/cloud/down), the next up may choose another one.
check_compute_unchanged() {
  local was
  alive nova-compute || return 0
  was=$(cat "$STATE/compute" 2>/dev/null) || return 0
  [ "$was" = "$(compute_label)" ] && return 0
  case ${LAB_CLOUD_COMPUTE:-auto} in
    auto) read -r COMPUTE VIRT_TYPE <<<"$was" ;;
    *) die "le cloud tourne avec nova-compute « $was », pas « $(compute_label) » : labs/cloud/down d'abord" ;;
  esac
}
compute_label() { echo "$COMPUTE${VIRT_TYPE:+ $VIRT_TYPE}"; }

# nova-compute's own configuration file (after nova.conf): the driver and what it needs
# (templates/nova-compute-fake.conf, nova-compute-libvirt.conf).
write_compute_conf() {
  local conf=$E/nova/nova-compute.conf
  if [ "$COMPUTE" = fake ]; then
    render nova-compute-fake.conf "$conf"
    return 0
  fi
  # With the real agents (network.sh), the guest starts once its port is wired and dnsmasq knows it, so
  # its DHCP request is answered at once; with the fake ones no port is ever reported plugged.
  local fatal=false timeout=0
  [ "${DATAPLANE:-fake}" = real ] && fatal=true timeout=300
  # [libvirt]: virt_type, and cpu_mode = none under TCG (qemu); with KVM the second line stays empty, as
  # the file always had it.
  local libvirt="virt_type = $VIRT_TYPE"$'\n'
  [ "$VIRT_TYPE" = qemu ] && libvirt+='cpu_mode = none'
  render nova-compute-libvirt.conf "$conf" STATE VIF_FATAL="$fatal" VIF_TIMEOUT="$timeout" LIBVIRT="$libvirt"
}

# libvirtd and virtlogd, unless they already run (the libvirt lab's labs/libvirt/up, or the system's):
# ours run in the foreground in sessions of their own, like the other services, and `down` stops them.
start_libvirt() {
  [ "$COMPUTE" = libvirt ] || return 0
  local d p
  mkdir -p /run/libvirt
  for d in virtlogd libvirtd; do
    p=$(cat "/run/$d.pid" 2>/dev/null) && kill -0 "$p" 2>/dev/null && continue
    start "$d" '' -- "$(command -v "$d")"
  done
  local deadline=$((SECONDS + 30))
  until "${VIRSH[@]}" uri >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || { fail_log libvirtd >&2; die "libvirtd ne répond pas sur /run/libvirt/libvirt-sock"; }
    sleep 0.1
  done
  # libvirt runs qemu as libvirt-qemu: it must reach the instances' disks under $STATE.
  runuser -u libvirt-qemu -- test -x "$STATE/nova/instances" 2>/dev/null ||
    die "l'utilisateur libvirt-qemu ne peut pas traverser $STATE : choisissez un LAB_CLOUD_STATE accessible (ex. /var/lib/cours-openstack-cloud)"
  say "libvirtd prêt (qemu:///system, virt_type=$VIRT_TYPE)"
}

# The fake Neutron agents match the hypervisor: an Open vSwitch agent for the fake driver (nothing is
# plugged), a Linux bridge agent for libvirt (os-vif creates the bridge, libvirt plugs the tap). The other
# L2 agent is removed, or ML2 would keep binding ports for it. Done when the mode changes only.
register_agents() {
  local l2=openvswitch gone='Linux bridge agent'
  [ "$COMPUTE" = libvirt ] && l2=linuxbridge gone='Open vSwitch agent'
  [ "$(cat "$STATE/.agents" 2>/dev/null)" = "$l2" ] && return 0
  SQL "DELETE FROM neutron.agents WHERE agent_type='$gone' AND host='lab-compute';" ||
    die "suppression de l'agent « $gone » impossible"
  "$PY" "$CLOUD/fake-agents.py" "$E/neutron/neutron.conf" "$l2" >"$L/fake-agents.log" 2>&1 ||
    die "fake-agents.py a échoué (voir $L/fake-agents.log)"
  echo "$l2" >"$STATE/.agents"
  say "agents neutron fake enregistrés sur lab-compute (L2 : $l2)"
}

# What up prints at the end about the hypervisor.
describe_compute() {
  if [ "$COMPUTE" = libvirt ]; then
    echo "  compute : nova-compute avec libvirt (virt_type=$VIRT_TYPE) : chaque serveur est une vraie VM qemu,"
    echo "            la petite VM du projet (console : openstack console log show NOM ; virsh -c qemu:///system list)"
  else
    echo "  compute : nova-compute avec le pilote fake (lab_fake_driver.LabFakeDriver, 10 vCPU / 16 GiB / 1 TB) :"
    echo "            les serveurs deviennent ACTIVE mais aucune VM ne tourne ; libvirt : $COMPUTE_WHY"
  fi
}

# The course's image is the tiny guest's disk: after a new build of labs/guest (an SSH server, say), the
# libvirt mode uploads it again under the same name (seed.py image), once per build (its md5 noted).
refresh_image() {
  [ "$COMPUTE" = libvirt ] && [ -z "${LAB_CLOUD_IMAGE:-}" ] || return 0
  local file=$GUEST_OUT/tiny-cloud.qcow2 sum
  sum=$(md5sum "$file" | cut -d' ' -f1)
  [ "$(cat "$STATE/.image-md5" 2>/dev/null)" = "$sum" ] && return 0
  LAB_IMAGE_FILE=$file "$PY" "$CLOUD/seed.py" image || die "seed.py image a échoué (image du cloud : $file)"
  echo "$sum" >"$STATE/.image-md5"
}
