#!/usr/bin/env bash
# Stops what deploy/local/up.sh started: gateway first, then the services, then
# Redis (which flushes its AOF): the single redis-server, or with
# STADT_REDIS_MODE=cluster the cluster's nodes and the gateway's edge Redis. Data
# stays in .local/redis (.local/redis-cluster) for the next start.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
RUN="$ROOT/.local/run"

stop() {  # stop NAME
  local pidfile="$RUN/$1.pid"
  [ -f "$pidfile" ] || return 0
  local pid
  pid="$(cat "$pidfile")"
  if kill -TERM "$pid" 2>/dev/null; then
    for _ in $(seq 1 150); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null && echo "$1 did not stop in time; killed"
  fi
  rm -f "$pidfile"
  echo "stopped $1"
}

stop gateway
stop privacy
stop oidc
stop appointments
stop daycare
stop parking
stop video
stop notifications
stop audit
stop smtp
stop monitoring
stop redis
for pidfile in "$RUN"/redis-*.pid; do
  if [ -e "$pidfile" ]; then stop "$(basename "$pidfile" .pid)"; fi
done
