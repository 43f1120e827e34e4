#!/usr/bin/env bash
# Skews a process's wall clock with libfaketime (Debian's faketime package), preloaded at start:
#
#   skew.sh env FILE OFFSET      print the environment (KEY=VALUE lines) to start a process with,
#                                e.g. for ProcessBuilder; its clock offset is read from FILE
#   skew.sh set FILE OFFSET      change the offset of processes started with FILE (within 1 s)
#   skew.sh run OFFSET CMD...    run CMD with a fixed offset
#
# OFFSET: +30s, -2m, +0 ... Only the wall clock (System.currentTimeMillis, Instant.now, Clock) moves;
# the monotonic clock (System.nanoTime) is left alone (FAKETIME_DONT_FAKE_MONOTONIC), which also keeps
# the JVM's own timers sane. The code has no clock-offset hook of its own, so this is the only way.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
lib=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -1 || true)
[ -n "$lib" ] || die "libfaketime is missing (apt-get install faketime)"
offset_ok() { [[ "${1:-}" =~ ^[+-][0-9]+[smhd]?$ ]] || die "OFFSET is like +30s or -2m, got '${1:-}'"; }
case "${1:-}" in
  env)
    offset_ok "${3:-}"; echo "$3" > "$2"
    echo "LD_PRELOAD=$lib"
    echo "FAKETIME_TIMESTAMP_FILE=$2"
    echo "FAKETIME_CACHE_DURATION=1"
    echo "FAKETIME_DONT_FAKE_MONOTONIC=1" ;;
  set)
    offset_ok "${3:-}"; [ -f "${2:-}" ] || die "no file ${2:-}: start the process with skew.sh env first"
    echo "$3" > "$2.tmp" && mv "$2.tmp" "$2"
    echo "skew: clock offset $3" ;;
  run)
    offset_ok "${2:-}"; off=$2; shift 2
    LD_PRELOAD=$lib FAKETIME="$off" FAKETIME_DONT_FAKE_MONOTONIC=1 exec "$@" ;;
  *) die "usage: skew.sh env FILE OFFSET | set FILE OFFSET | run OFFSET CMD..." ;;
esac
