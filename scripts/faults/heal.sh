#!/usr/bin/env bash
# Heals host NAME: removes any cut or slowdown (cut.sh, slow.sh) from both ends of its link.
# Safe to run when nothing was done.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need_host "${1:-}"
"$(dirname "$0")/slow.sh" --stop "$1"
clear_filters "$1"
echo "heal: host $1 healed"
