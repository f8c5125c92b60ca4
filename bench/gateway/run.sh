#!/usr/bin/env bash
# The gateway against the ceiling of this machine (issue "Gateway at the edge"):
#   bare   stadt-bare-beast: Beast returning a fixed response, nothing else
#   plain  the gateway, TLS off, auth on (a verified ES256 citizen token on every
#          request), GET /v1/offices/mitte: a trivial call to the appointments service
#   tls    the same through a second gateway with TLS on (keep-alive connections)
# Same wrk settings for all three, one after the other in one run. Prints a table
# with requests/s, p50, p99 and the ratio to the bare server.
# Usage: bench/gateway/run.sh [DURATION_SECONDS=10] [CONNECTIONS=64]
# Builds Release binaries in build/bench (set STADT_BENCH_BUILD to reuse another).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DURATION="${1:-10}"
CONNECTIONS="${2:-64}"
BUILD="${STADT_BENCH_BUILD:-$ROOT/build/bench}"
ISSUER=https://id.stadt.bench
AUDIENCE=stadtportal
WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ -z "${STADT_BENCH_BUILD:-}" ]; then
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSTADT_BUILD_TESTS=OFF \
    -DSTADT_BUILD_BENCH=ON > /dev/null
  cmake --build "$BUILD" -j 2 --target stadt-gateway stadt-appointments stadt-mint-token \
    stadt-bare-beast > /dev/null
fi

. "$ROOT/bench/lib.sh"
REDIS_PORT=$(free_port); SERVICE_PORT=$(free_port); BARE_PORT=$(free_port)
PLAIN_PORT=$(free_port); TLS_PORT=$(free_port)

redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$WORK" --save '' \
  > "$WORK/redis.log" 2>&1 &
PIDS+=($!)
wait_for redis-cli -p "$REDIS_PORT" ping

APPOINTMENTS_GRPC_ADDRESS="127.0.0.1:$SERVICE_PORT" REDIS_ADDRESS="127.0.0.1:$REDIS_PORT" \
APPOINTMENTS_SEED_FILE="$ROOT/services/appointments/seed/catalog.json" \
APPOINTMENTS_SECRET_KEY="$(openssl rand -base64 32)" LOG_LEVEL=warn \
  "$BUILD/services/appointments/stadt-appointments" > "$WORK/appointments.log" 2>&1 &
PIDS+=($!)

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$WORK/private.pem" 2> /dev/null
openssl pkey -in "$WORK/private.pem" -pubout -out "$WORK/public.pem"
"$BUILD/gateway/tools/stadt-mint-token" --emit-keyfile "$WORK/public.pem" --kid bench \
  --alg ES256 > "$WORK/keys.json"
TOKEN=$("$BUILD/gateway/tools/stadt-mint-token" --key "$WORK/private.pem" --alg ES256 \
  --kid bench --sub citizen-bench --roles citizen --iss "$ISSUER" --aud "$AUDIENCE" --ttl 3600)
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
  -subj /CN=localhost -keyout "$WORK/tls.key" -out "$WORK/tls.crt" 2> /dev/null

start_gateway() {  # start_gateway PORT [extra VAR=value ...]
  local port="$1"; shift
  env GATEWAY_PORT="$port" GATEWAY_BACKEND_APPOINTMENTS="127.0.0.1:$SERVICE_PORT" \
    GATEWAY_READINESS_BACKENDS=appointments GATEWAY_JWT_KEYS_FILE="$WORK/keys.json" \
    GATEWAY_JWT_ISSUER="$ISSUER" GATEWAY_JWT_AUDIENCE="$AUDIENCE" LOG_LEVEL=warn "$@" \
    "$BUILD/gateway/stadt-gateway" >> "$WORK/gateway.log" 2>&1 &
  PIDS+=($!)
}
start_gateway "$PLAIN_PORT"
start_gateway "$TLS_PORT" GATEWAY_TLS_CERT_FILE="$WORK/tls.crt" GATEWAY_TLS_KEY_FILE="$WORK/tls.key"
"$BUILD/bench/gateway/stadt-bare-beast" "$BARE_PORT" 2 > "$WORK/bare.log" 2>&1 &
PIDS+=($!)
ROUTE=/v1/offices/mitte
wait_for curl -fsS "http://127.0.0.1:$PLAIN_PORT$ROUTE"
wait_for curl -fsSk "https://127.0.0.1:$TLS_PORT$ROUTE"
wait_for curl -fsS "http://127.0.0.1:$BARE_PORT/"

# wrk's summary as "requests_per_s p50 p99 non_2xx" (latencies in ms).
measure() {  # measure URL [wrk args...]
  local url="$1"; shift
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@" "$url" > "$WORK/wrk.txt"
  awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0;
                     if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec/ { rps = $2 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    /Non-2xx/ { bad = $NF }
    END { printf "%.0f %.2f %.2f %d\n", rps, p50, p99, bad + 0 }' "$WORK/wrk.txt"
}

AUTH=(-H "Authorization: Bearer $TOKEN")
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
  "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== wrk -t2 -c$CONNECTIONS -d${DURATION}s, each target in turn"
read -r BARE_RPS BARE_P50 BARE_P99 BARE_BAD < <(measure "http://127.0.0.1:$BARE_PORT/")
read -r PLAIN_RPS PLAIN_P50 PLAIN_P99 PLAIN_BAD < <(measure "http://127.0.0.1:$PLAIN_PORT$ROUTE" "${AUTH[@]}")
read -r TLS_RPS TLS_P50 TLS_P99 TLS_BAD < <(measure "https://127.0.0.1:$TLS_PORT$ROUTE" "${AUTH[@]}")
# The same route without a token (it allows anonymous callers): what auth costs.
read -r ANON_RPS ANON_P50 ANON_P99 ANON_BAD < <(measure "http://127.0.0.1:$PLAIN_PORT$ROUTE")

printf '%-50s %10s %9s %9s %8s %9s\n' target "req/s" "p50 ms" "p99 ms" non-2xx "of bare"
row() {
  printf '%-50s %10s %9s %9s %8s %8.0f%%\n' "$1" "$2" "$3" "$4" "$5" "$(awk -v a="$2" -v b="$BARE_RPS" 'BEGIN { print (b > 0 ? 100 * a / b : 0) }')"
}
row "bare Beast, fixed response" "$BARE_RPS" "$BARE_P50" "$BARE_P99" "$BARE_BAD"
row "gateway, TLS off, auth on, GET $ROUTE" "$PLAIN_RPS" "$PLAIN_P50" "$PLAIN_P99" "$PLAIN_BAD"
row "gateway, TLS on, auth on, GET $ROUTE" "$TLS_RPS" "$TLS_P50" "$TLS_P99" "$TLS_BAD"
row "gateway, TLS off, no token, GET $ROUTE" "$ANON_RPS" "$ANON_P50" "$ANON_P99" "$ANON_BAD"
