#!/usr/bin/env bash
# A network namespace as a "host" for fault tests, joined to a bridge in the root namespace.
#
#   netns.sh up NAME     make namespace impf-NAME (idempotent) and print its address, 10.77.0.X;
#                        a process started with `ip netns exec impf-NAME CMD` reaches the local
#                        RabbitMQ (5672, management 15672) and PostgreSQL (5432) at 10.77.0.1
#   netns.sh down NAME   remove it (its veth goes with it); safe if it is not there
#   netns.sh teardown    remove every impf-* namespace, the bridge and the forwarding rules
#   netns.sh ip NAME     print the host's address
#
# The local services listen on 127.0.0.1 only, so the gateway address is forwarded to them with
# iptables DNAT (route_localnet on the bridge); PostgreSQL gets a pg_hba line for 10.77.0.0/24
# (reloaded, not restarted). Nothing leaves this machine. Needs root, ip, iptables.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

bridge_up() {
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    ip link add "$BRIDGE" type bridge
  fi
  ip addr show dev "$BRIDGE" | grep "inet $GATEWAY/24" >/dev/null || ip addr add "$GATEWAY/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  sysctl -qw "net.ipv4.conf.$BRIDGE.route_localnet=1"
  command -v iptables >/dev/null || die "iptables is missing (apt-get install iptables)"
  for port in "${SERVICE_PORTS[@]}"; do
    local rule=(-i "$BRIDGE" -p tcp -d "$GATEWAY" --dport "$port" -j DNAT --to-destination "127.0.0.1:$port")
    iptables -t nat -C PREROUTING "${rule[@]}" 2>/dev/null || iptables -t nat -A PREROUTING "${rule[@]}"
  done
  postgres_allow
}

# PostgreSQL (Debian's local cluster, if there is one) accepts the fault network like localhost.
postgres_allow() {
  local hba
  for hba in /etc/postgresql/*/main/pg_hba.conf; do
    [ -f "$hba" ] || continue
    if ! grep -q "$SUBNET.0/24" "$hba"; then
      local line
      line=$(awk '$1 == "host" && $4 == "127.0.0.1/32" {print $5; exit}' "$hba")
      echo "host all all $SUBNET.0/24 ${line:-trust} # impetus fault network (scripts/faults)" >> "$hba"
      local version
      version=$(basename "$(dirname "$(dirname "$hba")")")
      pg_ctlcluster --skip-systemctl-redirect "$version" main reload >/dev/null 2>&1 || true
    fi
  done
}

up() {
  check_name "$1"
  need_root
  bridge_up
  local n r h addr
  n=$(ns "$1"); r=$(root_veth "$1"); h=$(host_veth "$1"); addr=$(address "$1")
  ns_exists "$1" || ip netns add "$n"
  if ! ip link show "$r" >/dev/null 2>&1; then
    ip link add "$r" type veth peer name "$h" netns "$n"
  fi
  ip link set "$r" master "$BRIDGE" up
  ip -n "$n" link set lo up
  ip -n "$n" addr show dev "$h" | grep "inet $addr/24" >/dev/null || ip -n "$n" addr add "$addr/24" dev "$h"
  ip -n "$n" link set "$h" up
  ip -n "$n" route replace default via "$GATEWAY"
  echo "$addr"
}

down() {
  check_name "$1"
  need_root
  "$(dirname "$0")/slow.sh" --stop "$1" 2>/dev/null || true
  remove_filters "$1"
  ip link del "$(root_veth "$1")" 2>/dev/null || true
  ns_exists "$1" && ip netns del "$(ns "$1")"
  true
}

teardown() {
  need_root
  local n
  for n in $(ip netns list | awk '{print $1}' | grep '^impf-' || true); do
    down "${n#impf-}"
  done
  for port in "${SERVICE_PORTS[@]}"; do
    iptables -t nat -D PREROUTING -i "$BRIDGE" -p tcp -d "$GATEWAY" --dport "$port" -j DNAT \
      --to-destination "127.0.0.1:$port" 2>/dev/null || true
  done
  ip link del "$BRIDGE" 2>/dev/null || true
}

case "${1:-}" in
  up) up "${2:-}" ;;
  down) down "${2:-}" ;;
  teardown) teardown ;;
  ip) check_name "${2:-}"; address "$2" ;;
  *) die "usage: netns.sh up|down|ip NAME, or netns.sh teardown" ;;
esac
