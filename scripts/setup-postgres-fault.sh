#!/usr/bin/env bash
# A second PostgreSQL cluster, only for the test that restarts PostgreSQL while log-ons run
# (test/server-verifier/http/faults-postgres.test.ts), so that restart never disturbs the other
# test files, which use the main cluster. Cluster "nemid_fault" on port 5433 (NEMID_FAULT_PG,
# default postgres://nemid:nemid@127.0.0.1:5433/nemid_fault). Run after setup-postgres.sh (which
# installs PostgreSQL). Safe to run again: every step checks first. Needs root.
set -euo pipefail

PG_URL="${NEMID_FAULT_PG:-postgres://nemid:nemid@127.0.0.1:5433/nemid_fault}"
rest="${PG_URL#postgres://}"; rest="${rest#postgresql://}"
creds="${rest%%@*}"; hostpart="${rest#*@}"
PG_USER="${creds%%:*}"; PG_PASS="${creds#*:}"
PG_PORT="${hostpart#*:}"; PG_PORT="${PG_PORT%%/*}"
PG_DB="${hostpart#*/}"; PG_DB="${PG_DB%%\?*}"
CLUSTER=nemid_fault

version="$(ls /usr/lib/postgresql | sort -n | tail -1)"
if ! pg_lsclusters -h | awk -v v="$version" -v c="$CLUSTER" '$1 == v && $2 == c' | grep -q .; then
  pg_createcluster "$version" "$CLUSTER" -p "$PG_PORT" >/dev/null
fi
if ! pg_lsclusters -h | awk -v v="$version" -v c="$CLUSTER" '$1 == v && $2 == c && $4 == "online"' | grep -q .; then
  echo "--- starting PostgreSQL $version/$CLUSTER on port $PG_PORT"
  pg_ctlcluster --skip-systemctl-redirect "$version" "$CLUSTER" start
fi
for _ in $(seq 1 30); do
  su postgres -c "pg_isready -q -h 127.0.0.1 -p $PG_PORT" && break
  sleep 1
done

psql_admin() { su postgres -c "psql -p $PG_PORT -v ON_ERROR_STOP=1 -qtAc \"$1\""; }
if [ "$(psql_admin "SELECT 1 FROM pg_roles WHERE rolname = '$PG_USER'")" != "1" ]; then
  psql_admin "CREATE ROLE $PG_USER LOGIN PASSWORD '$PG_PASS' CREATEDB"
fi
if [ "$(psql_admin "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" != "1" ]; then
  psql_admin "CREATE DATABASE $PG_DB OWNER $PG_USER"
fi
echo "--- PostgreSQL $version/$CLUSTER ready at 127.0.0.1:$PG_PORT, database $PG_DB (restarted by a test)"
