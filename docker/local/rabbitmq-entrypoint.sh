#!/bin/sh
# As the official image does: the Erlang cookie from RABBITMQ_ERLANG_COOKIE, the data folder owned by
# rabbitmq, the server in the foreground as rabbitmq, logging to the console.
set -eu
if [ -n "${RABBITMQ_ERLANG_COOKIE:-}" ]; then
  printf '%s' "$RABBITMQ_ERLANG_COOKIE" > /var/lib/rabbitmq/.erlang.cookie
  chmod 600 /var/lib/rabbitmq/.erlang.cookie
  unset RABBITMQ_ERLANG_COOKIE
fi
mkdir -p /var/lib/rabbitmq /var/log/rabbitmq
chown -R rabbitmq:rabbitmq /var/lib/rabbitmq /var/log/rabbitmq
export RABBITMQ_LOGS=- HOME=/var/lib/rabbitmq
if [ "$1" = rabbitmq-server ]; then
  exec runuser -u rabbitmq -- /usr/lib/rabbitmq/bin/rabbitmq-server
fi
exec "$@"
