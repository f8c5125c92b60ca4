#!/usr/bin/env bash
# CPU per request, per process (issue 16, "Half the CPU"): starts Redis, the
# appointments service and the gateway (TLS off, token auth on) from a Release
# build, runs each scenario in turn and reads every process's CPU time
# (utime + stime from /proc/<pid>/stat) before and after it. Prints requests/s,
# p50, p99 and the CPU microseconds per request of the gateway, of the
# appointments service and of Redis, each on its own:
#   anonymous catalog read     GET /v1/offices/office-1, no token (wrk)
#   authenticated read         the same with a verified ES256 citizen token (wrk)
#   hold + confirm             POST /v1/holds then POST /v1/holds/{id}/confirm,
#                              one citizen per connection (stadt-booking-bench);
#                              CPU per booking = per two requests
# Usage: bench/cpu/run.sh [DURATION_SECONDS=10] [CONNECTIONS=64]
# Builds into build/bench (set STADT_BENCH_BUILD to reuse a build with
# -DSTADT_BUILD_BENCH=ON). Everything shares the machine's cores with wrk, so run
# it on a quiet machine; the figures are per process, not per machine.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DURATION="${1:-10}"
CONNECTIONS="${2:-64}"
BUILD="${STADT_BENCH_BUILD:-$ROOT/build/bench}"
WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2> /dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2> /dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ -z "${STADT_BENCH_BUILD:-}" ]; then
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSTADT_BUILD_TESTS=OFF \
    -DSTADT_BUILD_BENCH=ON > /dev/null
  cmake --build "$BUILD" -j 2 --target stadt-gateway stadt-appointments stadt-mint-token \
    stadt-booking-bench > /dev/null
fi

. "$ROOT/bench/lib.sh"
REDIS_PORT=$(free_port); SERVICE_PORT=$(free_port); HTTP_PORT=$(free_port)

write_office_catalog "$WORK/catalog.json"

redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$WORK" --save '' \
  > "$WORK/redis.log" 2>&1 &
REDIS_PID=$!
PIDS+=("$REDIS_PID")
wait_for redis-cli -p "$REDIS_PORT" ping

APPOINTMENTS_GRPC_ADDRESS="127.0.0.1:$SERVICE_PORT" REDIS_ADDRESS="127.0.0.1:$REDIS_PORT" \
APPOINTMENTS_SEED_FILE="$WORK/catalog.json" APPOINTMENTS_SECRET_KEY="$(openssl rand -base64 32)" \
APPOINTMENTS_MAX_ACTIVE_BOOKINGS=100 APPOINTMENTS_SERVICE_WINDOW_DAYS=0 REDIS_POOL_SIZE=16 \
LOG_LEVEL=warn "$BUILD/services/appointments/stadt-appointments" > "$WORK/appointments.log" 2>&1 &
SERVICE_PID=$!
PIDS+=("$SERVICE_PID")

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$WORK/key.pem" 2> /dev/null
openssl pkey -in "$WORK/key.pem" -pubout -out "$WORK/pub.pem"
"$BUILD/gateway/tools/stadt-mint-token" --emit-keyfile "$WORK/pub.pem" --kid bench --alg ES256 \
  > "$WORK/keys.json"
mint() {  # mint SUBJECT
  "$BUILD/gateway/tools/stadt-mint-token" --key "$WORK/key.pem" --alg ES256 --kid bench \
    --sub "$1" --roles citizen --iss bench --aud bench --ttl 3600
}
GATEWAY_PORT="$HTTP_PORT" GATEWAY_BACKEND_APPOINTMENTS="127.0.0.1:$SERVICE_PORT" \
GATEWAY_READINESS_BACKENDS=appointments GATEWAY_JWT_KEYS_FILE="$WORK/keys.json" \
GATEWAY_JWT_ISSUER=bench GATEWAY_JWT_AUDIENCE=bench LOG_LEVEL=warn \
  "$BUILD/gateway/stadt-gateway" > "$WORK/gateway.log" 2>&1 &
