#!/usr/bin/env bash
# Continues process PID and all its descendants (SIGCONT), children first. Safe if not paused.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[[ "${1:-}" =~ ^[0-9]+$ ]] || die "usage: resume.sh PID"
tree() { local c; for c in $(pgrep -P "$1" || true); do tree "$c"; done; echo "$1"; }
kill -0 "$1" 2>/dev/null || die "no process $1"
for p in $(tree "$1"); do kill -CONT "$p" 2>/dev/null || true; done
echo "resume: $1 and its children continued"
