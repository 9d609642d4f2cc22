#!/usr/bin/env bash
# Runs every test of Sluice against SQLite and a private PostgreSQL cluster, on a fresh Debian machine.
# Installs what is missing (PostgreSQL, Chromium from Debian's packages), starts the cluster on its own port and
# data folder, runs the suite, stops the cluster, and ends with one line: "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
PGPORT="${SLUICE_TEST_PG_PORT:-55432}"
PGDATA="${SLUICE_TEST_PG_DATA:-/tmp/sluice-test-pg-$PGPORT}"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

missing=()
[ -n "$(pg_bin)" ] && [ -x "$(pg_bin)/initdb" ] || missing+=(postgresql)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing from Debian's packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
PGBIN="$(pg_bin)"

# A private cluster: its own data folder and port, trust auth on 127.0.0.1 only, fsync off (test data only).
run_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ ! -f "$PGDATA/PG_VERSION" ]; then
  rm -rf "$PGDATA"; mkdir -p "$PGDATA"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$PGDATA"
  run_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 >/dev/null
fi
if ! run_pg "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
  run_pg "$PGBIN/pg_ctl" -D "$PGDATA" -w -l "$PGDATA/server.log" \
    -o "-p $PGPORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" start >/dev/null
  trap 'run_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null 2>&1 || true' EXIT
fi
export SLUICE_TEST_PG="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=postgres"

rm -rf "$ROOT/TestResults"
set +e
dotnet test tests/Sluice.Tests/Sluice.Tests.csproj -c Release \
  --logger "trx;LogFileName=results.trx" --results-directory "$ROOT/TestResults" "$@"
status=$?
set -e

trx="$ROOT/TestResults/results.trx"
if [ -f "$trx" ]; then
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  total=$(get total); passed=$(get passed); failed=$(get failed); executed=$(get executed)
  errors=$(get error); timeouts=$(get timeout); aborted=$(get aborted)
  failed=$(( ${failed:-0} + ${errors:-0} + ${timeouts:-0} + ${aborted:-0} ))
  skipped=$(( ${total:-0} - ${executed:-0} ))
  echo "${passed:-0} passed, ${failed} failed, ${skipped} skipped"
  if [ "$failed" -gt 0 ] || [ "$status" -ne 0 ]; then exit 1; fi
else
  echo "0 passed, 1 failed"
  exit 1
fi
