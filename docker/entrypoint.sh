#!/bin/sh
# The image's entrypoint: runs the impetus command, a part in the foreground with its role's JVM
# options (io.impetus.core.config.JvmFlags, or IMPETUS_<ROLE>_JAVA_OPTS), as ./impetus does.
set -eu
lib=/opt/impetus/lib
opts=""
case "${1:-}" in
  coordinator|queue|node|worker|scaler|dfs)
    if [ "${2:-}" = "foreground" ]; then
      opts=$(java -cp "$lib/*" io.impetus.core.config.JvmFlags "$1")
    fi ;;
esac
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
# shellcheck disable=SC2086
exec java $opts ${IMPETUS_JAVA_OPTS:-} -cp "$lib/*" io.impetus.cli.Impetus "$@"
