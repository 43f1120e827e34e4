#!/usr/bin/env bash
# What a newcomer does, checked: install the artifacts, make a project with 'impetus new', build and test
# it OFFLINE against the installed artifacts (mvn -o verify), then run its jar against real daemons
# (a coordinator and a node started here under a prefix of their own) and check what it prints.
# The same for a Spring Boot project ('impetus new --spring-boot': GET /words?line=a+b+c answers words 3), and
# the Spring Boot example's jar (examples/spring-boot): GET /squares/12 answers {"n":12,"square":144}; both show
# impetus UP on their health endpoint.
# Needs IMPETUS_RABBITMQ_URI (set by .ci/run and ./impetus test's setup); cleans up after itself.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
: "${IMPETUS_RABBITMQ_URI:?set IMPETUS_RABBITMQ_URI (e.g. amqp://impetus:impetus@127.0.0.1:5672/impetus)}"
work=$(mktemp -d /tmp/impetus-template.XXXXXX)
prefix="tmpl-$(head -c4 /dev/urandom | od -An -tx1 | tr -d ' \n')"
daemons=()
boot=
cleanup() {
  [ -n "$boot" ] && kill "$boot" 2>/dev/null && wait "$boot" 2>/dev/null || true
  for d in "${daemons[@]}"; do "$root/impetus" "$d" stop -i "$work/run" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT

echo "template-check: ./impetus install"
"$root/impetus" install >/dev/null
echo "template-check: ./impetus new $work/wordcount --package com.example.ci"
"$root/impetus" new "$work/wordcount" --package com.example.ci >/dev/null
echo "template-check: ./impetus new $work/words-web --spring-boot --package com.example.web"
"$root/impetus" new "$work/words-web" --spring-boot --package com.example.web >/dev/null

# build_offline DIR END_TO_END_TESTS: mvn -o verify, every test run and none skipped
build_offline() {
  echo "template-check: $(basename "$1"): mvn -o verify (offline: every Impetus artifact from the local repository)"
  (cd "$1" && IMPETUS_RABBITMQ_REQUIRED=true mvn -B -o verify) >"$1.build.log" 2>&1 || {
    tail -n 60 "$1.build.log"; echo "template-check: $1 did not build offline" >&2; exit 1; }
  grep -E "Tests run: .*, Failures: 0, Errors: 0, Skipped: 0$" "$1.build.log" | sed 's/^/  /'
  if ! grep -q "Tests run: $2, Failures: 0, Errors: 0, Skipped: 0" <(sed -n '/maven-failsafe-plugin/,$p' "$1.build.log"); then
    echo "template-check: the end-to-end tests of $1 did not all run" >&2; exit 1
  fi
}
build_offline "$work/wordcount" 2
build_offline "$work/words-web" 3

echo "template-check: its jar against a coordinator and a node (prefix $prefix)"
"$root/impetus" keygen "$work/signing.key" >/dev/null
export IMPETUS_SIGNING_KEY_FILE="$work/signing.key" IMPETUS_PREFIX="$prefix"
"$root/impetus" coordinator start -i "$work/run" -l "$work/log" --data-dir "$work/data" >/dev/null
daemons+=(coordinator)
"$root/impetus" node start -i "$work/run" -l "$work/log" -m 2 >/dev/null
daemons=(node "${daemons[@]}")
out=$(cd "$work" && timeout 180 java -jar wordcount/target/wordcount-0.1.0-SNAPSHOT.jar --taskdir "$work/tasks" 2>&1) || {
  echo "$out"; echo "template-check: the generated project's jar failed" >&2; exit 1; }
echo "$out" | grep -E "^(Total words|Errors):" | sed 's/^/  /'
echo "$out" | grep -qx "Total words: 30" && echo "$out" | grep -qx "Errors: 0" || {
  echo "$out"; echo "template-check: the jar did not print Total words: 30 and Errors: 0" >&2; exit 1; }

# run_boot NAME JAR PATH EXPECTED: java -jar on a free port, GET PATH must contain EXPECTED, impetus health UP
run_boot() {
  echo "template-check: $1's jar against the same daemons"
  local port answer health impetus_up
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  java -jar "$2" --server.port="$port" --server.address=127.0.0.1 >"$work/$1.log" 2>&1 &
  boot=$!
  answer=
  for _ in $(seq 1 90); do
    answer=$(curl -s --max-time 40 "http://127.0.0.1:$port$3" || true)
    [ -n "$answer" ] && break
    kill -0 "$boot" 2>/dev/null || break
    sleep 1
  done
  health=$(curl -s --max-time 10 "http://127.0.0.1:$port/actuator/health" || true)
  echo "  GET $3 -> $answer"
  impetus_up=$(echo "$health" | python3 -c 'import json,sys
try: print(json.load(sys.stdin)["components"]["impetus"]["status"])
except Exception: print("none")')
  echo "  impetus health: $impetus_up"
  kill "$boot" 2>/dev/null; wait "$boot" 2>/dev/null || true
  boot=
  if ! echo "$answer" | grep -q "$4" || [ "$impetus_up" != UP ]; then
    tail -n 40 "$work/$1.log"; echo "template-check: $1 did not answer as it should" >&2; exit 1
  fi
}
run_boot words-web "$work/words-web/target/words-web-0.1.0-SNAPSHOT.jar" "/words?line=a+b+c" '"words":3'
run_boot spring-boot-example "$root/examples/spring-boot/target/impetus-example-spring-boot-0.1.0-SNAPSHOT.jar" \
  /squares/12 '"square":144'
echo "template-check: ok"
