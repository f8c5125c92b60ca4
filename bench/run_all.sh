#!/usr/bin/env bash
# Every service's load benchmark in one run, against the ceiling of this machine.
# Starts the whole stack from a Release build (Redis with AOF and appendfsync always,
# as shipped; the five services; the gateway with TLS off and token auth on) and a bare
# Beast server that returns a fixed response, then runs wrk against each scenario in
# turn with the same settings and prints one table: requests/s, p50, p99, non-2xx and
# the ratio to the bare server. Then the two benchmarks that are not HTTP: the daycare
# allocation and the KPI ingest.
#
#   bench/run_all.sh [DURATION_SECONDS=10] [CONNECTIONS=32]
#
# The per-service scripts (bench/<service>/run.sh) go deeper: more data, more
# scenarios. Builds into build/bench (set STADT_BENCH_BUILD to reuse a build).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DURATION="${1:-10}"
CONNECTIONS="${2:-32}"
BUILD="${STADT_BENCH_BUILD:-$ROOT/build/bench}"
ISSUER=https://id.stadt.bench
AUDIENCE=stadtportal
WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2> /dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2> /dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ -z "${STADT_BENCH_BUILD:-}" ]; then
  "$ROOT/deploy/setup.sh"
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSTADT_BUILD_TESTS=OFF \
    -DSTADT_BUILD_BENCH=ON > /dev/null
  cmake --build "$BUILD" -j 2 --target stadt-gateway stadt-appointments stadt-video \
    stadt-daycare stadt-parking stadt-monitoring stadt-audit stadt-mint-token stadt-bare-beast \
    daycare_bench stadt-monitoring-bench > /dev/null
fi

. "$ROOT/bench/lib.sh"
start() {  # start NAME BINARY (environment from the caller)
  "$2" > "$WORK/$1.log" 2>&1 &
  PIDS+=($!)
}

REDIS_PORT=$(free_port); HTTP_PORT=$(free_port); BARE_PORT=$(free_port)
APPOINTMENTS_PORT=$(free_port); VIDEO_PORT=$(free_port); DAYCARE_PORT=$(free_port)
PARKING_PORT=$(free_port); MONITORING_PORT=$(free_port); AUDIT_PORT=$(free_port)

redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$WORK" --appendonly yes \
  --appendfsync always --save '' > "$WORK/redis.log" 2>&1 &
PIDS+=($!)
wait_for redis-cli -p "$REDIS_PORT" ping

export REDIS_ADDRESS="127.0.0.1:$REDIS_PORT" REDIS_POOL_SIZE=16 LOG_LEVEL=warn
export MONITORING_ADDRESS="127.0.0.1:$MONITORING_PORT"
MONITORING_GRPC_ADDRESS="127.0.0.1:$MONITORING_PORT" \
MONITORING_CATALOG_FILE="$ROOT/services/monitoring/seed/catalog.json" \
  start monitoring "$BUILD/services/monitoring/stadt-monitoring"
APPOINTMENTS_GRPC_ADDRESS="127.0.0.1:$APPOINTMENTS_PORT" \
APPOINTMENTS_SEED_FILE="$ROOT/services/appointments/seed/catalog.json" \
APPOINTMENTS_SECRET_KEY="$(openssl rand -base64 32)" \
  start appointments "$BUILD/services/appointments/stadt-appointments"
VIDEO_GRPC_ADDRESS="127.0.0.1:$VIDEO_PORT" VIDEO_SEED_FILE="$ROOT/services/video/seed/catalog.json" \
VIDEO_CONSENT_TEXTS_FILE="$ROOT/services/video/seed/consent_texts.json" \
VIDEO_SECRET_KEY="$(openssl rand -base64 32)" VIDEO_JITSI_APP_ID=bench \
VIDEO_JITSI_APP_SECRET="$(openssl rand -hex 32)" VIDEO_BASE_URL=https://meet.bench \
  start video "$BUILD/services/video/stadt-video"
DAYCARE_GRPC_ADDRESS="127.0.0.1:$DAYCARE_PORT" \
DAYCARE_POLICY_FILE="$ROOT/services/daycare/seed/policy.json" \
DAYCARE_SECRET_KEY="$(openssl rand -base64 32)" \
  start daycare "$BUILD/services/daycare/stadt-daycare"
PARKING_GRPC_ADDRESS="127.0.0.1:$PARKING_PORT" \
PARKING_TARIFFS_FILE="$ROOT/services/parking/seed/tariffs.json" \
PARKING_ZONES_FILE="$ROOT/services/parking/seed/zones.geojson" \
PARKING_PERMIT_AREAS_FILE="$ROOT/services/parking/seed/permit_areas.json" \
  start parking "$BUILD/services/parking/stadt-parking"
# Staff writes (the officer's plate check) append an audit record each.
AUDIT_GRPC_ADDRESS="127.0.0.1:$AUDIT_PORT" start audit "$BUILD/services/audit/stadt-audit"

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$WORK/private.pem" 2> /dev/null
openssl pkey -in "$WORK/private.pem" -pubout -out "$WORK/public.pem"
"$BUILD/gateway/tools/stadt-mint-token" --emit-keyfile "$WORK/public.pem" --kid bench \
  --alg ES256 > "$WORK/keys.json"
