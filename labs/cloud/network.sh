# labs/cloud/network.sh: Neutron's data plane, in the libvirt mode: the real agents from python3-neutron
# (Linux bridge, DHCP, L3, metadata) and nova's metadata API, instead of fake-agents.py. Sourced by
# labs/cloud/up (start), labs/cloud/down (stop, clean up) and labs/cloud/status, after common.sh.
# shellcheck shell=bash
#   * Guests get their address from dnsmasq (a qdhcp-<network> namespace), reach their router (a
#     qrouter-<router> namespace: SNAT, floating IPs) and the metadata service (169.254.169.254: haproxy in
#     the router's namespace, the metadata agent, nova's metadata API on 127.0.0.1:8775). Security groups
#     are iptables rules on each VM's tap: they really filter.
#   * The public network (172.24.4.0/24) is a bridge of our own, br-lab-public, with the host's address
#     172.24.4.1 (the subnet's gateway, as DevStack's br-ex): the lab's shell reaches floating IPs through it.
#     No interface of the machine is ever put in a bridge, and nothing is forwarded off the machine.
#   * Without systemd, like the rest: each agent is a service of `up` (a session of its own, a pid file);
#     its dnsmasq and haproxy carry the cloud's mark (LAB_CLOUD_OWNER), so `down` finds them.
#   * `down` removes exactly what this cloud made: the namespaces, brq bridges and vxlan interfaces of its
#     own networks and routers (their ids, read from its database while MariaDB still runs), its public
#     bridge, the agents' iptables and ebtables chains (neutron-linuxbri-*, neutronARP-/neutronMAC-), and
#     the bridge sysctls put back as they were. What `up` made itself is listed in $STATE/network/made.
#   * Where the machine has no network namespaces or bridges (a container without CAP_NET_ADMIN…), `up`
#     says so and keeps the fake agents: servers boot, without network.
# The mode in use is in $STATE/network/dataplane ("real" or "fake"): status and down read it.
NET_DIR=$STATE/network
PUBLIC_BRIDGE=br-lab-public
PUBLIC_ADDRESS=172.24.4.1/24
# the secret the metadata agent signs its requests to nova with (both on loopback: a lab value is enough);
# PUBLIC_BRIDGE and it are read by name by render (the templates' ${PUBLIC_BRIDGE}, ${METADATA_SECRET})
# shellcheck disable=SC2034
METADATA_SECRET=cours-openstack-metadata
# the agents, in start order (common.sh's DATAPLANE_SERVICES but nova-metadata, nova's metadata API)
DATAPLANE_AGENTS=("${DATAPLANE_SERVICES[@]:1}")
# the sysctls the data plane changes (saved at up, put back by down): the bridge ones the Linux bridge agent
# turns on, and ping for every group (what systemd sets on Debian): the lab's shells run with no_new_privs,
# so ping's file capability does not apply and `ping IP_FLOTTANTE` needs an unprivileged ICMP socket.
DATAPLANE_SYSCTLS=(net.bridge.bridge-nf-call-iptables net.bridge.bridge-nf-call-ip6tables
  net.bridge.bridge-nf-call-arptables net.ipv4.ping_group_range)

# dataplane_missing: why this machine cannot have the data plane (one line), or nothing when it can: a
# namespace, a veth pair, a bridge and a VXLAN interface are made and removed again.
dataplane_missing() {
  local ns=lab-probe-$$ v=labprobe$$ err
  for tool in ip iptables ebtables dnsmasq haproxy; do
    command -v "$tool" >/dev/null || { echo "il manque $tool (labs/cloud/install)"; return 0; }
  done
  [ -d /proc/sys/net/bridge ] || modprobe br_netfilter 2>/dev/null
  [ -d /proc/sys/net/bridge ] || { echo "pas de filtrage des ponts (module br_netfilter) : les groupes de sécurité ne filtreraient rien"; return 0; }
  if ! err=$(ip netns add "$ns" 2>&1); then
    echo "pas d'espace de noms réseau (ip netns add : ${err:-refusé})"
    return 0
  fi
  err=$( { ip link add "${v}a" type veth peer name "${v}b" && ip link set "${v}b" netns "$ns" &&
    ip link add "${v}br" type bridge && ip link set "${v}a" master "${v}br" &&
    ip link add "${v}vx" type vxlan id 16000000 dev lo dstport 4789 && ip link delete "${v}vx"; } 2>&1)
  local rc=$?
  ip link delete "${v}a" 2>/dev/null
  ip link delete "${v}br" 2>/dev/null
  ip netns delete "$ns" 2>/dev/null
  [ $rc -eq 0 ] || echo "pas de paire veth, de pont ou d'interface VXLAN (${err:-refusé})"
}

