# shellcheck shell=bash
# A local Redis Cluster on this machine (sourced, not run), shared by
# deploy/local/up.sh (STADT_REDIS_MODE=cluster) and the benchmarks
# (bench/appointments/run.sh with STADT_REDIS_MODE=cluster):
#
#   redis_cluster_port                     a free port whose bus port (+10000) is free too
#   start_redis_cluster DIR PORT... [-- redis-server args...]
#       starts one primary per port (redis-server --cluster-enabled yes, data in
#       DIR/<port>, pid file in $REDIS_CLUSTER_RUN_DIR or DIR/<port>) and, when they
#       are new, joins them with redis-cli --cluster create (the 16384 slots split
#       evenly, no replicas). Nodes that were a cluster before (DIR/<port>/nodes.conf)
#       find each other again, data and all. Returns once every node says
#       cluster_state:ok; non-zero (with the log's tail) if one does not.
#   redis_cluster_seeds PORT...            "127.0.0.1:p1,127.0.0.1:p2,..." for REDIS_SEEDS

redis_cluster_port() {
  python3 -c '
import random, socket
while True:
    port = random.randint(20000, 50000)
    try:
        for p in (port, port + 10000):
            s = socket.socket(); s.bind(("127.0.0.1", p)); s.close()
        print(port); break
    except OSError:
        pass'
}

redis_cluster_seeds() {
  local IFS=,
  local seeds=("${@/#/127.0.0.1:}")
  echo "${seeds[*]}"
}

# Polls a command for up to 30 s (a node replaying a large AOF takes a while).
_redis_cluster_wait() {
  for _ in $(seq 1 300); do
    if "$@" > /dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  return 1
}

start_redis_cluster() {
  local dir="$1"
  shift
  local ports=() extra=() fresh=0 port
  while [ $# -gt 0 ] && [ "$1" != -- ]; do
    ports+=("$1")
    shift
  done
  if [ "${1:-}" = -- ]; then
    shift
    extra=("$@")
  fi
  for port in "${ports[@]}"; do
    mkdir -p "$dir/$port"
    [ -s "$dir/$port/nodes.conf" ] || fresh=1
    redis-server --port "$port" --bind 127.0.0.1 --dir "$dir/$port" \
      --cluster-enabled yes --cluster-config-file nodes.conf \
      --daemonize yes --logfile "$dir/$port/redis.log" \
      --pidfile "${REDIS_CLUSTER_RUN_DIR:-$dir/$port}/redis-$port.pid" "${extra[@]}"
  done
  for port in "${ports[@]}"; do
    if ! _redis_cluster_wait redis-cli -p "$port" ping; then
      echo "redis cluster node $port did not start:" >&2
      tail -n 5 "$dir/$port/redis.log" >&2
      return 1
    fi
  done
  if [ "$fresh" = 1 ] &&
    ! redis-cli --cluster create "${ports[@]/#/127.0.0.1:}" --cluster-yes > "$dir/create.log" 2>&1; then
    echo "redis-cli --cluster create failed (a node of an earlier cluster? remove $dir):" >&2
    tail -n 5 "$dir/create.log" >&2
    return 1
  fi
  for port in "${ports[@]}"; do
    if ! _redis_cluster_wait sh -c "redis-cli -p $port cluster info | grep -q cluster_state:ok"; then
      echo "redis cluster node $port does not say cluster_state:ok" >&2
      return 1
    fi
  done
}
