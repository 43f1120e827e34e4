#!/usr/bin/env bash
# The Testcontainers path of the integration tests, for real: with no IMPETUS_RABBITMQ_URI, TestBroker
# starts a RabbitMQ container, here of the stand-in image scripts/local-images.sh builds (no registry
# here; elsewhere the official rabbitmq:3.13-management, unchanged). Runs the broker suite (BrokerIT),
# the end-to-end suite (EndToEndIT) and the test kit's own (ImpetusTestIT) against it, and then checks that
# the container was removed when the test JVMs ended. Ryuk, which Testcontainers would pull, is off:
# TestBroker's shutdown hook stops the container instead. Needs root; starts dockerd if none runs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. scripts/docker-engine.sh
docker_engine_up
trap docker_engine_down EXIT
scripts/local-images.sh
image=$(sed -n 's/^IMPETUS_RABBITMQ_IMAGE=//p' docker/local/images.env)
before=$(docker ps -aq --filter "ancestor=$image" | wc -l)
start=$SECONDS
marker=$(mktemp /tmp/impetus-testcontainers.XXXXXX)
trap 'rm -f "$marker"; docker_engine_down' EXIT
# Testcontainers finds the engine on /var/run/docker.sock; the broker and management URIs of the
# local broker must not leak in, or TestBroker would use it instead. This machine is itself a
# container (/.dockerenv), so Testcontainers would run an alpine container to find the engine's address:
# the host override says it (the ports are published on this machine), and no image is pulled.
env -u IMPETUS_RABBITMQ_URI -u IMPETUS_MANAGEMENT_URI \
  IMPETUS_RABBITMQ_IMAGE="$image" IMPETUS_RABBITMQ_REQUIRED=true \
  TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_CHECKS_DISABLE=true TESTCONTAINERS_HOST_OVERRIDE=localhost \
  mvn -B -q -Dstyle.color=never verify -pl impetus-test,impetus-dist -am \
    -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test='BrokerIT,EndToEndIT,ImpetusTestIT' -Dit.failIfNoSpecifiedTests=false >/tmp/impetus-testcontainers.log 2>&1 || {
  grep -E "Tests run|FAIL|ERROR" /tmp/impetus-testcontainers.log | tail -n 40 >&2
  echo "testcontainers-check: the suites failed on a Testcontainers RabbitMQ ($image); log in /tmp/impetus-testcontainers.log" >&2
  exit 1; }
# each suite's report, written by this run (an earlier full run leaves others beside them), passed whole
ran=0
for report in impetus-dist/target/failsafe-reports/io.impetus.core.broker.BrokerIT.txt \
    impetus-dist/target/failsafe-reports/io.impetus.dist.EndToEndIT.txt \
    impetus-test/target/failsafe-reports/io.impetus.test.ImpetusTestIT.txt; do
  [ "$report" -nt "$marker" ] || { echo "testcontainers-check: $report was not written by this run" >&2; exit 1; }
  n=$(sed -n 's/^Tests run: \([0-9]*\), Failures: 0, Errors: 0, Skipped: 0.*/\1/p' "$report")
  [ -n "$n" ] && [ "$n" -gt 0 ] || { echo "testcontainers-check: $(basename "$report" .txt) did not pass whole" >&2; exit 1; }
  ran=$((ran + n))
done
grep -q "starting a RabbitMQ container of $image" /tmp/impetus-testcontainers.log \
  || { echo "testcontainers-check: no test said it started a container of $image" >&2; exit 1; }
after=$(docker ps -aq --filter "ancestor=$image" | wc -l)
[ "$after" -le "$before" ] || { echo "testcontainers-check: $((after - before)) broker containers were left behind" >&2; exit 1; }
echo "testcontainers-check: $ran tests passed on Testcontainers RabbitMQs of $image, none left behind, in $((SECONDS - start)) s"