GATEWAY_PID=$!
PIDS+=("$GATEWAY_PID")
BASE="http://127.0.0.1:$HTTP_PORT"
ROUTE=/v1/offices/office-1
wait_for curl -fsS "$BASE$ROUTE"
TOKEN=$(mint citizen-bench)
# Four citizens per connection, taking turns: below the limit of 100 active bookings each.
for i in $(seq 1 $((4 * CONNECTIONS))); do mint "bench-$i"; done > "$WORK/tokens.txt"

TICK_US=$((1000000 / $(getconf CLK_TCK)))
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
snapshot() { echo "$(cpu_ticks "$GATEWAY_PID") $(cpu_ticks "$SERVICE_PID") $(cpu_ticks "$REDIS_PID")"; }

# Prints one row: LABEL REQUESTS SECONDS P50 P99 BEFORE... AFTER...
row() {
  awk -v label="$1" -v n="$2" -v s="$3" -v p50="$4" -v p99="$5" -v tick="$TICK_US" \
    -v g0="$6" -v a0="$7" -v r0="$8" -v g1="$9" -v a1="${10}" -v r1="${11}" 'BEGIN {
      printf "%-44s %8.0f %7.2f %7.2f %9.1f %9.1f %7.1f\n", label, n / s, p50, p99,
        (g1 - g0) * tick / n, (a1 - a0) * tick / n, (r1 - r0) * tick / n }'
}

# wrk's "requests p50 p99 non_2xx" (latencies in ms).
wrk_run() {  # wrk_run URL [wrk args...]
  local url="$1"; shift
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@" "$url" > "$WORK/wrk.txt"
  awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0;
                     if (v ~ /s$/) return v * 1000; return v }
    / requests in / { n = $1 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    /Non-2xx/ { bad = $NF }
    END { printf "%d %.2f %.2f %d\n", n, p50, p99, bad + 0 }' "$WORK/wrk.txt"
}
scenario() {  # scenario LABEL URL [wrk args...]
  local label="$1"; shift
  local before after n p50 p99 bad
  before=$(snapshot)
  read -r n p50 p99 bad < <(wrk_run "$@")
  after=$(snapshot)
  if [ "$bad" -ne 0 ]; then echo "bench: $label: $bad non-2xx answers" >&2; fi
  # shellcheck disable=SC2086
  row "$label" "$n" "$DURATION" "$p50" "$p99" $before $after
}

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
  "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== wrk -t2 -c$CONNECTIONS -d${DURATION}s; CPU us per request from /proc/<pid>/stat"
printf '%-44s %8s %7s %7s %9s %9s %7s\n' scenario "req/s" "p50 ms" "p99 ms" "gateway" \
  "service" "redis"
# Warm-up: connections, caches and the token cache as in steady state.
wrk -t2 -c"$CONNECTIONS" -d2s "$BASE$ROUTE" > /dev/null
scenario "anonymous GET $ROUTE" "$BASE$ROUTE"
scenario "citizen token GET $ROUTE" "$BASE$ROUTE" -H "Authorization: Bearer $TOKEN"

before=$(snapshot)
"$BUILD/bench/appointments/stadt-booking-bench" "$HTTP_PORT" "$WORK/tokens.txt" "$DURATION" \
  "$CONNECTIONS" \
  > "$WORK/booking.txt"
after=$(snapshot)
read -r bookings p50 p99 < <(awk '
  /^bookings:/ { n = $2 }
  /latency/ { p50 = $4; p99 = $7 }
  END { print n, p50, p99 }' "$WORK/booking.txt")
# shellcheck disable=SC2086
row "hold + confirm (per booking, new connections)" "$bookings" "$DURATION" "$p50" "$p99" \
  $before $after
grep -o '([0-9]* refused[^)]*)' "$WORK/booking.txt" || true
