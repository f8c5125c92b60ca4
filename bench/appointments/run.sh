#!/usr/bin/env bash
# Appointments rush benchmark, end to end through the gateway:
#   1. earliest-free search for one service across 30 offices over 60 days,
#   2. hold + confirm (each wrk connection is its own citizen).
# Starts its own Redis, appointments service and gateway on free ports from a
# Release build in build/bench, prints wrk's figures and, for the search, the
# CPU microseconds per request of each process (utime + stime from
# /proc/<pid>/stat before and after wrk), and stops everything.
# Usage: bench/appointments/run.sh [DURATION_SECONDS=20] [CONNECTIONS=64]
# Set STADT_BENCH_BUILD to run an existing build (-DSTADT_BUILD_BENCH=ON) instead
# of building into build/bench: another checkout's, to compare two versions
# back to back with the same script.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DURATION="${1:-20}"
CONNECTIONS="${2:-64}"
BUILD="${STADT_BENCH_BUILD:-$ROOT/build/bench}"
WORK="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null; redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1; rm -rf "$WORK"' EXIT

if [ -z "${STADT_BENCH_BUILD:-}" ]; then
  "$ROOT/deploy/setup.sh"
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSTADT_BUILD_TESTS=OFF \
    -DSTADT_BUILD_BENCH=ON > /dev/null
  cmake --build "$BUILD" -j 2 --target stadt-gateway stadt-appointments stadt-mint-token \
    stadt-booking-bench > /dev/null
fi

. "$ROOT/bench/lib.sh"
REDIS_PORT=$(free_port); SERVICE_PORT=$(free_port); HTTP_PORT=$(free_port)

write_office_catalog "$WORK/catalog.json"

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$WORK" --appendonly yes \
  --appendfsync always --save "" --daemonize yes --logfile "$WORK/redis.log"
wait_for redis-cli -p "$REDIS_PORT" ping
REDIS_PID=$(redis-cli -p "$REDIS_PORT" info server | awk -F: '/^process_id:/ { print $2 + 0 }')

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$WORK/key.pem" 2> /dev/null
openssl pkey -in "$WORK/key.pem" -pubout -out "$WORK/pub.pem"
"$BUILD/gateway/tools/stadt-mint-token" --emit-keyfile "$WORK/pub.pem" --kid bench --alg ES256 > "$WORK/keys.json"

APPOINTMENTS_GRPC_ADDRESS="127.0.0.1:$SERVICE_PORT" REDIS_ADDRESS="127.0.0.1:$REDIS_PORT" \
APPOINTMENTS_SEED_FILE="$WORK/catalog.json" APPOINTMENTS_SECRET_KEY="$(openssl rand -base64 32)" \
APPOINTMENTS_MAX_ACTIVE_BOOKINGS=100 APPOINTMENTS_SERVICE_WINDOW_DAYS=0 REDIS_POOL_SIZE=16 \
  "$BUILD/services/appointments/stadt-appointments" 2> "$WORK/appointments.log" &
SERVICE_PID=$!
GATEWAY_PORT="$HTTP_PORT" GATEWAY_BACKEND_APPOINTMENTS="127.0.0.1:$SERVICE_PORT" GATEWAY_READINESS_BACKENDS=appointments \
GATEWAY_JWT_KEYS_FILE="$WORK/keys.json" GATEWAY_JWT_ISSUER=bench GATEWAY_JWT_AUDIENCE=bench \
LOG_LEVEL=warn "$BUILD/gateway/stadt-gateway" 2> "$WORK/gateway.log" &
GATEWAY_PID=$!
wait_for curl -fsS "http://127.0.0.1:$HTTP_PORT/readyz"

# One token per simulated citizen for the booking run.
for i in $(seq 1 "$CONNECTIONS"); do
  "$BUILD/gateway/tools/stadt-mint-token" --key "$WORK/key.pem" --alg ES256 --kid bench \
    --sub "bench-$i" --roles citizen --iss bench --aud bench --ttl 3600
done > "$WORK/tokens.txt"

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
cpu_snapshot() { echo "$(cpu_ticks "$GATEWAY_PID") $(cpu_ticks "$SERVICE_PID") $(cpu_ticks "$REDIS_PID")"; }

echo "== machine: $(nproc) cores, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== search: earliest id-card slots across 30 offices (${CONNECTIONS} connections, ${DURATION}s)"
CPU_BEFORE=$(cpu_snapshot)
wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency \
  "http://127.0.0.1:$HTTP_PORT/v1/slots?service_ids=id-card&limit=10" > "$WORK/search.txt"
CPU_AFTER=$(cpu_snapshot)
grep -E "Requests/sec|50%|99%|Non-2xx|Socket" "$WORK/search.txt"
awk -v tick="$((1000000 / $(getconf CLK_TCK)))" -v before="$CPU_BEFORE" -v after="$CPU_AFTER" '
  / requests in / { n = $1 }
  END { split(before, b, " "); split(after, a, " ")
        printf "  CPU us per search: gateway %.1f, appointments %.1f, redis %.1f\n",
          (a[1] - b[1]) * tick / n, (a[2] - b[2]) * tick / n, (a[3] - b[3]) * tick / n }' \
  "$WORK/search.txt"

echo "== hold + confirm (${CONNECTIONS} citizens in parallel, ${DURATION}s)"
"$BUILD/bench/appointments/stadt-booking-bench" "$HTTP_PORT" "$WORK/tokens.txt" "$DURATION"
