#!/usr/bin/env bash
# One-off: renames the monitoring aggregates of the single-tag layout ({mon}) to
# the per-KPI tags (docs/redis-cluster.md, "Existing data"). Run against the one
# Redis that holds them, with the monitoring service stopped, before the new
# version starts:
#
#   deploy/migrate/monitoring_keys_by_kpi.sh HOST:PORT [redis-cli options, e.g. --user u --pass p]
#
#   mon:{mon}:p:<kpi>:<grain>:<start>  ->  mon:{kpi:<kpi>}:p:<grain>:<start>
#   mon:{mon}:dv:<kpi>:<key>           ->  mon:{kpi:<kpi>}:dv:<key>
#
# RENAMENX keeps the value and its expiry. A new name that exists already (the new
# version ran before) is merged: period hashes field by field (HINCRBY / HINCRBYFLOAT
# for the sums), value sets by SUNIONSTORE; then the old key is deleted. Safe to run
# again: a second run finds no old keys. The hourly dedup hashes (mon:{mon}:ev:*)
# are left to expire. Single-node Redis only (RENAME across slots is refused on a
# cluster; move to a cluster afterwards with redis-cli --cluster import).
set -euo pipefail
if [ $# -lt 1 ]; then
  echo "usage: $0 HOST:PORT [redis-cli options]" >&2
  exit 2
fi
HOST=${1%:*}
PORT=${1##*:}
shift
cli() { redis-cli -h "$HOST" -p "$PORT" "$@"; }
# Keys and values may hold any byte but a newline (KPI ids and dimension values
# are validated names).
renamed=0
merged=0
while IFS= read -r key; do
  [ -n "$key" ] || continue
  rest=${key#'mon:{mon}:'}
  kind=${rest%%:*}          # p or dv
  rest=${rest#*:}
  kpi=${rest%%:*}
  tail=${rest#*:}
  new="mon:{kpi:$kpi}:$kind:$tail"
  if [ "$(cli "${@}" RENAMENX "$key" "$new")" = "1" ]; then
    renamed=$((renamed + 1))
    continue
  fi
  if [ "$kind" = "dv" ]; then
    cli "${@}" SUNIONSTORE "$new" "$new" "$key" > /dev/null
  else
    cli "${@}" HGETALL "$key" | while IFS= read -r field && IFS= read -r value; do
      if [ "${field:0:1}" = "s" ]; then
        cli "${@}" HINCRBYFLOAT "$new" "$field" "$value" > /dev/null
      else
        cli "${@}" HINCRBY "$new" "$field" "$value" > /dev/null
      fi
    done
  fi
  cli "${@}" DEL "$key" > /dev/null
  merged=$((merged + 1))
  echo "merged into an existing key: $new" >&2
done < <(cli "${@}" --scan --pattern 'mon:{mon}:p:*'; cli "${@}" --scan --pattern 'mon:{mon}:dv:*')
echo "renamed $renamed keys, merged $merged"
