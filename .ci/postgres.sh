#!/usr/bin/env bash
# Make sure a local PostgreSQL answers on 127.0.0.1:5432 and the test role/database exist.
set -euo pipefail
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PGUSER=${PGUSER:-postgres}

ready() { pg_isready -q -h "$PGHOST" -p "$PGPORT"; }

if ! command -v pg_isready >/dev/null; then
  echo "PostgreSQL client tools are not installed (apt-get install postgresql)." >&2
  exit 1
fi
if ! ready; then
  if command -v pg_lsclusters >/dev/null; then
    read -r version cluster _ < <(pg_lsclusters --no-header | head -n 1)
    echo "Starting PostgreSQL cluster $version/$cluster"
    pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start || true
  fi
  for _ in $(seq 1 30); do ready && break; sleep 1; done
fi
if ! ready; then
  echo "PostgreSQL is not answering on $PGHOST:$PGPORT." >&2
  exit 1
fi
as_admin() {
  if psql -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d postgres -tAc 'select 1' >/dev/null 2>&1; then
    psql -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d postgres -v ON_ERROR_STOP=1 -tAc "$1"
  else
    su postgres -c "psql -v ON_ERROR_STOP=1 -tAc \"$1\""
  fi
}
[ "$(as_admin "select 1 from pg_roles where rolname='lingograph'")" = 1 ] ||
  as_admin "create role lingograph login superuser"
[ "$(as_admin "select 1 from pg_database where datname='lingograph_test'")" = 1 ] ||
  as_admin "create database lingograph_test owner lingograph"
echo "PostgreSQL ready on $PGHOST:$PGPORT (role lingograph, database lingograph_test)"
