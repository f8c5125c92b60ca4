#!/usr/bin/env bash
# Benchmarks the parking routes end to end through the gateway with wrk:
# redis-server (AOF, appendfsync always, as shipped), stadt-parking and
# stadt-gateway on free loopback ports, then
#   1. the officer's plate check (POST /v1/parking/checks),
#   2. citizens' starts and stops (POST /v1/parking/sessions, .../stop),
#   3. quotes of week-long stays (POST /v1/parking/quotes, anonymous).
#
# It prints the CPU seconds each server process used per step (from /proc/<pid>/stat),
# steadier than requests/s on a shared machine.
#
#   bench/parking/run.sh [BUILD_DIR]     (default: build)
#   env: DURATION (20s), THREADS (2), CHECK_CONNECTIONS (32), WRITE_CONNECTIONS (32),
#        REDIS_POOL_SIZE of the parking service (16)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
DURATION=${DURATION:-20s}
THREADS=${THREADS:-2}
CHECK_CONNECTIONS=${CHECK_CONNECTIONS:-32}
WRITE_CONNECTIONS=${WRITE_CONNECTIONS:-32}
ISSUER=https://id.stadt.bench
AUDIENCE=stadtportal
WORK=$(mktemp -d)
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

. "$ROOT/bench/lib.sh"
REDIS_PORT=$(free_port)
SERVICE_PORT=$(free_port)
HTTP_PORT=$(free_port)

redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$WORK" --appendonly yes \
  --appendfsync always --save '' >"$WORK/redis.log" 2>&1 &
PIDS+=($!)
wait_for redis-cli -p "$REDIS_PORT" ping

PARKING_GRPC_ADDRESS="127.0.0.1:$SERVICE_PORT" REDIS_ADDRESS="127.0.0.1:$REDIS_PORT" \
PARKING_TARIFFS_FILE="$ROOT/services/parking/seed/tariffs.json" \
PARKING_ZONES_FILE="$ROOT/services/parking/seed/zones.geojson" LOG_LEVEL=warn \
PARKING_PERMIT_AREAS_FILE="$ROOT/services/parking/seed/permit_areas.json" \
REDIS_POOL_SIZE="${REDIS_POOL_SIZE:-16}" \
  "$BUILD/services/parking/stadt-parking" >"$WORK/parking.log" 2>&1 &
PIDS+=($!)

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$WORK/private.pem" 2>/dev/null
openssl pkey -in "$WORK/private.pem" -pubout -out "$WORK/public.pem"
"$BUILD/gateway/tools/stadt-mint-token" --emit-keyfile "$WORK/public.pem" --kid bench \
  --alg ES256 >"$WORK/keys.json"
mint() {
  "$BUILD/gateway/tools/stadt-mint-token" --key "$WORK/private.pem" --alg ES256 --kid bench \
    --sub "$1" --roles "$2" --iss "$ISSUER" --aud "$AUDIENCE" --ttl 3600
}
OFFICER_TOKEN=$(mint officer-1 parking_officer)
CITIZEN_TOKEN=$(mint citizen-bench citizen)
export OFFICER_TOKEN CITIZEN_TOKEN

GATEWAY_PORT="$HTTP_PORT" GATEWAY_BACKEND_PARKING="127.0.0.1:$SERVICE_PORT" \
GATEWAY_JWT_KEYS_FILE="$WORK/keys.json" GATEWAY_JWT_ISSUER="$ISSUER" \
GATEWAY_JWT_AUDIENCE="$AUDIENCE" LOG_LEVEL=warn \
  "$BUILD/gateway/stadt-gateway" >"$WORK/gateway.log" 2>&1 &
PIDS+=($!)
BASE="http://127.0.0.1:$HTTP_PORT"
wait_for curl -fsS "$BASE/v1/parking/zones/4401"

# Half of the checked plates have a running session.
for i in $(seq 1 100); do
  curl -fsS -o /dev/null -H "Authorization: Bearer $CITIZEN_TOKEN" \
    -H 'Content-Type: application/json' \
    -d "{\"zoneId\":\"4401\",\"plate\":\"S-BE $i\"}" "$BASE/v1/parking/sessions"
done

# utime + stime of a process, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
TICKS=$(getconf CLK_TCK)
PARKING_PID=${PIDS[1]}
GATEWAY_PID=${PIDS[2]}
REDIS_PID=${PIDS[0]}
run_step() {  # name, connections, script
  local before_parking before_gateway before_redis
  before_parking=$(cpu_ticks "$PARKING_PID")
  before_gateway=$(cpu_ticks "$GATEWAY_PID")
  before_redis=$(cpu_ticks "$REDIS_PID")
  echo "== $1: wrk -t$THREADS -c$2 -d$DURATION --latency"
  wrk -t"$THREADS" -c"$2" -d"$DURATION" --latency -s "$3" "$BASE" | tee "$WORK/wrk.out"
  local requests
  requests=$(awk '/requests in/ {print $1}' "$WORK/wrk.out")
  awk -v p="$(($(cpu_ticks "$PARKING_PID") - before_parking))" \
    -v g="$(($(cpu_ticks "$GATEWAY_PID") - before_gateway))" \
    -v r="$(($(cpu_ticks "$REDIS_PID") - before_redis))" -v n="$requests" -v t="$TICKS" \
    'BEGIN { printf "== %s CPU per request: parking %.1f us, gateway %.1f us, redis %.1f us\n", \
             "'"$1"'", p / t / n * 1e6, g / t / n * 1e6, r / t / n * 1e6 }'
}

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "== load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
run_step "plate check" "$CHECK_CONNECTIONS" "$ROOT/bench/parking/check.lua"
run_step "start/stop" "$WRITE_CONNECTIONS" "$ROOT/bench/parking/start_stop.lua"
run_step "week-long quotes" "$CHECK_CONNECTIONS" "$ROOT/bench/parking/quote_week.lua"
echo "== sessions stored: $(redis-cli -p "$REDIS_PORT" --scan --pattern 'park:*:session:*' | wc -l)"
