#!/usr/bin/env bash
# A small filesystem that a test can fill, mounted over a folder a process writes to:
#
#   fulldisk.sh mount DIR SIZE   mount a tmpfs of SIZE (e.g. 8m) on DIR (made if missing; the
#                                folder's current files are copied in, so the process finds them)
#   fulldisk.sh fill DIR         fill it: writes DIR/.impetus-fault-fill until no space is left
#   fulldisk.sh free DIR         delete that file: the space is back
#   fulldisk.sh umount DIR       unmount (files written on it are copied back first)
#
# A tmpfs with size= (writes past it fail with ENOSPC, as on a full disk) rather than a loop device:
# containers often have no /dev/loop. Idempotent: mount on a mounted DIR and umount of an unmounted
# one do nothing.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need_root
cmd=${1:-} dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || die "usage: fulldisk.sh mount DIR SIZE | fill DIR | free DIR | umount DIR"
mounted() { mountpoint -q "$dir"; }
case "$cmd" in
  mount)
    [ -n "${3:-}" ] || die "usage: fulldisk.sh mount DIR SIZE (e.g. 8m)"
    mounted && { echo "fulldisk: $dir already mounted"; exit 0; }
    mkdir -p "$dir"
    keep=$(mktemp -d); cp -a "$dir/." "$keep/"
    mount -t tmpfs -o "size=$3" impetus-fault "$dir"
    cp -a "$keep/." "$dir/"; rm -rf "$keep"
    echo "fulldisk: $dir is a $3 filesystem" ;;
  fill)
    mounted || die "$dir is not mounted by fulldisk.sh mount"
    dd if=/dev/zero of="$dir/.impetus-fault-fill" bs=64k oflag=append conv=notrunc 2>/dev/null || true
    echo "fulldisk: $dir full ($(df --output=avail -B1 "$dir" | tail -1 | tr -d ' ') bytes left)" ;;
  free)
    rm -f "$dir/.impetus-fault-fill"
    echo "fulldisk: $dir freed" ;;
  umount)
    mounted || { echo "fulldisk: $dir not mounted"; exit 0; }
    rm -f "$dir/.impetus-fault-fill"
    keep=$(mktemp -d); cp -a "$dir/." "$keep/"
    umount "$dir" 2>/dev/null || umount -l "$dir"
    cp -a "$keep/." "$dir/"; rm -rf "$keep"
    echo "fulldisk: $dir unmounted" ;;
  *) die "usage: fulldisk.sh mount DIR SIZE | fill DIR | free DIR | umount DIR" ;;
esac
