#!/usr/bin/env bash
# docker compose up, for real, on this machine (no registry: the stand-in images of local-images.sh):
#   1. the whole system: the broker becomes healthy, the key is made, coordinator, nodes and scaler
#      start, HelloWorld prints Total: 328350 and Errors: 0;
#   2. the status page answers 401 without the key and 200 with it; the management API shows the topology;
#   3. --scale node=3: three nodes report, and a HelloWorld run after it still gets every result;
#   4. the crawler profile crawls its sites while the coordinator is restarted mid-run (its 403 page
#      blocks one node, which provider none does not replace: the others finish the crawl).
# Needs root. Installs docker.io and debootstrap if missing, starts dockerd if none runs (and stops it
# after). Every wait is bounded; what it checks is the containers' output and the status API.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. scripts/docker-engine.sh
docker_engine_up
project="impetus-check-$$"
export IMPETUS_AMQP_PORT=${IMPETUS_AMQP_PORT:-35672} IMPETUS_MANAGEMENT_PORT=${IMPETUS_MANAGEMENT_PORT:-35673}
export IMPETUS_STATUS_PORT=${IMPETUS_STATUS_PORT:-18080} IMPETUS_SCALER_PORT=${IMPETUS_SCALER_PORT:-18081}
compose() { docker-compose --env-file docker/local/images.env -p "$project" "$@"; }
cleanup() {
  compose --profile crawler down -v --remove-orphans >/dev/null 2>&1 || true
  docker_engine_down
}
trap cleanup EXIT
fail() { echo "compose-check: $*" >&2; compose --profile crawler logs --tail 40 >&2 2>/dev/null || true; exit 1; }
. scripts/compose-lib.sh
exited() { [ "$(docker inspect -f '{{.State.Status}}' "$(compose ps -q "$1")")" = exited ]; }

start=$SECONDS
scripts/local-images.sh
echo "compose-check: building the image on the stand-ins"
compose build -q >/tmp/impetus-compose-build.log 2>&1 || { tail -n 30 /tmp/impetus-compose-build.log >&2; fail "the image did not build"; }
echo "compose-check: images ready in $((SECONDS - start)) s"

echo "compose-check: 1. docker-compose up"
compose up -d >/dev/null 2>&1 || fail "docker-compose up failed"
await 300 exited helloworld || fail "HelloWorld did not finish within 300 s"
out=$(compose logs --no-color helloworld)
code=$(docker inspect -f '{{.State.ExitCode}}' "$(compose ps -q helloworld)")
grep -q "Total: 328350" <<<"$out" && grep -q "Errors: 0" <<<"$out" && [ "$code" = 0 ] \
  || fail "HelloWorld did not print Total: 328350 and Errors: 0 (exit $code)"
echo "  HelloWorld: Total: 328350, Errors: 0, exit 0"

echo "compose-check: 2. status page and management API"
without=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$IMPETUS_STATUS_PORT/api/status")
with=$(curl -s -o /dev/null -w '%{http_code}' -u impetus:change-this-http-key "http://127.0.0.1:$IMPETUS_STATUS_PORT/api/status")
[ "$without" = 401 ] && [ "$with" = 200 ] || fail "status page: $without without the key, $with with it (want 401, 200)"
queues=$(curl -s -u impetus:impetus "http://127.0.0.1:$IMPETUS_MANAGEMENT_PORT/api/queues/impetus?columns=name")
exchanges=$(curl -s -u impetus:impetus "http://127.0.0.1:$IMPETUS_MANAGEMENT_PORT/api/exchanges/impetus?columns=name")
grep -q '"impetus.control"' <<<"$queues" && grep -q '"impetus.dead"' <<<"$queues" \
  && grep -q '"impetus.events"' <<<"$exchanges" || fail "the management API does not show the topology"
echo "  status page 401 / 200; management API shows impetus.control, impetus.dead, impetus.events"

echo "compose-check: 3. --scale node=3"
compose up -d --no-recreate --scale node=3 node >/dev/null 2>&1 || fail "scaling to 3 nodes failed"
nodes() { compose exec -T coordinator java -cp '/opt/impetus/lib/*' io.impetus.cli.Impetus nodes --json 2>/dev/null \
  | python3 -c 'import json,sys; print(len([n for n in json.load(sys.stdin) if not n.get("draining")]))'; }
await 90 sh -c "[ \"\$(docker-compose --env-file docker/local/images.env -p $project exec -T coordinator java -cp '/opt/impetus/lib/*' io.impetus.cli.Impetus nodes --json 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')\" -ge 3 ]" \
  || fail "three nodes did not report within 90 s (saw $(nodes))"
compose run --rm --no-deps helloworld >/tmp/impetus-compose-hello.log 2>&1 || fail "HelloWorld after scaling failed"
grep -q "Errors: 0" /tmp/impetus-compose-hello.log && grep -q "Total: 328350" /tmp/impetus-compose-hello.log \
  || fail "HelloWorld after scaling did not get every result"
echo "  $(nodes) nodes report; HelloWorld after scaling: Total: 328350, Errors: 0"
echo "compose-check: 4. the crawler, with the coordinator restarted mid-run"
compose --profile crawler up -d crawler >/dev/null 2>&1 || fail "the crawler did not start"
await 60 sh -c "docker logs $(compose ps -q crawler) 2>&1 | grep -q 'crawler: site'" || fail "the crawler served no site"
compose restart coordinator >/dev/null 2>&1
echo "  coordinator restarted while the crawl ran"
await 400 exited crawler || fail "the crawler did not finish within 400 s"
crawl_whole "$(compose ps -q crawler)"

echo "compose-check: ok in $((SECONDS - start)) s"
