#!/usr/bin/env bash
# Cuts host NAME (netns.sh up NAME) off silently: every packet to and from it is dropped on arrival,
# at both ends of its link, so its TCP connections hang as in a real partition: no reset, no error
# (a packet dropped in INPUT is never reported to its sender).
#
#   cut.sh NAME          all of its traffic
#   cut.sh NAME PORT     only its TCP traffic with that service: 5432 PostgreSQL, 5672 RabbitMQ
#
# heal.sh NAME undoes it. Running it again replaces the previous cut or slowdown. (netem loss 100%
# would do the same; this machine's kernel has no netem, iptables works on any.)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need_host "${1:-}"
port=${2:-}
[ -z "$port" ] || [[ "$port" =~ ^[0-9]+$ ]] || die "PORT must be a number, got '$port'"
"$(dirname "$0")/heal.sh" "$1" >/dev/null
drop_both "$1" "$port"
echo "cut: host $1 cut off${port:+ from port $port}"
