#!/usr/bin/env bash
# Makes host NAME's link slow and lossy, each direction:
#
#   slow.sh NAME DELAY JITTER LOSS      e.g. slow.sh node 200ms 50ms 10%
#   slow.sh --stop NAME                 remove it (heal.sh NAME does this too)
#
# With netem in the kernel: netem delay DELAY JITTER distribution normal loss LOSS on both ends.
# Without (this machine's kernel): LOSS with iptables' statistic match (dropped on arrival), and the
# delay by delayer.py holding each packet in an NFQUEUE (one delayer per direction; --queue-bypass,
# so packets flow undelayed if a delayer dies). Delays are per packet and may reorder, as netem's.
set -euo pipefail
here=$(dirname "$0")
. "$here/lib.sh"

stop() {
  local f
  for f in "$STATE/delayer-$1".*.pid; do
    [ -f "$f" ] || continue
    kill "$(cat "$f")" 2>/dev/null || true
    rm -f "$f"
  done
  tc_on root "$1" qdisc del root 2>/dev/null || true
  ip netns exec "$(ns "$1")" tc qdisc del dev "$(host_veth "$1")" root 2>/dev/null || true
}

if [ "${1:-}" = --stop ]; then need_host "${2:-}"; stop "$2"; exit 0; fi
need_host "${1:-}"
[ $# -eq 4 ] || die "usage: slow.sh NAME DELAY JITTER LOSS (e.g. node 200ms 50ms 10%)"
name=$1 delay=${2%ms} jitter=${3%ms} loss=${4%\%}
[[ "$delay$jitter" =~ ^[0-9]+$ ]] || die "DELAY and JITTER are milliseconds, e.g. 200ms 50ms"
"$here/heal.sh" "$name" >/dev/null
if tc_on root "$name" qdisc add root netem delay "${delay}ms" "${jitter}ms" distribution normal loss "$loss%" 2>/dev/null; then
  ip netns exec "$(ns "$name")" tc qdisc add dev "$(host_veth "$name")" root netem delay "${delay}ms" "${jitter}ms" \
    distribution normal loss "$loss%"
  echo "slow: host $name delayed ${delay}ms ± ${jitter}ms, $loss% loss each way (netem)"
  exit 0
fi
mkdir -p "$STATE"
probability=$(awk -v l="$loss" 'BEGIN { printf "%.4f", l / 100 }')
queue=$(( $(address "$name" | cut -d. -f4) + 1000 ))
# from the host (root side) and towards it (host side): drop LOSS, queue the rest to a delayer
filters_ready "$name"
iptables -A "$(chain "$name")" -m statistic --mode random --probability "$probability" -j DROP
iptables -A "$(chain "$name")" -j NFQUEUE --queue-num "$queue" --queue-bypass
ip netns exec "$(ns "$name")" iptables -A INPUT -i "$(host_veth "$name")" -m statistic --mode random \
  --probability "$probability" -j DROP
ip netns exec "$(ns "$name")" iptables -A INPUT -i "$(host_veth "$name")" -j NFQUEUE --queue-num "$queue" --queue-bypass
python3 "$here/delayer.py" "$queue" "$delay" "$jitter" </dev/null >/dev/null 2>&1 &
echo $! > "$STATE/delayer-$name.root.pid"
ip netns exec "$(ns "$name")" python3 "$here/delayer.py" "$queue" "$delay" "$jitter" </dev/null >/dev/null 2>&1 &
echo $! > "$STATE/delayer-$name.host.pid"
echo "slow: host $name delayed ${delay}ms ± ${jitter}ms, $loss% loss each way (iptables + delayer.py)"