mint() {  # mint SUBJECT ROLES [SCOPE]
  "$BUILD/gateway/tools/stadt-mint-token" --key "$WORK/private.pem" --alg ES256 --kid bench \
    --sub "$1" --roles "$2" ${3:+--scope "$3"} --iss "$ISSUER" --aud "$AUDIENCE" --ttl 3600
}
CITIZEN_TOKEN=$(mint citizen-bench citizen)
OFFICER_TOKEN=$(mint officer-bench parking_officer)
# Office staff of one office: the route's role and the office scope are checked
# in the gateway and again in the service (docs/roles.md).
STAFF_TOKEN=$(mint staff-bench "${STADT_BENCH_STAFF_ROLES:-office_staff}" office:mitte)
export CITIZEN_TOKEN OFFICER_TOKEN

GATEWAY_PORT="$HTTP_PORT" GATEWAY_JWT_KEYS_FILE="$WORK/keys.json" \
GATEWAY_JWT_ISSUER="$ISSUER" GATEWAY_JWT_AUDIENCE="$AUDIENCE" \
GATEWAY_BACKEND_APPOINTMENTS="127.0.0.1:$APPOINTMENTS_PORT" \
GATEWAY_BACKEND_VIDEO="127.0.0.1:$VIDEO_PORT" GATEWAY_BACKEND_DAYCARE="127.0.0.1:$DAYCARE_PORT" \
GATEWAY_BACKEND_PARKING="127.0.0.1:$PARKING_PORT" \
GATEWAY_BACKEND_MONITORING="127.0.0.1:$MONITORING_PORT" \
GATEWAY_READINESS_BACKENDS=appointments,audit,daycare,monitoring,parking,video \
GATEWAY_BACKEND_AUDIT="127.0.0.1:$AUDIT_PORT" \
  start gateway "$BUILD/gateway/stadt-gateway"
"$BUILD/bench/gateway/stadt-bare-beast" "$BARE_PORT" 2 > "$WORK/bare.log" 2>&1 &
PIDS+=($!)
BASE="http://127.0.0.1:$HTTP_PORT"
wait_for curl -fsS "$BASE/readyz"
wait_for curl -fsS "http://127.0.0.1:$BARE_PORT/"

# Half of the plates the officer checks have a running session.
for i in $(seq 1 100); do
  curl -fsS -o /dev/null -H "Authorization: Bearer $CITIZEN_TOKEN" \
    -H 'Content-Type: application/json' \
    -d "{\"zoneId\":\"4401\",\"plate\":\"S-BE $i\"}" "$BASE/v1/parking/sessions"
done

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

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
  "$(free -g | awk '/Mem:/ { print $2 }') GiB, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== wrk -t2 -c$CONNECTIONS -d${DURATION}s per scenario; everything on the same cores"
read -r BARE_RPS BARE_P50 BARE_P99 BARE_BAD < <(measure "http://127.0.0.1:$BARE_PORT/")
printf '%-58s %9s %8s %8s %8s %8s\n' scenario "req/s" "p50 ms" "p99 ms" non-2xx "of bare"
row() {  # row LABEL RPS P50 P99 BAD
  printf '%-58s %9s %8s %8s %8s %7.1f%%\n' "$1" "$2" "$3" "$4" "$5" \
    "$(awk -v a="$2" -v b="$BARE_RPS" 'BEGIN { print (b > 0 ? 100 * a / b : 0) }')"
}
scenario() {  # scenario LABEL URL [wrk args...]
  local label="$1"; shift
  local rps p50 p99 bad
  read -r rps p50 p99 bad < <(measure "$@")
  row "$label" "$rps" "$p50" "$p99" "$bad"
}
CITIZEN=(-H "Authorization: Bearer $CITIZEN_TOKEN")
row "bare Beast, fixed response (the ceiling)" "$BARE_RPS" "$BARE_P50" "$BARE_P99" "$BARE_BAD"
scenario "gateway GET /healthz (no backend)" "$BASE/healthz"
scenario "appointments GET /v1/offices/mitte, citizen token" "$BASE/v1/offices/mitte" "${CITIZEN[@]}"
scenario "appointments counter day list, office staff (role+scope)" \
  "$BASE/v1/offices/mitte/days/2030-01-07/appointments" -H "Authorization: Bearer $STAFF_TOKEN"
scenario "appointments earliest-free search, 1 service" "$BASE/v1/slots?service_ids=id-card&limit=3"
scenario "video free slots of a topic" "$BASE/v1/video/slots?topic_id=basic-income-advice&limit=3"
scenario "parking officer's plate check (POST)" "$BASE" -s "$ROOT/bench/parking/check.lua"
scenario "parking start + stop with idempotency keys (POST)" "$BASE" \
  -s "$ROOT/bench/parking/start_stop.lua"
scenario "monitoring KPI list with status" "$BASE/v1/monitoring/kpis"
scenario "monitoring Prometheus text" "$BASE/v1/monitoring/metrics"

echo
echo "== daycare allocation: 100,000 applications x 10 choices, 2,000 programs"
"$BUILD/bench/daycare/daycare_bench" 100000 2000 10
echo
echo "== KPI ingest: 200,000 events, batches of 500, 4 clients, appendfsync always"
"$BUILD/bench/monitoring/stadt-monitoring-bench" 200000 500 4 always
