#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests: `start` prints its SQLAlchemy URL, `stop` removes it.
# It listens on 127.0.0.1 only, on LBDOCTOR_TEST_PG_PORT (default 55432), with trust auth.
set -euo pipefail
port="${LBDOCTOR_TEST_PG_PORT:-55432}"
dir="${TMPDIR:-/tmp}/lbdoctor-test-pg-$port"
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] || { echo "PostgreSQL is not installed: run scripts/system-packages.sh" >&2; exit 1; }
# PostgreSQL refuses to run as root: run it as the postgres user then.
as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "${1:-}" in
  start)
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      mkdir -p "$dir"
      [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
      as_owner "$bin/initdb" -D "$dir/data" -U lbdoctor --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    if ! as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off" start >/dev/null \
        || { cat "$dir/server.log" >&2; exit 1; }
    fi
    as_owner "$bin/psql" -h 127.0.0.1 -p "$port" -U lbdoctor -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname='lbdoctor_test'" | grep -q 1 \
      || as_owner "$bin/psql" -h 127.0.0.1 -p "$port" -U lbdoctor -d postgres -qc "CREATE DATABASE lbdoctor_test"
    echo "postgresql+psycopg://lbdoctor@127.0.0.1:$port/lbdoctor_test"
    ;;
  stop)
    [ -d "$dir/data" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