# Sets DATAPLANE (real|fake) and DATAPLANE_WHY (why fake). Real with libvirt only: with the fake hypervisor
# no VM would use it.
resolve_dataplane() {
  DATAPLANE=fake DATAPLANE_WHY="pilote fake : aucune VM"
  [ "$COMPUTE" = libvirt ] || return 0
  local why
  why=$(dataplane_missing)
  if [ -n "$why" ]; then
    DATAPLANE_WHY=$why
    say "plan de données de Neutron impossible sur cette machine : $why ; repli sur les agents factices" \
      "(les VM démarrent, sans DHCP, routeur ni métadonnées : pas de ping ni de ssh)"
    return 0
  fi
  DATAPLANE=real
}

# The agents' configuration (rendered each up, like the rest), and neutron-server's extra file.
write_dataplane_conf() {
  mkdir -p "$NET_DIR"
  echo "$DATAPLANE" >"$NET_DIR/dataplane"
  [ "$DATAPLANE" = real ] || { rm -f "$E/neutron/dataplane.ini"; return 0; }
  render neutron-dataplane.ini "$E/neutron/dataplane.ini"
  render dataplane-agent.ini "$E/neutron/dataplane-agent.ini"
  render linuxbridge_agent.ini "$E/neutron/linuxbridge_agent.ini" PUBLIC_BRIDGE
  render dhcp_agent.ini "$E/neutron/dhcp_agent.ini"
  render l3_agent.ini "$E/neutron/l3_agent.ini"
  render metadata_agent.ini "$E/neutron/metadata_agent.ini" STATE METADATA_SECRET
  render nova-metadata.conf "$E/nova/nova-metadata.conf" STATE METADATA_SECRET
  render nova-metadata-wsgi.py "$E/nova/metadata-wsgi.py"
}
# neutron_server_conf: the config files neutron-server reads after neutron.conf and ml2_conf.ini
neutron_server_conf() {
  [ "$DATAPLANE" = real ] && printf '%s\n' --config-file "$E/neutron/dataplane.ini"
  return 0
}

# made KIND NAME: notes an object up made itself (down removes what is listed, and only that)
made() { grep -qsx "$1 $2" "$NET_DIR/made" || echo "$1 $2" >>"$NET_DIR/made"; }

# The public network's bridge, with the subnet's gateway address: the host's side of the floating IPs.
make_public_bridge() {
  if ! ip link show "$PUBLIC_BRIDGE" >/dev/null 2>&1; then
    ip link add "$PUBLIC_BRIDGE" type bridge || die "création du pont $PUBLIC_BRIDGE impossible"
    made bridge "$PUBLIC_BRIDGE"
  fi
  ip addr replace "$PUBLIC_ADDRESS" dev "$PUBLIC_BRIDGE"
  ip link set "$PUBLIC_BRIDGE" up
}

# DATAPLANE_SYSCTLS as they were, saved the first time, for down to put back; then ping for all.
save_sysctls() {
  if [ ! -f "$NET_DIR/sysctl.saved" ]; then
    local s
    for s in "${DATAPLANE_SYSCTLS[@]}"; do echo "$s=$(sysctl -n "$s" 2>/dev/null)"; done >"$NET_DIR/sysctl.saved"
  fi
  sysctl -q -w net.ipv4.ping_group_range='0 2147483647' >/dev/null 2>&1 || true
}

