#!/usr/bin/env bash
# Withholds the confirms of the publishes routed to one queue of the local RabbitMQ (rabbitmqctl, as root):
#
#   withhold.sh on VHOST QUEUE    suspend the queue's process (sys:suspend): what is routed to it waits
#                                 unstored in its mailbox, so its publishers get no confirm (and its
#                                 consumers no deliveries); connections, heartbeats and every other
#                                 queue go on as before
#   withhold.sh off VHOST QUEUE   resume it: it stores what waited, confirms it and delivers again
#
# The real broker's own way for a publish to reach it and its confirm never to come back (a queue
# process stuck behind slow storage), without touching the network: dropping the broker-to-host
# direction alone cannot play it, because TCP stops sending once nothing it sent is acknowledged.
# Classic queues only (a quorum queue is a Raft group: no single process to suspend).
# "off" for a queue that is not suspended, or gone, does nothing.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need_root
state=${1:-} vhost=${2:-} queue=${3:-}
[[ "$state" =~ ^(on|off)$ && -n "$vhost" && -n "$queue" ]] || die "usage: withhold.sh on|off VHOST QUEUE"
[[ "$vhost$queue" =~ ^[A-Za-z0-9._/:-]+$ ]] || die "VHOST and QUEUE may hold letters, digits and . _ / : - only"
call=$([ "$state" = on ] && echo suspend || echo resume)
out=$(rabbitmqctl -q eval "case rabbit_amqqueue:lookup(rabbit_misc:r(<<\"$vhost\">>, queue, <<\"$queue\">>)) of
  {ok, Q} -> case amqqueue:get_type(Q) of
               rabbit_classic_queue -> sys:$call(amqqueue:get_pid(Q)), done;
               T -> {not_classic, T}
             end;
  {error, not_found} -> not_found
end.")
case "$out" in
  done) echo "withhold: queue $queue of vhost $vhost $([ "$state" = on ] && echo "suspended: its publishes get no confirm" || echo "resumed")" ;;
  not_found) [ "$state" = off ] && { echo "withhold: no queue $queue in vhost $vhost"; exit 0; }
             die "no queue $queue in vhost $vhost" ;;
  *) die "cannot $call queue $queue of vhost $vhost: $out" ;;
esac
