#!/usr/bin/env bash
# Rewrites docs/openapi.json from the document the gateway serves (the test
# OpenApiValidationTest.CommittedDocumentIsTheServedOne compares the two).
# Usage: deploy/regen_openapi.sh [BUILD_DIR]   (default build/release)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${1:-$ROOT/build/release}"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
GATEWAY_PORT="$PORT" "$BUILD/gateway/stadt-gateway" > /dev/null 2>&1 &
GATEWAY_PID=$!
trap 'kill "$GATEWAY_PID" 2> /dev/null || true' EXIT
for _ in $(seq 1 100); do
  if curl -sf "http://127.0.0.1:$PORT/openapi.json" -o /dev/null; then break; fi
  sleep 0.1
done
curl -sf "http://127.0.0.1:$PORT/openapi.json" | python3 -m json.tool > "$ROOT/docs/openapi.json"
echo "docs/openapi.json rewritten"
