#!/usr/bin/env bash
# The compose cluster profile, for real, on the stand-in images (scripts/local-images.sh): three RabbitMQ
# containers, PostgreSQL and two coordinators on it. HelloWorld gets every result; then, while the
# crawler crawls, the active coordinator's container and then the busiest broker container are killed
# (SIGKILL): the standby takes over, the parts move to the brokers left, and the crawl still ends with
# every page's result once. Needs root; installs docker.io if missing and starts dockerd if none runs
# (and stops it after). Every wait is bounded.
#
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. scripts/docker-engine.sh
docker_engine_up
project="impetus-cluster-$$"
env=$(mktemp /tmp/impetus-cluster-env.XXXXXX)
cat cluster.env docker/local/images.env >"$env"
export IMPETUS_AMQP_PORT=${IMPETUS_AMQP_PORT:-35672} IMPETUS_MANAGEMENT_PORT=${IMPETUS_MANAGEMENT_PORT:-35673}
export IMPETUS_STATUS_PORT=${IMPETUS_STATUS_PORT:-18080} IMPETUS_SCALER_PORT=${IMPETUS_SCALER_PORT:-18081} COMPOSE_PROFILES=cluster
export IMPETUS_AMQP_PORT_2=35674 IMPETUS_MANAGEMENT_PORT_2=35675 IMPETUS_AMQP_PORT_3=35676 IMPETUS_MANAGEMENT_PORT_3=35677
compose() { docker-compose --env-file "$env" -p "$project" "$@"; }
cleanup() {
  COMPOSE_PROFILES=cluster,crawler compose down -v --remove-orphans >/dev/null 2>&1 || true
  rm -f "$env"
  docker_engine_down
}
trap cleanup EXIT
fail() { echo "compose-cluster-check: $*" >&2; COMPOSE_PROFILES=cluster,crawler compose logs --tail 30 >&2 2>/dev/null || true; exit 1; }
. scripts/compose-lib.sh
exited() { [ "$(docker inspect -f '{{.State.Status}}' "$(compose ps -q "$1")")" = exited ]; }
# active: the coordinator service whose log says it holds the lease (before any kill, only one has)
active() {
  local c found=
  for c in coordinator coordinator-2; do
    # (grep reads it all: with pipefail, grep -q's early exit would fail docker logs on a broken pipe)
    if docker logs "$(compose ps -q "$c")" 2>&1 | grep "is now the active coordinator" >/dev/null; then found=$c; fi
  done
  echo "$found"
}

start=$SECONDS
scripts/local-images.sh
compose build -q >/tmp/impetus-compose-build.log 2>&1 || { tail -n 30 /tmp/impetus-compose-build.log >&2; fail "the image did not build"; }
echo "compose-cluster-check: up (3 brokers, PostgreSQL, 2 coordinators, 2 nodes, scaler, HelloWorld)"
compose up -d >/dev/null 2>&1 || fail "docker-compose up failed"
await 400 exited helloworld || fail "HelloWorld did not finish within 400 s"
out=$(compose logs --no-color helloworld)
grep -q "Total: 328350" <<<"$out" && grep -q "Errors: 0" <<<"$out" || fail "HelloWorld did not get every result"
echo "  HelloWorld on the cluster: Total: 328350, Errors: 0"

# A broker node isolated: the container most parts are connected to is taken off the compose network
# (no packets either way, no reset). With cluster_partition_handling = pause_minority it pauses itself
# and drops its clients, which reconnect to the other two; a HelloWorld run during the partition must
# get every result. Healed, the node must be back in the cluster.
# nodes_are N PORT: the management API on PORT counts N running nodes in the cluster
nodes_are() {
  [ "$(curl -s -u impetus-scaler:impetus "http://127.0.0.1:$2/api/nodes?columns=name,running" \
    | python3 -c 'import json,sys; print(sum(1 for n in json.load(sys.stdin) if n.get("running")))')" = "$1" ]
}
busiest=$(curl -s -u impetus-scaler:impetus "http://127.0.0.1:$IMPETUS_MANAGEMENT_PORT/api/connections?columns=node" \
  | python3 -c 'import collections,json,sys; print(collections.Counter(c["node"] for c in json.load(sys.stdin)).most_common(1)[0][0])') \
  || fail "the management API did not list the connections"
