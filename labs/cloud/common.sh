# labs/cloud/common.sh: what labs/cloud/up, down and status share. Sourced, after CLOUD and STATE are set.
# shellcheck shell=bash
# L and E are for the scripts that source this file (up, compute.sh), which shellcheck checks on their own.
# shellcheck disable=SC2034
# The configuration templates (labs/cloud/templates/) spell them ${STATE}/run, /logs, /etc: change both.
R=$STATE/run L=$STATE/logs E=$STATE/etc

# The cloud's services, in start order (down stops them in the reverse order of their layers).
SERVICES=(mariadb epmd rabbitmq keystone glance-api placement-api nova-api nova-conductor nova-scheduler
  nova-compute neutron-server cinder-api cinder-scheduler cinder-volume heat swift-account swift-container
  swift-object swift-proxy)
# The data plane's, in the libvirt mode only (labs/cloud/network.sh): nova's metadata API, then the agents.
DATAPLANE_SERVICES=(nova-metadata neutron-linuxbridge-agent neutron-dhcp-agent neutron-l3-agent neutron-metadata-agent)

# A pid alone could name another process after a reboot or a crash: with its start time (field 22 of
# /proc/PID/stat, in clock ticks since boot) it names one process for good.
starttime() {
  local s f
  s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  s=${s##*) } # the command name, in parentheses, may contain spaces: fields start after it
  read -ra f <<<"$s" # f[0] is field 3 (the state), f[19] field 22
  [ "${f[0]}" != Z ] || return 1 # a zombie has ended: only its parent has not collected it yet
  echo "${f[19]}"
}
recorded_pid() { # recorded_pid NAME: the pid in $R/NAME.pid if that process still runs
  local pid st
  read -r pid st 2>/dev/null <"$R/$1.pid" || return 1
  [ -n "$st" ] && [ "$(starttime "$pid")" = "$st" ] && echo "$pid"
}
alive() { recorded_pid "$1" >/dev/null; }

# session PID: the processes of the session whose leader is PID. Each service is started as the leader of
# a session of its own (labs/cloud/up), so while that leader is the recorded process, its session is ours:
# uwsgi workers, neutron-server's RPC workers, cinder-volume's backend process, beam.smp…
session() { ps -o pid= -s "$1" 2>/dev/null | tr -d ' '; }

# marked PID: the process is one of this cloud's even when its session leader is gone. Every process up
# starts carries LAB_CLOUD_OWNER=$STATE in its environment, and nothing else on the machine does. But
# setproctitle (neutron's workers) overwrites /proc/PID/environ: those are recognised by their command
# line instead, which keeps labs/cloud/osrun and a config file under $STATE.
marked() {
  grep -qsFxz "LAB_CLOUD_OWNER=$STATE" "/proc/$1/environ" && return 0
  local c
  c=$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null) || return 1
  [[ $c == *"$CLOUD/osrun "*"$STATE/"* ]]
}

# Every process of this cloud: the sessions of the recorded services, and whatever is marked.
our_pids() {
  local s pid
  {
    for s in "${SERVICES[@]}" "${DATAPLANE_SERVICES[@]}"; do
      pid=$(recorded_pid "$s") && session "$pid"
    done
    grep -lsFxz "LAB_CLOUD_OWNER=$STATE" /proc/[0-9]*/environ | cut -d/ -f3
    while read -r pid; do
      marked "$pid" && echo "$pid"
    done < <(grep -lsaF "$CLOUD/osrun" /proc/[0-9]*/cmdline | cut -d/ -f3)
  } 2>/dev/null | grep -vx "$$" | sort -un
  return 0
}
