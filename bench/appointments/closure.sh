#!/usr/bin/env bash
# Closure benchmark: an office-day with 300 bookings is closed with "move".
# Starts its own redis-server on a free port (appendfsync always, as shipped),
# builds and runs stadt-closure-bench from a Release build in build/bench,
# which prints the processing time and whether every check passed.
# Usage: bench/appointments/closure.sh [BOOKINGS=300]
#   (set STADT_BENCH_BUILD to a build configured with -DSTADT_BUILD_BENCH=ON to reuse it)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BOOKINGS="${1:-300}"
BUILD="${STADT_BENCH_BUILD:-$ROOT/build/bench}"
WORK="$(mktemp -d)"
REDIS_PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
trap 'redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1; rm -rf "$WORK"' EXIT

if [ -z "${STADT_BENCH_BUILD:-}" ]; then
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSTADT_BUILD_TESTS=OFF \
    -DSTADT_BUILD_BENCH=ON > /dev/null
fi
cmake --build "$BUILD" -j 2 --target stadt-closure-bench > /dev/null

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$WORK" --appendonly yes \
  --appendfsync always --save "" --daemonize yes --logfile "$WORK/redis.log"
for _ in $(seq 1 100); do
  if redis-cli -p "$REDIS_PORT" ping > /dev/null 2>&1; then break; fi
  sleep 0.05
done
"$BUILD/bench/appointments/stadt-closure-bench" "$REDIS_PORT" "$BOOKINGS"