# start_dataplane (up, after the APIs answer): the public bridge, nova's metadata API, the four agents;
# returns once each agent has reported since this up began. With fake agents: fake-agents.py, as before.
start_dataplane() {
  if [ "$DATAPLANE" != real ]; then
    register_agents
    return 0
  fi
  make_public_bridge
  save_sysctls
  uwsgi_app nova-metadata 8775 1 "$E/nova/metadata-wsgi.py" --env "OS_NOVA_CONFIG_DIR=$E/nova" \
    --env "OS_NOVA_CONFIG_FILES=api-paste.ini;nova.conf;nova-db.conf;nova-metadata.conf"
  local n=$E/neutron common=(--config-file "$E/neutron/neutron.conf" --config-file "$E/neutron/dataplane-agent.ini")
  # lab_linuxbridge_agent: the agent, with its MAC spoofing rules made deletable under nf_tables (see there)
  start neutron-linuxbridge-agent '' -- "$OSRUN" lab_linuxbridge_agent \
    "${common[@]}" --config-file "$n/linuxbridge_agent.ini" --log-file "$L/neutron-linuxbridge-agent.log"
  start neutron-dhcp-agent '' -- "$OSRUN" neutron.cmd.eventlet.agents.dhcp \
    "${common[@]}" --config-file "$n/dhcp_agent.ini" --log-file "$L/neutron-dhcp-agent.log"
  start neutron-l3-agent '' -- "$OSRUN" neutron.cmd.eventlet.agents.l3 \
    "${common[@]}" --config-file "$n/l3_agent.ini" --config-file "$n/metadata_agent.ini" --log-file "$L/neutron-l3-agent.log"
  start neutron-metadata-agent '' -- "$OSRUN" neutron.cmd.eventlet.agents.metadata \
    "${common[@]}" --config-file "$n/metadata_agent.ini" --log-file "$L/neutron-metadata-agent.log"
  # The fake Open vSwitch agent of the fake mode would still bind ports (ML2 tries each driver in turn).
  SQL "DELETE FROM neutron.agents WHERE agent_type='Open vSwitch agent' AND host='lab-compute';" ||
    die "suppression de l'agent « Open vSwitch agent » factice impossible"
  wait_http nova-metadata 8775
  local deadline=$((SECONDS + 120)) q a
  q="SELECT COUNT(*) FROM neutron.agents WHERE host='lab-compute' AND heartbeat_timestamp >= '$START_UTC'
     AND agent_type IN ('Linux bridge agent', 'DHCP agent', 'L3 agent', 'Metadata agent');"
  until [ "$(SQL "$q" 2>/dev/null)" = 4 ]; do
    for a in "${DATAPLANE_AGENTS[@]}"; do
      alive "$a" || { fail_log "$a" >&2; die "$a s'est arrêté au démarrage (journaux dans $L)"; }
    done
    [ $SECONDS -lt $deadline ] || die "les agents neutron ne se sont pas signalés en 120 s (voir $L/neutron-*-agent.log)"
    sleep 0.5
  done
  echo real-linuxbridge >"$STATE/.agents" # register_agents (compute.sh) registers the fake ones again if the mode changes
  say "agents neutron réels (Linux bridge, DHCP, L3, métadonnées) signalés ; réseau public sur $PUBLIC_BRIDGE ($PUBLIC_ADDRESS)"
}

# dataplane_alive: every process of the data plane runs (up's "already running" check)
dataplane_alive() {
  [ "$(cat "$NET_DIR/dataplane" 2>/dev/null)" = real ] || return 0
  local s
  for s in "${DATAPLANE_SERVICES[@]}"; do alive "$s" || return 1; done
}

# What up prints at the end about the network.
describe_dataplane() {
  if [ "$DATAPLANE" = real ]; then
    echo "  réseau  : agents neutron réels : DHCP (dnsmasq), routeurs (ip netns), IP flottantes sur $PUBLIC_BRIDGE"
    echo "            ($PUBLIC_ADDRESS), métadonnées 169.254.169.254 ; ssh -i cloud.key cirros@IP_FLOTTANTE"
  elif [ "$COMPUTE" = libvirt ]; then
    echo "  réseau  : agents neutron factices ($DATAPLANE_WHY) : ni DHCP, ni routeur, ni ping, ni ssh"
  fi
}

# --- down ------------------------------------------------------------------------------------------------
# dataplane_inventory (down, while MariaDB still runs): this cloud's networks, routers and VXLAN VNIs, from
# its own database, into $NET_DIR/inventory; the last one stays there when MariaDB is already gone.
dataplane_inventory() {
  [ -S "$R/mysqld.sock" ] || return 0
  mkdir -p "$NET_DIR"
  mariadb --socket="$R/mysqld.sock" -uroot -N -e "SELECT CONCAT('network ', id) FROM neutron.networks;
    SELECT CONCAT('router ', id) FROM neutron.routers;
    SELECT CONCAT('vni ', segmentation_id) FROM neutron.networksegments WHERE network_type = 'vxlan';" \
    >"$NET_DIR/inventory.new" 2>/dev/null && mv -f "$NET_DIR/inventory.new" "$NET_DIR/inventory"
  rm -f "$NET_DIR/inventory.new"
}

