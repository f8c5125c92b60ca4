#!/usr/bin/env bash
# Appointments rush benchmark, end to end through the gateway:
#   1. earliest-free search for one service across 30 offices over 60 days,
#   2. hold + confirm (each connection books as eight citizens in turn).
# Starts its own Redis, appointments service and gateway on free ports from a
# Release build in build/bench, prints wrk's figures and, for the search, the
# CPU microseconds per request of each process (utime + stime from
# /proc/<pid>/stat before and after wrk; Redis: all its servers), for the
# bookings the CPU microseconds per booking of each process and the Redis
# commands per booking (INFO commandstats of every server), and stops everything.
# Usage: bench/appointments/run.sh [DURATION_SECONDS=20] [CONNECTIONS=64]
# Set STADT_BENCH_BUILD to run an existing build (-DSTADT_BUILD_BENCH=ON) instead
# of building into build/bench: another checkout's, to compare two versions
# back to back with the same script.
# STADT_REDIS_MODE=cluster runs the service on a three-primary Redis Cluster
# (deploy/local/redis_cluster.sh, REDIS_MODE=cluster) instead of one redis-server,
# both with AOF and appendfsync always; bench/redis/appointments_cluster_vs_single.sh
# runs both back to back.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DURATION="${1:-20}"
CONNECTIONS="${2:-64}"
MODE="${STADT_REDIS_MODE:-single}"
BUILD="${STADT_BENCH_BUILD:-$ROOT/build/bench}"
WORK="$(mktemp -d)"
REDIS_PORTS=()
cleanup() {
  jobs -p | xargs -r kill 2>/dev/null || true
  for port in "${REDIS_PORTS[@]}"; do redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ -z "${STADT_BENCH_BUILD:-}" ]; then
  "$ROOT/deploy/setup.sh"
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSTADT_BUILD_TESTS=OFF \
    -DSTADT_BUILD_BENCH=ON > /dev/null
  cmake --build "$BUILD" -j 2 --target stadt-gateway stadt-appointments stadt-mint-token \
    stadt-booking-bench > /dev/null
fi

. "$ROOT/bench/lib.sh"
SERVICE_PORT=$(free_port); HTTP_PORT=$(free_port)

write_office_catalog "$WORK/catalog.json"

if [ "$MODE" = cluster ]; then
  . "$ROOT/deploy/local/redis_cluster.sh"
  for _ in 1 2 3; do REDIS_PORTS+=("$(redis_cluster_port)"); done
  start_redis_cluster "$WORK/cluster" "${REDIS_PORTS[@]}" -- --appendonly yes --appendfsync always --save ""
  REDIS_ENV=(REDIS_MODE=cluster "REDIS_ADDRESS=127.0.0.1:${REDIS_PORTS[0]}"
             "REDIS_SEEDS=$(redis_cluster_seeds "${REDIS_PORTS[@]}")")
else
  REDIS_PORTS=("$(free_port)")
  redis-server --port "${REDIS_PORTS[0]}" --bind 127.0.0.1 --dir "$WORK" --appendonly yes \
    --appendfsync always --save "" --daemonize yes --logfile "$WORK/redis.log"
  wait_for redis-cli -p "${REDIS_PORTS[0]}" ping
  REDIS_ENV=("REDIS_ADDRESS=127.0.0.1:${REDIS_PORTS[0]}")
fi
echo "== redis: $MODE (${REDIS_PORTS[*]})"
REDIS_PIDS=()
for port in "${REDIS_PORTS[@]}"; do
  REDIS_PIDS+=("$(redis-cli -p "$port" info server | awk -F: '/^process_id:/ { print $2 + 0 }')")
done

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$WORK/key.pem" 2> /dev/null
openssl pkey -in "$WORK/key.pem" -pubout -out "$WORK/pub.pem"
"$BUILD/gateway/tools/stadt-mint-token" --emit-keyfile "$WORK/pub.pem" --kid bench --alg ES256 > "$WORK/keys.json"

