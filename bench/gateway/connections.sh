#!/usr/bin/env bash
# Connections under pressure (issue "A routed request at half the CPU ..."):
# starts stadt-gateway alone on a free port (its own /healthz needs no
# backend) and runs bench/gateway/connections.py against it: 1,100 keep-alive
# connections from one address, 200 newcomers from other loopback addresses.
# Usage: bench/gateway/connections.sh [BUILD_DIR=build/release] [HOLDERS] [NEWCOMERS]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD="$(cd "${1:-$ROOT/build/release}" && pwd)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
ulimit -n 8192 2> /dev/null || true
LOG="$(mktemp)"
GATEWAY_PORT="$PORT" LOG_LEVEL=warn "$BUILD/gateway/stadt-gateway" > "$LOG" 2>&1 &
GATEWAY_PID=$!
trap 'kill "$GATEWAY_PID" 2> /dev/null || true; rm -f "$LOG"' EXIT
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$PORT/healthz" -o /dev/null && break
  sleep 0.1
done
echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== gateway: GATEWAY_MAX_CONNECTIONS=1024, GATEWAY_MAX_CONNECTIONS_PER_ADDRESS=256 (defaults)"
python3 "$ROOT/bench/gateway/connections.py" "$PORT" "${2:-1100}" "${3:-200}"
echo "== connections refused by the gateway: $(grep -c connection_limit "$LOG" || true)"