# iptables_forget TOOL: the rules that jump to the Linux bridge agent's chains, then those chains
# (neutron-linuxbri-*, after its binary's name, and neutron-filter-top, the one every neutron agent shares),
# in each table; nothing else of the machine's rules.
NEUTRON_CHAINS='neutron-(linuxbri-|filter-top)'
iptables_forget() {
  local tool=$1 table rule chain n=0
  command -v "$tool" >/dev/null || return 0
  for table in filter nat mangle raw; do
    while read -r rule; do
      # shellcheck disable=SC2086 # a rule as iptables -S prints it: its own words, no quoting needed
      "$tool" -t "$table" ${rule/-A /-D } 2>/dev/null && n=$((n + 1))
    done < <("$tool" -t "$table" -S 2>/dev/null | grep -E "^-A [^ ]+ .*-j $NEUTRON_CHAINS" | grep -Ev "^-A $NEUTRON_CHAINS")
    for chain in $("$tool" -t "$table" -S 2>/dev/null | awk -v re="^$NEUTRON_CHAINS" '$1 == "-N" && $2 ~ re { print $2 }'); do
      "$tool" -t "$table" -F "$chain" 2>/dev/null
    done
    for chain in $("$tool" -t "$table" -S 2>/dev/null | awk -v re="^$NEUTRON_CHAINS" '$1 == "-N" && $2 ~ re { print $2 }'); do
      "$tool" -t "$table" -X "$chain" 2>/dev/null && n=$((n + 1))
    done
  done
  [ $n -eq 0 ] || say "$tool : $n règle(s) et chaîne(s) de l'agent Linux bridge retirées"
}
# ebtables_forget: the ARP and MAC spoofing chains the Linux bridge agent makes per tap (neutronARP-tap…,
# neutronMAC-tap…) and the rules that jump to them.
ebtables_forget() {
  command -v ebtables >/dev/null || return 0
  local table chain line
  for table in nat filter; do
    # `ebtables -L` (nf_tables) prints each chain's rules under "Bridge chain: NAME, …", without -A
    chain=
    while IFS= read -r line; do
      case $line in
        'Bridge chain: '*) chain=${line#Bridge chain: } chain=${chain%%,*} ;;
        *'-j neutronARP-'* | *'-j neutronMAC-'*)
          # shellcheck disable=SC2086 # the rule's own words
          [[ $chain == neutron* ]] || ebtables -t "$table" -D "$chain" $line 2>/dev/null ;;
      esac
    done < <(ebtables -t "$table" -L 2>/dev/null)
    for chain in $(ebtables -t "$table" -L 2>/dev/null | awk '/^Bridge chain: neutron(ARP|MAC)-/ { sub(/,$/, "", $3); print $3 }'); do
      ebtables -t "$table" -F "$chain" 2>/dev/null
      ebtables -t "$table" -X "$chain" 2>/dev/null
    done
  done
}

# dataplane_clean (down, once the agents are stopped): what Neutron's agents made for this cloud's networks
# and routers (namespaces and what still runs in them, bridges, VXLAN interfaces, firewall chains), what
# up made (the public bridge), and the bridge sysctls as they were. Returns at once when there is nothing.
dataplane_clean() {
  [ -d "$NET_DIR" ] || return 0
  local kind id ns pids=() n=0 b
  if [ -f "$NET_DIR/inventory" ]; then
    # dnsmasq and haproxy first: they run inside the namespaces (ip netns pids), started by the agents
    while read -r kind id; do
      case $kind in network) ns=qdhcp-$id ;; router) ns=qrouter-$id ;; *) continue ;; esac
      [ -e "/run/netns/$ns" ] || continue
      mapfile -t -O "${#pids[@]}" pids < <(ip netns pids "$ns" 2>/dev/null)
    done <"$NET_DIR/inventory"
    if [ ${#pids[@]} -gt 0 ]; then
      mapfile -t pids < <(snapshot "${pids[@]}")
      kill_rest "${pids[@]}"
    fi
    while read -r kind id; do
      case $kind in
        network)
          ip netns delete "qdhcp-$id" 2>/dev/null && n=$((n + 1))
          b=brq${id:0:11} # the agent's and os-vif's bridge name: brq + the first 11 characters of the id
          ip link delete "$b" type bridge 2>/dev/null && say "pont $b supprimé" ;;
        router) ip netns delete "qrouter-$id" 2>/dev/null && n=$((n + 1)) ;;
        vni) ip link delete "vxlan-$id" 2>/dev/null ;;
      esac
    done <"$NET_DIR/inventory"
    [ $n -eq 0 ] || say "$n espace(s) de noms réseau (qdhcp-…, qrouter-…) supprimé(s)"
  fi
  if [ -f "$NET_DIR/made" ]; then
    while read -r kind id; do
      [ "$kind" = bridge ] && ip link delete "$id" type bridge 2>/dev/null && say "pont $id supprimé"
    done <"$NET_DIR/made"
    rm -f "$NET_DIR/made"
  fi
  iptables_forget iptables
  iptables_forget ip6tables
  ebtables_forget
  if [ -f "$NET_DIR/sysctl.saved" ]; then
    local line
    while read -r line; do
      [ -n "${line#*=}" ] && sysctl -q -w "$line" >/dev/null 2>&1
    done <"$NET_DIR/sysctl.saved"
    rm -f "$NET_DIR/sysctl.saved"
  fi
}
