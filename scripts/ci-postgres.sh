#!/usr/bin/env bash
# Starts (or reuses) a PostgreSQL 15 cluster on 127.0.0.1 for the state tests and prints the line that points them at it:
#   eval "$(bash scripts/ci-postgres.sh)"   # → export ASKMUSIC_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:55432/askmusic_test
# Installs Debian's postgresql-15 when missing (apt does not start services here, so the cluster is ours: initdb +
# pg_ctl). Idempotent: a second call finds the running cluster and only prints the line. Everything else goes to stderr.
# Settings: ASKMUSIC_CI_PG_PORT (default 55432), ASKMUSIC_CI_PG_DIR (default /tmp/askmusic-ci-pg).
set -euo pipefail

PORT="${ASKMUSIC_CI_PG_PORT:-55432}"
DIR="${ASKMUSIC_CI_PG_DIR:-/tmp/askmusic-ci-pg}"
BIN=/usr/lib/postgresql/15/bin
DB=askmusic_test
log() { echo "ci-postgres: $*" >&2; }

if [ ! -x "$BIN/initdb" ]; then
  log "installing postgresql-15"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql-15 >&2
fi

# initdb refuses to run as root: run the server tools as the postgres user the package created.
if [ "$(id -u)" = 0 ]; then
  as_pg() { runuser -u postgres -- "$@"; }
else
  as_pg() { "$@"; }
fi

mkdir -p "$DIR"
[ "$(id -u)" = 0 ] && chown postgres:postgres "$DIR"
chmod 700 "$DIR"

if [ ! -f "$DIR/data/PG_VERSION" ]; then
  log "initdb in $DIR/data"
  rm -rf "$DIR/data"
  as_pg "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --locale=C --no-sync >&2
fi

if as_pg "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
  log "cluster already running in $DIR/data"
else
  log "starting the cluster on 127.0.0.1:$PORT"
  as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 -o "-k $DIR -h 127.0.0.1 -p $PORT" start >&2 || {
    tail -n 20 "$DIR/server.log" >&2 || true
    exit 1
  }
fi

PSQL=("$BIN/psql" -X -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -tA)
if [ "$("${PSQL[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != 1 ]; then
  log "creating database $DB"
  "${PSQL[@]}" -c "CREATE DATABASE $DB" >&2
fi

echo "export ASKMUSIC_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:$PORT/$DB"
