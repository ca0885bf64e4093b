# labs/cloud/swift.sh: Swift, the lab cloud's object store, sourced by labs/cloud/up (after common.sh and
# render.sh, whose render writes its configuration files).
# shellcheck shell=bash
# From Debian's python3-swift (the servers) and swift (swift-ring-builder), not the swift-proxy,
# swift-account… service packages (maintainer scripts, init scripts): labs/cloud/swift-server.py runs each
# server as their /usr/bin wrappers would, one process each (workers = 0), as root, like the rest:
#   proxy      127.0.0.1:8080, behind Keystone (authtoken + keystoneauth: roles admin and member operate
#              their project's account AUTH_<project id>), with tempurl, bulk, slo/dlo, quotas, symlink…
#   account    127.0.0.1:6202, container 127.0.0.1:6201 (its process also runs the container-updater,
#              which copies each container's object count and bytes into its account every 5 s),
#              object 127.0.0.1:6200
# No replicator, auditor, reaper or expirer: one server holds every replica, nothing to repair or move.
# Storage: three "disks" d1 d2 d3, plain directories of $STATE/swift/node (mount_check = false; the
# object server keeps its metadata in user xattrs, which the state directory's filesystem must accept).
# The rings (2^10 partitions, 3 replicas, one disk per zone) are built once by swift-ring-builder in
# $STATE/swift/rings, which the lab's shells read (labs/cloud/rc: `swift-ring-builder swift/object.builder`).
# L is set by common.sh, PY and die by up.
# shellcheck disable=SC2154
SWIFT_PROXY_PORT=8080
declare -A SWIFT_PORTS=([object]=6200 [container]=6201 [account]=6202)
SWIFT_RINGS=$STATE/swift/rings SWIFT_NODE=$STATE/swift/node

# The configuration files: templates/swift.conf, swift-storage-server.conf (once per kind of server) and
# swift-proxy-server.conf.
write_swift_conf() {
  mkdir -p "$E/swift" "$SWIFT_RINGS" "$STATE/swift/cache" "$SWIFT_NODE"/d{1,2,3}
  chmod 700 "$SWIFT_NODE" "$STATE/swift/cache" # the objects of every project: root only
  render swift.conf "$E/swift/swift.conf"
  local kind
  for kind in account container object; do
    render swift-storage-server.conf "$E/swift/$kind-server.conf" STATE SWIFT_RINGS SWIFT_NODE KIND="$kind" \
      PORT="${SWIFT_PORTS[$kind]}"
  done
  render swift-proxy-server.conf "$E/swift/proxy-server.conf" SWIFT_PROXY_PORT SWIFT_RINGS
}

# The object server keeps each object's metadata in user.* extended attributes: a filesystem without
# them (tmpfs before Linux 6.6, some overlays) fails every upload. Checked before anything starts.
check_swift_xattrs() {
  local probe=$SWIFT_NODE/d1/.xattr-probe
  : >"$probe"
  "$PY" -c 'import os, sys; os.setxattr(sys.argv[1], "user.swift.probe", b"1")' "$probe" 2>/dev/null ||
    { rm -f "$probe"; die "le système de fichiers de $SWIFT_NODE n'accepte pas les attributs étendus user.* (xattr), dont Swift a besoin : LAB_CLOUD_STATE ailleurs (ext4, xfs)"; }
  rm -f "$probe"
}

# The rings, once: 2^10 partitions, 3 replicas, min_part_hours 1, one disk per zone. The three rings at
# once (swift-ring-builder is a Python start-up per call: about 3 s in all, the first time only).
build_swift_rings() {
  local ring failed=0 jobs=()
  for ring in account container object; do
    [ -f "$SWIFT_RINGS/$ring.ring.gz" ] && continue
    (
      cd "$SWIFT_RINGS" || exit 1
      local port=${SWIFT_PORTS[$ring]} devs=() z
      for z in 1 2 3; do devs+=("r1z$z-127.0.0.1:$port/d$z" 100); done
      swift-ring-builder "$ring.builder" create 10 3 1 &&
        swift-ring-builder "$ring.builder" add "${devs[@]}" &&
        swift-ring-builder "$ring.builder" rebalance
    ) >>"$L/swift-rings.log" 2>&1 &
    jobs+=($!)
  done
  [ ${#jobs[@]} -eq 0 ] && return 0
  for ring in "${jobs[@]}"; do wait "$ring" || failed=1; done
  [ $failed -eq 0 ] || die "swift-ring-builder a échoué (voir $L/swift-rings.log)"
  chmod -R go+rX "$SWIFT_RINGS" # the lab's shells show them (labs/cloud/rc)
  say "anneaux de Swift construits (account, container, object : 1024 partitions, 3 répliques, 3 zones)"
}

start_swift() {
  local kind
  for kind in account container object; do
    start "swift-$kind" "${SWIFT_PORTS[$kind]}" -- "$PY" "$CLOUD/swift-server.py" "$kind-server" \
      "$E/swift/$kind-server.conf" "$L/swift-$kind.log"
  done
  start swift-proxy "$SWIFT_PROXY_PORT" -- "$PY" "$CLOUD/swift-server.py" proxy-server \
    "$E/swift/proxy-server.conf" "$L/swift-proxy.log"
}

wait_swift() {
  local kind
  for kind in account container object; do wait_http "swift-$kind" "${SWIFT_PORTS[$kind]}"; done
  wait_http swift-proxy "$SWIFT_PROXY_PORT"
}
