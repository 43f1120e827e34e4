#!/usr/bin/env bash
# What a newcomer does, checked: install the artifacts, make a project with 'impetus new', build and test
# it OFFLINE against the installed artifacts (mvn -o verify), then run its jar against real daemons
# (a coordinator and a node started here under a prefix of their own) and check what it prints.
# Needs IMPETUS_RABBITMQ_URI (set by .ci/run and ./impetus test's setup); cleans up after itself.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
: "${IMPETUS_RABBITMQ_URI:?set IMPETUS_RABBITMQ_URI (e.g. amqp://impetus:impetus@127.0.0.1:5672/impetus)}"
work=$(mktemp -d /tmp/impetus-template.XXXXXX)
prefix="tmpl-$(head -c4 /dev/urandom | od -An -tx1 | tr -d ' \n')"
daemons=()
cleanup() {
  for d in "${daemons[@]}"; do "$root/impetus" "$d" stop -i "$work/run" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT

echo "template-check: ./impetus install"
"$root/impetus" install >/dev/null
echo "template-check: ./impetus new $work/wordcount --package com.example.ci"
"$root/impetus" new "$work/wordcount" --package com.example.ci >/dev/null
echo "template-check: mvn -o verify (offline: every Impetus artifact from the local repository)"
(cd "$work/wordcount" && IMPETUS_RABBITMQ_REQUIRED=true mvn -B -o verify) >"$work/build.log" 2>&1 || {
  tail -n 60 "$work/build.log"; echo "template-check: the generated project did not build offline" >&2; exit 1; }
grep -E "Tests run: .*, Failures: 0, Errors: 0, Skipped: 0$" "$work/build.log" | sed 's/^/  /'
if ! grep -q "Tests run: 2, Failures: 0, Errors: 0, Skipped: 0" <(sed -n '/maven-failsafe-plugin/,$p' "$work/build.log"); then
  echo "template-check: the generated project's end-to-end tests did not all run" >&2; exit 1
fi

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
echo "template-check: ok"
