#!/usr/bin/env bash
# Makes a locally installed RabbitMQ ready for Impetus, from the same files docker-compose mounts:
# starts it if it is down, enables the plugins in enabled_plugins, and imports definitions.json
# (the impetus user with password = authkey "impetus", the "impetus" vhost, permissions, policies).
# Run as a user allowed to use rabbitmqctl (root on a Debian install). Safe to run again.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

if ! command -v rabbitmqctl >/dev/null 2>&1; then
  echo "apply-local: RabbitMQ is not installed; installing it (apt-get install rabbitmq-server)" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends rabbitmq-server
fi

if ! rabbitmqctl -q status >/dev/null 2>&1; then
  echo "apply-local: RabbitMQ is not running; starting it (rabbitmq-server -detached)" >&2
  # many streams need many file handles: RabbitMQ accepts no new connection past ~0.9 x its open-files
  # limit (docs/OPERATIONS.md). Debian's wrapper starts it through su, whose session sets the soft limit
  # back to 1024: as root, start it as its user with the soft limit raised to the hard one
  if [ "$(id -u)" = 0 ] && [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] && id rabbitmq >/dev/null 2>&1; then
    runuser -u rabbitmq -- env HOME=/var/lib/rabbitmq sh -c \
      'cd /var/lib/rabbitmq && ulimit -S -n "$(ulimit -H -n)" && exec /usr/lib/rabbitmq/bin/rabbitmq-server -detached'
  else
    rabbitmq-server -detached
  fi
fi
# a node started a moment ago may not be known to epmd yet: await_startup fails at once until it is
for attempt in $(seq 1 30); do
  rabbitmqctl -q await_startup --timeout 120 >/dev/null 2>&1 && break
  [ "$attempt" = 30 ] && rabbitmqctl -q await_startup --timeout 10
  sleep 1
done
for pid in $(pgrep -f 'beam.smp.*rabbit' 2>/dev/null || true); do
  limit=$(awk '/^Max open files/ {print $4}' "/proc/$pid/limits" 2>/dev/null || true)
  if [ -n "$limit" ] && [ "$limit" != unlimited ] && [ "$limit" -lt 4096 ]; then
    echo "apply-local: warning: RabbitMQ (pid $pid) may open only $limit files; past ~0.9 x that it accepts no new" \
      "connection — a few hundred streams reach it (docs/OPERATIONS.md, 'File handles'). Restart it with a higher" \
      "ulimit -n to run the many-stream bench rows" >&2
  fi
done

plugins=$(tr -d '[].\n ' < "$here/enabled_plugins" | tr ',' ' ')
# shellcheck disable=SC2086
rabbitmq-plugins -q enable $plugins >/dev/null
# rabbitmqctl runs as the rabbitmq user, who may not be able to read this folder: hand it a copy
definitions=$(mktemp /tmp/impetus-definitions.XXXXXX)
trap 'rm -f "$definitions"' EXIT
cp "$here/definitions.json" "$definitions"
chmod 644 "$definitions"
rabbitmqctl -q import_definitions "$definitions"
# rabbitmq.conf's max_message_size, on a running broker (its channels opened from now on take it)
rabbitmqctl -q eval 'application:set_env(rabbit, max_message_size, 67108864).' >/dev/null

# The management listener comes up a moment after the plugin is enabled.
for _ in $(seq 1 60); do
  if curl -fsS -u impetus:impetus http://127.0.0.1:15672/api/overview >/dev/null 2>&1; then
    echo "apply-local: RabbitMQ ready: plugins [$plugins], user impetus, vhosts / and impetus"
    exit 0
  fi
  sleep 1
done
echo "apply-local: the management API did not answer on http://127.0.0.1:15672 within 60 s" >&2
exit 1
