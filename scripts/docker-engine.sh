# Sourced by the scripts that need a container engine (compose-check.sh, compose-cluster-check.sh,
# testcontainers-check.sh). docker_engine_up: installs Debian's docker.io, docker-compose and debootstrap
# if missing, and starts dockerd if none answers; docker_engine_down stops only a dockerd it started.
# Needs root.
impetus_started_dockerd=
docker_engine_up() {
  if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker-compose >/dev/null 2>&1 \
      || ! command -v debootstrap >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      docker.io docker-compose debootstrap >/dev/null
  fi
  docker info >/dev/null 2>&1 && return 0
  dockerd >/tmp/impetus-dockerd.log 2>&1 &
  impetus_started_dockerd=$!
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && return 0; sleep 1; done
  tail -n 20 /tmp/impetus-dockerd.log >&2
  echo "docker-engine: dockerd did not answer within 60 s" >&2
  return 1
}
docker_engine_down() {
  if [ -n "$impetus_started_dockerd" ]; then
    kill "$impetus_started_dockerd" 2>/dev/null || true
    wait "$impetus_started_dockerd" 2>/dev/null || true
    impetus_started_dockerd=
  fi
}
