#!/usr/bin/env bash
# The appointments rush benchmark (bench/appointments/run.sh: earliest-free search
# through the gateway with wrk, then hold + confirm) against one redis-server and
# against a three-primary Redis Cluster, back to back, and the cluster's figures
# as a share of the single node's (issue 20: within 20 %). All nodes share this
# machine's cores, so this shows the cost of routing, not a gain in capacity.
# Run it with nothing else building:
#   flock -o /tmp/stadt-build.lock bench/redis/appointments_cluster_vs_single.sh [DURATION=20] [CONNECTIONS=64]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DURATION="${1:-20}"
CONNECTIONS="${2:-64}"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

for mode in single cluster; do
  echo "#### REDIS_MODE=$mode"
  STADT_REDIS_MODE=$mode "$ROOT/bench/appointments/run.sh" "$DURATION" "$CONNECTIONS" | tee "$OUT/$mode.txt"
done

# search: wrk's Requests/sec; booking: stadt-booking-bench's bookings/s.
figure() {  # figure FILE search|booking
  if [ "$2" = search ]; then
    awk '/Requests\/sec/ {print $2; exit}' "$1"
  else
    sed -n 's/.*= \([0-9.]*\) bookings\/s.*/\1/p' "$1" | head -n 1
  fi
}
echo "#### cluster / single ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) after the runs)"
for what in search booking; do
  single=$(figure "$OUT/single.txt" "$what")
  cluster=$(figure "$OUT/cluster.txt" "$what")
  python3 -c "import sys; s, c = float(sys.argv[2]), float(sys.argv[3]); print('%-8s single %8.1f/s  cluster %8.1f/s  ratio %.2f%s' % (sys.argv[1], s, c, c / s, '' if c >= 0.8 * s else '  (more than 20 % below)'))" "$what" "$single" "$cluster"
done
