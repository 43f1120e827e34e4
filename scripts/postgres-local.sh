#!/usr/bin/env bash
# Makes a local PostgreSQL ready for Impetus's tests (the store contract suite and the coordinator
# fail-over test): installs Debian's postgresql if it is missing (as root), starts its cluster if it
# is down, creates the database impetus_test, and prints the JDBC URL the tests take in
# IMPETUS_TEST_POSTGRES_URL. Safe to run again. Exits non-zero when no PostgreSQL can be had.
set -euo pipefail
db=${IMPETUS_TEST_POSTGRES_DB:-impetus_test}

if ! command -v pg_lsclusters >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then
    echo "postgres-local: PostgreSQL is not installed (apt-get install postgresql, as root)" >&2
    exit 1
  fi
  echo "postgres-local: installing PostgreSQL (apt-get install postgresql)" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi
version=$(ls /etc/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $4}' | grep -q online; then
  echo "postgres-local: starting PostgreSQL $version" >&2
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
fi
for _ in $(seq 1 30); do
  runuser -u postgres -- psql -qtAc "SELECT 1" >/dev/null 2>&1 && break
  sleep 1
done
# a role of its own with a password: works whether local TCP logins are trusted or need one
if ! runuser -u postgres -- psql -qtAc "SELECT 1 FROM pg_roles WHERE rolname = 'impetus_test'" | grep -q 1; then
  runuser -u postgres -- psql -qc "CREATE ROLE impetus_test LOGIN PASSWORD 'impetus_test'" >/dev/null
fi
if ! runuser -u postgres -- psql -qtAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
  runuser -u postgres -- createdb -O impetus_test "$db"
fi
runuser -u postgres -- psql -qc "ALTER DATABASE \"$db\" OWNER TO impetus_test" >/dev/null
runuser -u postgres -- psql -d "$db" -qc "ALTER SCHEMA public OWNER TO impetus_test" >/dev/null
echo "jdbc:postgresql://127.0.0.1:5432/$db?user=impetus_test&password=impetus_test"
