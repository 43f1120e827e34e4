#!/usr/bin/env bash
# The compose cluster profile, for real, on the stand-in images (scripts/local-images.sh): three RabbitMQ
# containers, PostgreSQL and two coordinators on it. HelloWorld gets every result; then, while the
# crawler crawls, the active coordinator's container and then one broker container are killed
# (SIGKILL): the standby takes over, the parts move to the brokers left, and the crawl still ends with
# every page fetched once. Run after scripts/compose-check.sh (which starts dockerd, or run dockerd
# yourself). Every wait is bounded.
#
# NOT YET PASSING, and not run by CI (issue 21, next step). Its first runs found that no node could
# consume a quorum stream's band queues as the impetus-node user (definitions.json, now mended); it has
# not been run since. Run it by hand and keep its whole output: scripts/compose-cluster-check.sh >log 2>&1
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
started_dockerd=
if ! docker info >/dev/null 2>&1; then
  dockerd >/tmp/impetus-dockerd.log 2>&1 &
  started_dockerd=$!
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
fi
project="impetus-cluster-$$"
env=$(mktemp /tmp/impetus-cluster-env.XXXXXX)
cat cluster.env docker/local/images.env >"$env"
export IMPETUS_AMQP_PORT=${IMPETUS_AMQP_PORT:-35672} IMPETUS_MANAGEMENT_PORT=${IMPETUS_MANAGEMENT_PORT:-35673}
export IMPETUS_STATUS_PORT=${IMPETUS_STATUS_PORT:-18080} COMPOSE_PROFILES=cluster
compose() { docker-compose --env-file "$env" -p "$project" "$@"; }
cleanup() {
  COMPOSE_PROFILES=cluster,crawler compose down -v --remove-orphans >/dev/null 2>&1 || true
  rm -f "$env"
  if [ -n "$started_dockerd" ]; then kill "$started_dockerd" 2>/dev/null; wait "$started_dockerd" 2>/dev/null || true; fi
}
trap cleanup EXIT
fail() { echo "compose-cluster-check: $*" >&2; COMPOSE_PROFILES=cluster,crawler compose logs --tail 30 >&2 2>/dev/null || true; exit 1; }
await() { local n=$1; shift; for _ in $(seq 1 "$n"); do "$@" >/dev/null 2>&1 && return 0; sleep 1; done; return 1; }
exited() { [ "$(docker inspect -f '{{.State.Status}}' "$(compose ps -q "$1")")" = exited ]; }
active() { for c in coordinator coordinator-2; do
  docker logs "$(compose ps -q "$c")" 2>&1 | grep "is now the active coordinator" >/dev/null && echo "$c"; done | tail -n1; }

start=$SECONDS
scripts/local-images.sh
compose build -q >/dev/null
echo "compose-cluster-check: up (3 brokers, PostgreSQL, 2 coordinators, 2 nodes, scaler, HelloWorld)"
compose up -d >/dev/null 2>&1 || fail "docker-compose up failed"
await 400 exited helloworld || fail "HelloWorld did not finish within 400 s"
out=$(compose logs --no-color helloworld)
echo "$out" | grep -q "Total: 328350" && echo "$out" | grep -q "Errors: 0" || fail "HelloWorld did not get every result"
echo "  HelloWorld on the cluster: Total: 328350, Errors: 0"

COMPOSE_PROFILES=cluster,crawler compose up -d crawler >/dev/null 2>&1 || fail "the crawler did not start"
await 90 sh -c "docker logs $(COMPOSE_PROFILES=cluster,crawler compose ps -q crawler) 2>&1 | grep -q 'crawler: site'" \
  || fail "the crawler served no site"
sleep 3
victim=$(active)
[ -n "$victim" ] || fail "no coordinator says it is active"
docker kill "$(compose ps -q "$victim")" >/dev/null
echo "  killed the active coordinator ($victim)"
sleep 5
docker kill "$(compose ps -q rabbitmq-3)" >/dev/null
echo "  killed the broker container rabbitmq-3"
crawler=$(COMPOSE_PROFILES=cluster,crawler compose ps -q crawler)
await 600 sh -c "[ \"\$(docker inspect -f '{{.State.Status}}' $crawler)\" = exited ]" || fail "the crawl did not finish within 600 s"
crawl=$(docker logs "$crawler" 2>&1)
code=$(docker inspect -f '{{.State.ExitCode}}' "$crawler")
echo "$crawl" | grep -q "Crawl finished" && [ "$code" = 0 ] || fail "the crawl did not finish cleanly (exit $code)"
echo "$crawl" | grep -E "^(alpha|beta) " | sed 's/^/  /'
echo "$crawl" | grep -E "^(alpha|beta) +crawl-[a-z]+ +150 " | wc -l | grep -qx 2 || fail "a site was not fetched whole (150 pages)"
other=$([ "$victim" = coordinator ] && echo coordinator-2 || echo coordinator)
docker logs "$(compose ps -q "$other")" 2>&1 | grep -q "is now the active coordinator" || fail "the standby did not take over"
echo "  the standby ($other) took over; both sites fetched whole"
echo "compose-cluster-check: ok in $((SECONDS - start)) s"
