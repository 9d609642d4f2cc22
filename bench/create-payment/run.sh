#!/usr/bin/env bash
# Create-payment load run against pgbench, on one machine, in one go (see docs/benchmarks.md).
#
#   bench/create-payment/run.sh
#
# 1. installs wrk / PostgreSQL from Debian's packages if missing;
# 2. starts a private PostgreSQL cluster (own port and data folder, loopback only);
# 3. pgbench -i, then `pgbench -N -c $CONNS -j $THREADS -T $DURATION` (the reference figure);
# 4. publishes the gateway in Release and starts it on a fresh database of that cluster, takes the demo API key;
# 5. warms up, then wrk POSTs /v1/payments (unique merchant_order_no each) for $DURATION s at $CONNS connections;
# 6. a serial run (1 connection) of create-payment and of the sandbox channel's /sandbox/api/pay on its own, to
#    split the gateway's overhead from the channel's own time;
# 7. prints pgbench TPS, create-payment RPS, their ratio and latency percentiles; stops everything it started.
#
# All traffic goes to 127.0.0.1. Settings (environment): CONNS (16), THREADS (2), DURATION (30), WARMUP (30; tiered JIT needs it on a busy machine),
# SERIAL (10, seconds of each 1-connection run; 0 skips them), PGPORT (55440), GW_PORT (5190),
# PG_DURABLE (1: fsync and synchronous_commit on, the defaults; 0: fsync=off, synchronous_commit=off like test.sh),
# PG_STATS (0; 1 loads pg_stat_statements and prints the top statements of the gateway's database),
# EXTRA_CS (appended to the gateway's Npgsql connection string, e.g. "Max Auto Prepare=20"),
# GW_ENV (space-separated NAME=VALUE settings for the gateway, e.g. "Logging__LogLevel__Default=Warning"; experiments only),
# PERF (0; 1 samples the gateway with linux-perf during the measured run: results/*/perf-*.txt),
# WORK (/tmp/sluice-bench: data, logs, published app), RESULTS (bench/create-payment/results/<timestamp>).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
CONNS="${CONNS:-16}"
THREADS="${THREADS:-2}"
DURATION="${DURATION:-30}"
WARMUP="${WARMUP:-30}"
SERIAL="${SERIAL:-10}"
PGPORT="${PGPORT:-55440}"
GW_PORT="${GW_PORT:-5190}"
PG_DURABLE="${PG_DURABLE:-1}"
PG_STATS="${PG_STATS:-0}"
WORK="${WORK:-/tmp/sluice-bench}"
PGDATA="$WORK/pg"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
RESULTS="${RESULTS:-$ROOT/bench/create-payment/results/$STAMP}"
mkdir -p "$WORK" "$RESULTS"
LOG="$RESULTS/summary.txt"
say() { echo "$*" | tee -a "$LOG"; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

missing=()
command -v wrk >/dev/null || missing+=(wrk)
[ "${PERF:-0}" = 1 ] && ! command -v perf >/dev/null && missing+=(linux-perf)
[ -n "$(pg_bin)" ] && [ -x "$(pg_bin)/pgbench" ] || missing+=(postgresql postgresql-contrib)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing from Debian's packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
PGBIN="$(pg_bin)"

run_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
psql_() { "$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -X -q -v ON_ERROR_STOP=1 "$@"; }

# CPU time (ms) used so far: by our PostgreSQL cluster (postmaster, its live backends, and its exited ones, which
# postmaster has waited for) and by the gateway. CPU per request is much steadier than throughput on a shared machine.
TCK=$(getconf CLK_TCK)
pg_cpu_ms() {
  local pm t=0 c
  pm=$(head -n1 "$PGDATA/postmaster.pid")
  t=$(awk '{ print $14 + $15 + $16 + $17 }' "/proc/$pm/stat")
  for c in $(pgrep -P "$pm"); do t=$((t + $(awk '{ print $14 + $15 }' "/proc/$c/stat" 2>/dev/null || echo 0))); done
  echo $((t * 1000 / TCK))
}
gw_cpu_ms() { awk -v tck="$TCK" '{ print int(($14 + $15) * 1000 / tck) }' "/proc/$GW_PID/stat"; }
# Runs a command, writes its output to $1 and its own CPU ms (user + sys) to $1.cpu.
timed() {
  local out=$1; shift
  local TIMEFORMAT='%U %S'
  { time "$@" >"$out" 2>&1; } 2>"$out.cpu.raw"
  awk '{ printf "%d", ($1 + $2) * 1000 }' "$out.cpu.raw" >"$out.cpu"; rm -f "$out.cpu.raw"
}

GW_PID=""
cleanup() {
  if [ -n "$GW_PID" ] && kill -0 "$GW_PID" 2>/dev/null; then
    kill "$GW_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$GW_PID" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$GW_PID" 2>/dev/null || true
  fi
  run_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

# --- PostgreSQL: a fresh private cluster each run --------------------------------------------------------------
rm -rf "$PGDATA"; mkdir -p "$PGDATA"
[ "$(id -u)" = 0 ] && chown postgres:postgres "$PGDATA"
run_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 >/dev/null
pg_opts="-p $PGPORT -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_buffers=256MB"
[ "$PG_DURABLE" = 1 ] || pg_opts="$pg_opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
[ "$PG_STATS" = 1 ] && pg_opts="$pg_opts -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all"
run_pg "$PGBIN/pg_ctl" -D "$PGDATA" -w -l "$PGDATA/server.log" -o "$pg_opts" start >/dev/null

say "# Sluice create-payment vs pgbench, $STAMP"
say "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/{print $2}') GiB RAM, load avg $(cut -d' ' -f1-3 /proc/loadavg)"
say "postgres: $("$PGBIN/postgres" --version), durable=$PG_DURABLE; wrk: $(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-2); dotnet $(dotnet --version)"
say "settings: CONNS=$CONNS THREADS=$THREADS DURATION=${DURATION}s WARMUP=${WARMUP}s SERIAL=${SERIAL}s EXTRA_CS=${EXTRA_CS:-} GW_ENV=${GW_ENV:-}"

# --- pgbench -N --------------------------------------------------------------------------------------------------
psql_ -c "CREATE DATABASE bench_pgbench" -c "CREATE DATABASE bench_sluice"
"$PGBIN/pgbench" -h 127.0.0.1 -p "$PGPORT" -U postgres -i -s 10 -q bench_pgbench >"$RESULTS/pgbench-init.txt" 2>&1
PGBENCH_CMD="pgbench -N -c $CONNS -j $THREADS -T $DURATION bench_pgbench"
# pgbench runs twice, before the gateway starts and after its measured run, and the mean is the reference, so that
# a burst of other work on this shared machine during one of them weighs less.
pgbench_run() {
  local pg0; pg0=$(pg_cpu_ms)
  timed "$RESULTS/$1" "$PGBIN/pgbench" -h 127.0.0.1 -p "$PGPORT" -U postgres -N -c "$CONNS" -j "$THREADS" -T "$DURATION" bench_pgbench
  local n; n=$(grep -m1 -oP 'actually processed: \K[0-9]+' "$RESULTS/$1")
  awk -v pg=$(( $(pg_cpu_ms) - pg0 )) -v cl="$(cat "$RESULTS/$1.cpu")" -v n="$n" \
    'BEGIN { printf "cpu per transaction: postgres %.3f ms + pgbench %.3f ms = %.3f ms\n", pg / n, cl / n, (pg + cl) / n }' >>"$RESULTS/$1"
  grep -m1 -oP 'tps = \K[0-9.]+(?= \(without initial connection time\))' "$RESULTS/$1"
}
say "running: $PGBENCH_CMD (load avg $(cut -d' ' -f1 /proc/loadavg))"
PG_TPS1=$(pgbench_run pgbench-1.txt)
say "pgbench -N before: tps=$PG_TPS1 (latency average $(grep -m1 -oP 'latency average = \K[0-9.]+' "$RESULTS/pgbench-1.txt") ms); $(grep -m1 'cpu per' "$RESULTS/pgbench-1.txt")"

# --- the gateway ---------------------------------------------------------------------------------------------------
APP="$WORK/app"
say "publishing the gateway (Release) to $APP"
dotnet publish src/Sluice.Server -c Release -o "$APP" -v q >"$RESULTS/publish.txt" 2>&1 || { cat "$RESULTS/publish.txt"; exit 1; }
rm -rf "$WORK/data"; mkdir -p "$WORK/data"
MASTER_KEY=$(head -c 32 /dev/urandom | base64 -w0)
BASE="http://127.0.0.1:$GW_PORT"
(
  cd "$APP"
  export ASPNETCORE_ENVIRONMENT=Production
  export Urls="$BASE" Sluice__PublicBaseUrl="$BASE" Sluice__DataFolder="$WORK/data" Sluice__MasterKey="$MASTER_KEY"
  export Sluice__Database__Provider=postgres ConnectionStrings__Sluice="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=bench_sluice;Maximum Pool Size=100${EXTRA_CS:+;$EXTRA_CS}"
  for kv in ${GW_ENV:-}; do export "$kv"; done
  [ "${PERF:-0}" = 1 ] && export DOTNET_PerfMapEnabled=1
  export Sluice__Admin__BootstrapToken="bench-$RANDOM$RANDOM"
  # The benchmark pays through the sandbox channel and its demo seed, which PostgreSQL nodes leave off unless asked.
  export Sluice__Demo__Enabled=true
  exec dotnet Sluice.Server.dll
) >"$RESULTS/gateway.log" 2>&1 &
GW_PID=$!
API_KEY=""
for _ in $(seq 1 120); do
  API_KEY=$(grep -m1 -oP 'API key:\s+\K\S+' "$RESULTS/gateway.log" || true)
  if [ -n "$API_KEY" ] && curl -fsS "$BASE/healthz" >/dev/null 2>&1; then break; fi
  kill -0 "$GW_PID" 2>/dev/null || { tail -n 40 "$RESULTS/gateway.log"; echo "gateway exited"; exit 1; }
  sleep 0.5
done
[ -n "$API_KEY" ] || { tail -n 40 "$RESULTS/gateway.log"; echo "no API key on the gateway's stdout"; exit 1; }
say "gateway up at $BASE (pid $GW_PID), demo key ${API_KEY:0:12}..."

LUA="$ROOT/bench/create-payment/create-payment.lua"
RUN_PREFIX="r$(date +%s)$RANDOM"
export SLUICE_API_KEY="$API_KEY"

# Warm-up: JIT, connection pools, PostgreSQL caches.
SLUICE_RUN_ID="${RUN_PREFIX}w" wrk -t "$THREADS" -c "$CONNS" -d "${WARMUP}s" -s "$LUA" "$BASE" >"$RESULTS/wrk-warmup.txt" 2>&1
say "warm-up: $(grep -m1 'Requests/sec' "$RESULTS/wrk-warmup.txt" | xargs), $(grep -m1 'status counts' "$RESULTS/wrk-warmup.txt")"

WRK_CMD="wrk -t $THREADS -c $CONNS -d ${DURATION}s --latency -s bench/create-payment/create-payment.lua $BASE"
say "running: $WRK_CMD (load avg $(cut -d' ' -f1 /proc/loadavg))"
PERF_PID=""
if [ "${PERF:-0}" = 1 ]; then
  # Samples the gateway's stacks for the middle of the measured run (needs linux-perf; JIT frames resolve through
  # the perf map the runtime writes because of DOTNET_PerfMapEnabled=1, which PERF=1 sets below).
  ( sleep $((DURATION / 4)); exec perf record -F 499 -g -p "$GW_PID" -o "$RESULTS/perf.data" -- sleep $((DURATION / 2)) ) >"$RESULTS/perf-record.txt" 2>&1 &
  PERF_PID=$!
fi
PG0=$(pg_cpu_ms); GW0=$(gw_cpu_ms)
SLUICE_RUN_ID="${RUN_PREFIX}m" timed "$RESULTS/wrk.txt" wrk -t "$THREADS" -c "$CONNS" -d "${DURATION}s" --latency -s "$LUA" "$BASE"
PG_CPU=$(( $(pg_cpu_ms) - PG0 )); GW_CPU=$(( $(gw_cpu_ms) - GW0 )); WRK_CPU=$(cat "$RESULTS/wrk.txt.cpu")
NREQ=$(grep -m1 -oP '^\s+\K[0-9]+(?= requests in)' "$RESULTS/wrk.txt")
if [ -n "$PERF_PID" ]; then
  wait "$PERF_PID" || true
  perf report -i "$RESULTS/perf.data" --no-children --sort sym --stdio -g none --percent-limit 0.7 2>/dev/null | grep -v '^$' | head -n 60 >"$RESULTS/perf-self.txt" || true
  perf report -i "$RESULTS/perf.data" --children --sort sym --stdio -g none --percent-limit 2 2>/dev/null | grep -v '^$' | head -n 90 >"$RESULTS/perf-children.txt" || true
fi
RPS=$(grep -m1 -oP 'Requests/sec:\s+\K[0-9.]+' "$RESULTS/wrk.txt")
NON2XX=$(grep -m1 -oP 'Non-2xx or 3xx responses:\s+\K[0-9]+' "$RESULTS/wrk.txt" || echo 0)
ERRS=$(grep -m1 'Socket errors' "$RESULTS/wrk.txt" || echo "Socket errors: none")
P50=$(grep -m1 -oP '^\s+50%\s+\K\S+' "$RESULTS/wrk.txt"); P90=$(grep -m1 -oP '^\s+90%\s+\K\S+' "$RESULTS/wrk.txt")
P99=$(grep -m1 -oP '^\s+99%\s+\K\S+' "$RESULTS/wrk.txt")
CREATED=$(psql_ -d bench_sluice -tAc "SELECT count(*) FROM payments WHERE merchant_order_no LIKE '${RUN_PREFIX}m-%'" 2>/dev/null || echo "?")
BY_STATUS=$(psql_ -d bench_sluice -tAc "SELECT string_agg(status || '=' || n, ' ') FROM (SELECT status, count(*) n FROM payments WHERE merchant_order_no LIKE '${RUN_PREFIX}m-%' GROUP BY status) s" 2>/dev/null || echo "?")
say "create-payment: rps=$RPS non-2xx=$NON2XX ($ERRS) $(grep -m1 'status counts' "$RESULTS/wrk.txt")"
say "create-payment latency (c=$CONNS): p50=$P50 p90=$P90 p99=$P99; orders in the database from this run: $CREATED ($BY_STATUS)"
say "running: $PGBENCH_CMD (load avg $(cut -d' ' -f1 /proc/loadavg))"
PG_TPS2=$(pgbench_run pgbench-2.txt)
say "pgbench -N after: tps=$PG_TPS2 (latency average $(grep -m1 -oP 'latency average = \K[0-9.]+' "$RESULTS/pgbench-2.txt") ms); $(grep -m1 'cpu per' "$RESULTS/pgbench-2.txt")"
PG_TPS=$(awk -v a="$PG_TPS1" -v b="$PG_TPS2" 'BEGIN { printf "%.1f", (a + b) / 2 }')
RATIO=$(awk -v a="$RPS" -v b="$PG_TPS" 'BEGIN { printf "%.3f", a / b }')
say "cpu per create-payment: gateway $(awk -v c="$GW_CPU" -v n="$NREQ" 'BEGIN { printf "%.3f", c / n }') ms + postgres $(awk -v c="$PG_CPU" -v n="$NREQ" 'BEGIN { printf "%.3f", c / n }') ms + wrk $(awk -v c="$WRK_CPU" -v n="$NREQ" 'BEGIN { printf "%.3f", c / n }') ms"
say "ratio create-payment rps / mean pgbench tps ($PG_TPS) = $RATIO (target >= 0.5: $(awk -v r="$RATIO" 'BEGIN { print (r >= 0.5 ? "reached" : "NOT reached") }'))"

# --- serial runs: gateway overhead apart from the channel's own time -----------------------------------------------
if [ "$SERIAL" -gt 0 ]; then
  SLUICE_RUN_ID="${RUN_PREFIX}s" wrk -t 1 -c 1 -d "${SERIAL}s" --latency -s "$LUA" "$BASE" >"$RESULTS/wrk-serial.txt" 2>&1
  C1=$(grep -m1 -oP 'latency_us p50=\K[0-9]+' "$RESULTS/wrk-serial.txt")
  say "create-payment serial (c=1): $(grep -m1 'Requests/sec' "$RESULTS/wrk-serial.txt" | xargs), $(grep -m1 latency_us "$RESULTS/wrk-serial.txt")"
  MERCHANT_NO=$(psql_ -d bench_sluice -tAc "SELECT merchant_no FROM sandbox_transactions LIMIT 1")
  if command -v python3 >/dev/null && [ -n "$MERCHANT_NO" ]; then
    export SANDBOX_REQUESTS="$WORK/sandbox-requests.tsv" WRK_THREADS=1
    python3 "$ROOT/bench/create-payment/sign-sandbox.py" "$MASTER_KEY" "$MERCHANT_NO" "$BASE" "${RUN_PREFIX}x" $((SERIAL * 6000)) >"$SANDBOX_REQUESTS"
    wrk -t 1 -c 1 -d "${SERIAL}s" --latency -s "$ROOT/bench/create-payment/sandbox-pay.lua" "$BASE" >"$RESULTS/wrk-sandbox-serial.txt" 2>&1
    S1=$(grep -m1 -oP 'latency_us p50=\K[0-9]+' "$RESULTS/wrk-sandbox-serial.txt")
    say "sandbox /sandbox/api/pay alone, serial (c=1): $(grep -m1 'Requests/sec' "$RESULTS/wrk-sandbox-serial.txt" | xargs), $(grep -m1 'status counts' "$RESULTS/wrk-sandbox-serial.txt"), $(grep -m1 latency_us "$RESULTS/wrk-sandbox-serial.txt")"
    say "gateway overhead at p50 (create p50 - sandbox pay p50, c=1): $(awk -v a="$C1" -v b="$S1" 'BEGIN { printf "%.2f ms", (a - b) / 1000 }') (SPEC: < 2 ms)"
    # The channel alone at the same concurrency: the ceiling for create-payment on this machine.
    export WRK_THREADS="$THREADS"
    python3 "$ROOT/bench/create-payment/sign-sandbox.py" "$MASTER_KEY" "$MERCHANT_NO" "$BASE" "${RUN_PREFIX}y" $((SERIAL * 8000)) >"$SANDBOX_REQUESTS"
    PG0=$(pg_cpu_ms); GW0=$(gw_cpu_ms)
    wrk -t "$THREADS" -c "$CONNS" -d "${SERIAL}s" --latency -s "$ROOT/bench/create-payment/sandbox-pay.lua" "$BASE" >"$RESULTS/wrk-sandbox.txt" 2>&1
    SN=$(grep -m1 -oP '^\s+\K[0-9]+(?= requests in)' "$RESULTS/wrk-sandbox.txt")
    say "sandbox /sandbox/api/pay alone, c=$CONNS: $(grep -m1 'Requests/sec' "$RESULTS/wrk-sandbox.txt" | xargs), $(grep -m1 'status counts' "$RESULTS/wrk-sandbox.txt"), $(grep -m1 latency_us "$RESULTS/wrk-sandbox.txt")"
    say "cpu per sandbox pay: gateway process $(awk -v c=$(( $(gw_cpu_ms) - GW0 )) -v n="$SN" 'BEGIN { printf "%.3f", c / n }') ms + postgres $(awk -v c=$(( $(pg_cpu_ms) - PG0 )) -v n="$SN" 'BEGIN { printf "%.3f", c / n }') ms"
    rm -f "$SANDBOX_REQUESTS"
  fi
fi

if [ "$PG_STATS" = 1 ]; then
  psql_ -d bench_sluice -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
  psql_ -d bench_sluice -P pager=off -c "SELECT calls, round(mean_exec_time::numeric, 3) AS mean_ms, round(total_exec_time::numeric) AS total_ms, left(regexp_replace(query, '\s+', ' ', 'g'), 150) AS query FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'bench_sluice') ORDER BY calls DESC LIMIT 25" | tee "$RESULTS/pg_stat_statements.txt"
fi

say "load avg after: $(cut -d' ' -f1-3 /proc/loadavg)"
say "results in $RESULTS"
echo
echo "pgbench_tps=$PG_TPS create_payment_rps=$RPS ratio=$RATIO p50=$P50 p99=$P99 non2xx=$NON2XX"