env "${REDIS_ENV[@]}" APPOINTMENTS_GRPC_ADDRESS="127.0.0.1:$SERVICE_PORT" \
APPOINTMENTS_SEED_FILE="$WORK/catalog.json" APPOINTMENTS_SECRET_KEY="$(openssl rand -base64 32)" \
APPOINTMENTS_MAX_ACTIVE_BOOKINGS=100 APPOINTMENTS_SERVICE_WINDOW_DAYS=0 REDIS_POOL_SIZE=16 \
  "$BUILD/services/appointments/stadt-appointments" 2> "$WORK/appointments.log" &
SERVICE_PID=$!
GATEWAY_PORT="$HTTP_PORT" GATEWAY_BACKEND_APPOINTMENTS="127.0.0.1:$SERVICE_PORT" GATEWAY_READINESS_BACKENDS=appointments \
GATEWAY_JWT_KEYS_FILE="$WORK/keys.json" GATEWAY_JWT_ISSUER=bench GATEWAY_JWT_AUDIENCE=bench \
LOG_LEVEL=warn "$BUILD/gateway/stadt-gateway" 2> "$WORK/gateway.log" &
GATEWAY_PID=$!
wait_for curl -fsS "http://127.0.0.1:$HTTP_PORT/readyz"

# Tokens of eight citizens per connection for the booking run, taken in turns: a
# citizen may hold 100 active bookings (APPOINTMENTS_MAX_ACTIVE_BOOKINGS' maximum), and
# one token per connection capped a run at 100 x CONNECTIONS bookings (6400 in 20 s
# on this machine, all later ones refused as limit_reached).
CITIZENS=$((CONNECTIONS * 8))
for i in $(seq 1 "$CITIZENS"); do
  "$BUILD/gateway/tools/stadt-mint-token" --key "$WORK/key.pem" --alg ES256 --kid bench \
    --sub "bench-$i" --roles citizen --iss bench --aud bench --ttl 3600
done > "$WORK/tokens.txt"

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
cpu_snapshot() {
  local redis=0 pid
  for pid in "${REDIS_PIDS[@]}"; do redis=$((redis + $(cpu_ticks "$pid"))); done
  echo "$(cpu_ticks "$GATEWAY_PID") $(cpu_ticks "$SERVICE_PID") $redis"
}

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

echo "== hold + confirm (${CONNECTIONS} in parallel, ${CITIZENS} citizens in turns, ${DURATION}s)"
for port in "${REDIS_PORTS[@]}"; do redis-cli -p "$port" config resetstat > /dev/null; done
CPU_BEFORE=$(cpu_snapshot)
"$BUILD/bench/appointments/stadt-booking-bench" "$HTTP_PORT" "$WORK/tokens.txt" "$DURATION" \
  "$CONNECTIONS" | tee "$WORK/booking.txt"
CPU_AFTER=$(cpu_snapshot)
# Per booking (refused attempts included in the cost): CPU of each process, and
# the Redis commands of all servers (a script counts once as EVALSHA; the
# commands it runs inside are counted besides, by their own names).
for port in "${REDIS_PORTS[@]}"; do redis-cli -p "$port" info commandstats; done |
  tr -d '\r' > "$WORK/commands.txt"
awk -v tick="$((1000000 / $(getconf CLK_TCK)))" -v before="$CPU_BEFORE" -v after="$CPU_AFTER" '
  FNR == 1 { file++ }
  file == 1 && /^bookings:/ { n = $2 }
  file == 2 && /^cmdstat_/ { split($0, a, /[:=,]/); name = substr(a[1], 9); calls[name] += a[3]
                             if (name == "evalsha") evals += a[3]; else if (name != "config" && name != "info") sent += a[3] }
  END { split(before, b, " "); split(after, c, " ")
        printf "  CPU us per booking: gateway %.1f, appointments %.1f, redis %.1f\n",
          (c[1] - b[1]) * tick / n, (c[2] - b[2]) * tick / n, (c[3] - b[3]) * tick / n
        printf "  Redis per booking: %.2f scripts (EVALSHA), %.2f commands in all (scripts inside included):", evals / n, sent / n
        for (name in calls) if (calls[name] >= n / 10 && name != "config" && name != "info") printf " %s %.1f", name, calls[name] / n
        printf "\n" }' "$WORK/booking.txt" "$WORK/commands.txt"
