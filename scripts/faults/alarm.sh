#!/usr/bin/env bash
# Raises or clears a resource alarm on the local RabbitMQ (rabbitmqctl, as root):
#
#   alarm.sh memory on|off   memory high watermark set near zero / put back
#   alarm.sh disk on|off     disk free limit set above the free space / put back
#
# "on" saves the setting it replaces in /run/impetus-faults (once: a second "on" keeps the first
# saved value), "off" puts it back; "off" with nothing saved is a no-op. Every publishing connection
# of the broker is blocked while an alarm is on.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need_root
kind=${1:-} state=${2:-}
[[ "$kind" =~ ^(memory|disk)$ && "$state" =~ ^(on|off)$ ]] || die "usage: alarm.sh memory|disk on|off"
saved=$STATE/alarm-$kind.orig
mkdir -p "$STATE"
eval_() { rabbitmqctl -q eval "$1"; }
if [ "$state" = on ]; then
  if [ ! -f "$saved" ]; then
    if [ "$kind" = memory ]; then
      eval_ 'vm_memory_monitor:get_vm_memory_high_watermark().' > "$saved.tmp"
    else
      eval_ 'rabbit_disk_monitor:get_disk_free_limit().' > "$saved.tmp"
    fi
    grep -Eq '^[0-9.]+$' "$saved.tmp" || { rm -f "$saved.tmp"; die "cannot read the current $kind limit (not a plain number)"; }
    mv "$saved.tmp" "$saved"
  fi
  if [ "$kind" = memory ]; then
    rabbitmqctl -q set_vm_memory_high_watermark 0.0000001
  else
    rabbitmqctl -q set_disk_free_limit 100000000000000 # 100 TB
  fi
  for _ in $(seq 1 30); do
    eval_ 'rabbit_alarm:get_alarms().' | grep "$kind" >/dev/null && { echo "alarm: $kind alarm on"; exit 0; }
    sleep 0.5
  done
  die "the $kind alarm did not go on within 15 s"
fi
[ -f "$saved" ] || { echo "alarm: no $kind alarm raised by this script"; exit 0; }
if [ "$kind" = memory ]; then
  rabbitmqctl -q set_vm_memory_high_watermark "$(cat "$saved")"
else
  rabbitmqctl -q set_disk_free_limit "$(cat "$saved")"
fi
rm -f "$saved"
for _ in $(seq 1 30); do
  eval_ 'rabbit_alarm:get_alarms().' | grep "$kind" >/dev/null || { echo "alarm: $kind alarm off"; exit 0; }
  sleep 0.5
done
die "the $kind alarm did not clear within 15 s"