isolated=$(case "$busiest" in *@rabbitmq-2) echo rabbitmq-2 ;; *@rabbitmq-3) echo rabbitmq-3 ;; *) echo rabbitmq ;; esac)
# ask a node that stays in the majority (the first node's published port goes with its network)
watch_port=$([ "$isolated" = rabbitmq ] && echo "$IMPETUS_MANAGEMENT_PORT_2" || echo "$IMPETUS_MANAGEMENT_PORT")
isolated_id=$(compose ps -q "$isolated")
network=$(docker inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{end}}' "$isolated_id")
cut_at=$SECONDS
docker network disconnect "$network" "$isolated_id" || fail "could not take $isolated off $network"
echo "  isolated the broker container $isolated ($busiest, the node most parts were connected to)"
await 120 nodes_are 2 "$watch_port" \
  || fail "the majority did not see $isolated gone within 120 s"
echo "  the majority saw the partition after $((SECONDS - cut_at)) s"
out=$(timeout 400 docker-compose --env-file "$env" -p "$project" run --rm -T helloworld 2>&1) \
  || { echo "$out" | tail -n 20 >&2; fail "HelloWorld failed while $isolated was isolated"; }
grep -q "Total: 328350" <<<"$out" && grep -q "Errors: 0" <<<"$out" || fail "HelloWorld during the partition did not get every result"
echo "  HelloWorld during the partition: Total: 328350, Errors: 0 ($((SECONDS - cut_at)) s after the cut)"
docker network connect --alias "$isolated" "$network" "$isolated_id" || fail "could not put $isolated back on $network"
healed_at=$SECONDS
await 180 nodes_are 3 "$watch_port" \
  || fail "$isolated did not rejoin the cluster within 180 s of the heal"
echo "  healed: $isolated back in the cluster after $((SECONDS - healed_at)) s"

COMPOSE_PROFILES=cluster,crawler compose up -d crawler >/dev/null 2>&1 || fail "the crawler did not start"
await 90 sh -c "docker logs $(COMPOSE_PROFILES=cluster,crawler compose ps -q crawler) 2>&1 | grep -q 'crawler: site'" \
  || fail "the crawler served no site"
sleep 3
victim=$(active)
[ -n "$victim" ] || fail "no coordinator says it is active"
docker kill "$(compose ps -q "$victim")" >/dev/null
echo "  killed the active coordinator ($victim)"
sleep 5
# the broker node most of the parts are connected to (the scaler's login sees every connection)
busiest=$(curl -s -u impetus-scaler:impetus "http://127.0.0.1:$IMPETUS_MANAGEMENT_PORT/api/connections?columns=node" \
  | python3 -c 'import collections,json,sys; print(collections.Counter(c["node"] for c in json.load(sys.stdin)).most_common(1)[0][0])') \
  || fail "the management API did not list the connections"
broker=$(case "$busiest" in *@rabbitmq-2) echo rabbitmq-2 ;; *@rabbitmq-3) echo rabbitmq-3 ;; *) echo rabbitmq ;; esac)
docker kill "$(compose ps -q "$broker")" >/dev/null
echo "  killed the broker container $broker ($busiest, the node most parts were connected to)"
crawler=$(COMPOSE_PROFILES=cluster,crawler compose ps -q crawler)
[ "$(docker inspect -f '{{.State.Status}}' "$crawler")" = running ] || fail "the crawl ended before the kills: they proved nothing"
await 600 sh -c "[ \"\$(docker inspect -f '{{.State.Status}}' $crawler)\" = exited ]" || fail "the crawl did not finish within 600 s"
crawl_whole "$crawler"
other=$([ "$victim" = coordinator ] && echo coordinator-2 || echo coordinator)
docker logs "$(compose ps -q "$other")" 2>&1 | grep "is now the active coordinator" >/dev/null || fail "the standby did not take over"
echo "  the standby ($other) took over; both sites fetched whole, each page once, 300 pages indexed"
echo "compose-cluster-check: ok in $((SECONDS - start)) s"
