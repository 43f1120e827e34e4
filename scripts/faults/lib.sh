#!/usr/bin/env bash
# Shared by the fault scripts (sourced, not run): the fault network's addresses and small helpers.
# Each "host" NAME is a network namespace impf-NAME joined by a veth pair (vr-NAME in the root
# namespace, on the bridge; vh-NAME inside) to the bridge impfault0, 10.77.0.0/24, gateway 10.77.0.1.
BRIDGE=${IMPETUS_FAULT_BRIDGE:-impfault0}
SUBNET=10.77.0
GATEWAY=$SUBNET.1
# ports of the local services a host reaches at the gateway: AMQP, PostgreSQL, RabbitMQ management
SERVICE_PORTS=(5672 5432 15672)
STATE=/run/impetus-faults

die() { echo "$(basename "$0"): $*" >&2; exit 1; }
need_root() { [ "$(id -u)" = 0 ] || die "must run as root (it changes network namespaces, qdiscs, mounts)"; }
ns() { echo "impf-$1"; }
root_veth() { echo "vr-$1"; }
host_veth() { echo "vh-$1"; }
check_name() {
  [[ "${1:-}" =~ ^[a-z0-9]{1,10}$ ]] || die "a host NAME is 1-10 lower-case letters or digits, got '${1:-}'"
}
ns_exists() { ip netns list | awk '{print $1}' | grep -x "$(ns "$1")" >/dev/null; }

# Filters, both ends of host NAME's link, silent drops only (INPUT chains: a dropped packet is never
# reported to its sender, so connections hang as in a real partition, with no reset and no error).
# This kernel has no netem, so drops are iptables rules rather than qdiscs:
#   root side: chain IMPF-NAME, entered from INPUT for packets from the host's address;
#   host side: the namespace's own INPUT chain, for packets arriving on its veth.
chain() { echo "IMPF-$1"; }
# a stable address per name, from the hash of the name: 10.77.0.10-249
address() { echo "$SUBNET.$(( $(echo -n "$1" | cksum | cut -d' ' -f1) % 240 + 10 ))"; }
filters_ready() {
  local c addr
  c=$(chain "$1"); addr=$(address "$1")
  iptables -N "$c" 2>/dev/null || true
  iptables -C INPUT -s "$addr" -j "$c" 2>/dev/null || iptables -I INPUT -s "$addr" -j "$c"
}
clear_filters() {
  iptables -F "$(chain "$1")" 2>/dev/null || true
  ip netns exec "$(ns "$1")" iptables -F INPUT 2>/dev/null || true
}
remove_filters() {
  local c
  c=$(chain "$1")
  while iptables -D INPUT -s "$(address "$1")" -j "$c" 2>/dev/null; do :; done
  iptables -F "$c" 2>/dev/null || true
  iptables -X "$c" 2>/dev/null || true
}
# drop_both NAME PORT MATCH...: adds "MATCH -j DROP" on both ends; PORT (may be empty) narrows it to
# TCP with that service port (dport from the host, sport towards it).
drop_both() {
  local name=$1 port=$2; shift 2
  local towards_root=() towards_host=()
  if [ -n "$port" ]; then
    towards_root=(-p tcp --dport "$port"); towards_host=(-p tcp --sport "$port")
  fi
  filters_ready "$name"
  iptables -A "$(chain "$name")" "${towards_root[@]}" "$@" -j DROP
  ip netns exec "$(ns "$name")" iptables -A INPUT -i "$(host_veth "$name")" "${towards_host[@]}" "$@" -j DROP
}
need_host() { check_name "$1"; need_root; ns_exists "$1" || die "no host '$1': run netns.sh up $1 first"; }
