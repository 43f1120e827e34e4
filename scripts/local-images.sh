#!/usr/bin/env bash
# Builds, from Debian's packages alone, stand-ins for the official images the Dockerfile and
# docker-compose.yml name by default, for a machine that reaches no image registry:
#   impetus-local/debian:bookworm   debootstrap --variant=minbase bookworm, imported
#   impetus-local/maven:3-jdk17     OpenJDK 17 and Maven        (for maven:3.9-eclipse-temurin-17)
#   impetus-local/jre:17            OpenJDK 17 runtime          (for eclipse-temurin:17-jre)
#   impetus-local/rabbitmq:3        RabbitMQ with management    (for rabbitmq:3.13-management)
#   impetus-local/postgres:15       PostgreSQL 15               (for postgres:15)
# docker/local/images.env names them for docker-compose (--env-file). Needs root,
# a running dockerd and debootstrap (apt-get install docker.io debootstrap). The Debian base is kept once
# made (unless --rebuild); the others are built every time, from the layer cache when nothing changed,
# so an edit of docker/local/ is never hidden by an image left from before.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rebuild=false
[ "${1:-}" = "--rebuild" ] && rebuild=true
have() { ! $rebuild && docker image inspect "$1" >/dev/null 2>&1; }

if ! have impetus-local/debian:bookworm; then
  fs=$(mktemp -d /tmp/impetus-rootfs.XXXXXX)
  trap 'rm -rf "$fs"' EXIT
  echo "local-images: debootstrap bookworm (minbase)" >&2
  debootstrap --variant=minbase bookworm "$fs" http://deb.debian.org/debian >"$fs.log" 2>&1 || {
    tail -n 20 "$fs.log" >&2; exit 1; }
  rm -rf "$fs"/var/cache/apt/archives/*.deb "$fs"/var/lib/apt/lists/* "$fs.log"
  tar -C "$fs" -c . | docker import -c 'CMD ["/bin/bash"]' - impetus-local/debian:bookworm >/dev/null
fi
# The build context: the stand-ins' files and this machine's own extra certificate authorities (an
# egress proxy's, say), so that Maven inside a build reaches Maven Central as Maven here does.
ctx=$(mktemp -d /tmp/impetus-images.XXXXXX)
trap 'rm -rf "$ctx" "${fs:-}"' EXIT
cp "$root"/docker/local/* "$ctx"/
mkdir -p "$ctx/ca"
cp /usr/local/share/ca-certificates/*.crt "$ctx/ca/" 2>/dev/null || true
for pair in jdk:impetus-local/maven:3-jdk17 jre:impetus-local/jre:17 rabbitmq:impetus-local/rabbitmq:3 \
            postgres:impetus-local/postgres:15; do
  file=${pair%%:*} tag=${pair#*:}
  echo "local-images: $tag" >&2
  docker build -q $($rebuild && echo --no-cache) -t "$tag" -f "$ctx/$file.Dockerfile" "$ctx" >"$ctx/build.log" 2>&1 \
    || { tail -n 30 "$ctx/build.log" >&2; exit 1; }
done
echo "local-images: ready; use them with --env-file docker/local/images.env" >&2
