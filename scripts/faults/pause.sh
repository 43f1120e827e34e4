#!/usr/bin/env bash
# Pauses process PID and all its descendants with SIGSTOP (parents first, so none reacts to a
# stopped child), as a long GC pause or a frozen VM would. resume.sh PID continues them.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[[ "${1:-}" =~ ^[0-9]+$ ]] || die "usage: pause.sh PID"
tree() { echo "$1"; local c; for c in $(pgrep -P "$1" || true); do tree "$c"; done; }
kill -0 "$1" 2>/dev/null || die "no process $1"
for p in $(tree "$1"); do kill -STOP "$p" 2>/dev/null || true; done
echo "pause: $1 and its children stopped"
