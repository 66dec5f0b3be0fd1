#!/usr/bin/env bash
# Installs PostgreSQL when it is missing, starts the cluster when it is down, and creates the role
# and database that the tests use (NEMID_TEST_PG, default postgres://nemid:nemid@127.0.0.1:5432/nemid_test).
# Safe to run again: every step checks first. Needs root (apt-get, and su to the postgres user).
set -euo pipefail

PG_URL="${NEMID_TEST_PG:-postgres://nemid:nemid@127.0.0.1:5432/nemid_test}"
# postgres://USER:PASSWORD@HOST:PORT/DB
rest="${PG_URL#postgres://}"; rest="${rest#postgresql://}"
creds="${rest%%@*}"; hostpart="${rest#*@}"
PG_USER="${creds%%:*}"; PG_PASS="${creds#*:}"
PG_DB="${hostpart#*/}"; PG_DB="${PG_DB%%\?*}"

if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  echo "--- installing PostgreSQL (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
fi

version="$(ls /usr/lib/postgresql | sort -n | tail -1)"
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main"' | grep -q .; then
  pg_createcluster "$version" main >/dev/null
fi
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" && $4 == "online"' | grep -q .; then
  echo "--- starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
fi

for _ in $(seq 1 30); do
  su postgres -c "pg_isready -q -h 127.0.0.1 -p 5432" && break
  sleep 1
done

psql_admin() { su postgres -c "psql -v ON_ERROR_STOP=1 -qtAc \"$1\""; }
if [ "$(psql_admin "SELECT 1 FROM pg_roles WHERE rolname = '$PG_USER'")" != "1" ]; then
  psql_admin "CREATE ROLE $PG_USER LOGIN PASSWORD '$PG_PASS' CREATEDB"
fi
if [ "$(psql_admin "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" != "1" ]; then
  psql_admin "CREATE DATABASE $PG_DB OWNER $PG_USER"
fi
echo "--- PostgreSQL ready at 127.0.0.1:5432, database $PG_DB"
