#!/usr/bin/env bash
# How the keys of 60 offices' booking days spread over a three-primary Redis
# Cluster, per key layout (issue 20, docs/redis-cluster.md). Starts the cluster
# itself (redis-server --cluster-enabled yes, redis-cli --cluster create), writes
# each layout's keys to the primary the server says serves them, and prints the
# keys per primary read back with DBSIZE, and the largest deviation from the mean.
#
#   bench/redis/key_spread.sh [offices=60] [days=5] [bookings per office and day=30]
#
# Then the real layout: stadt-booking-load (bench/redis/booking_load.cc, built
# in build/release or $STADT_BUILD_DIR) runs the appointments store's own writes
# (holds, confirms as reserve/take/commit, cancels, moves to the next office)
# against the cluster, and the keys and the commands each primary got are
# printed (INFO commandstats after CONFIG RESETSTAT).
#
# Synthetic layouts: the old appointments tag {appt} (one slot); one tag per office
# ({appt:o:<office>}, the unit of atomicity for a day's counters and holds) with
# the per-person limit keys under the person's tag ({appt:p:<person>}); and
# monitoring by KPI ({kpi:<kpi>}) for the KPIs of the seed catalog.
set -euo pipefail
OFFICES=${1:-60}
DAYS=${2:-5}
BOOKINGS=${3:-30}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d)
# shellcheck source=../lib.sh
source "$ROOT/bench/lib.sh"
PORTS=()
cleanup() {
  for port in "${PORTS[@]}"; do redis-cli -p "$port" shutdown nosave > /dev/null 2>&1 || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# shellcheck source=../../deploy/local/redis_cluster.sh
source "$ROOT/deploy/local/redis_cluster.sh"
for _ in 1 2 3; do PORTS+=("$(redis_cluster_port)"); done
start_redis_cluster "$WORK/cluster" "${PORTS[@]}" -- --save '' --appendonly no

# Prints the SET commands of one layout, one per line.
layout_keys() {
  python3 - "$1" "$OFFICES" "$DAYS" "$BOOKINGS" "$ROOT/services/monitoring/seed/catalog.json" <<'EOF'
import json, sys
layout, offices, days, bookings, catalog = sys.argv[1], *map(int, sys.argv[2:5]), sys.argv[5]
def office_prefix(office):
    return "appt:{appt}:" if layout == "today" else "appt:{appt:o:%s}:" % office
def person_prefix(person):
    return "appt:{appt}:" if layout == "today" else "appt:{appt:p:%s}:" % person
if layout == "kpi-today" or layout == "kpi":
    kpis = [k["id"] for k in json.load(open(catalog))["kpis"]]
    for kpi in kpis:
        prefix = "mon:{mon}:p:%s:" % kpi if layout == "kpi-today" else "mon:{kpi:%s}:p:" % kpi
        for grain in "hdma":
            for period in range(24 if grain == "h" else 5):
                print("SET %s%s:%d 1" % (prefix, grain, period))
    sys.exit()
person = 0
for o in range(1, offices + 1):
    office = "office-%d" % o
    p = office_prefix(office)
    for d in range(days):
        for kind in ("booked", "holds", "day", "present", "ticket-seq", "display"):
            print("SET %s%s:%s:2037-12-0%d 1" % (p, kind, office, d + 1))
        for b in range(bookings):
            code = "%s-%d-%d" % (office, d, b)
            print("SET %sbooking:%s 1" % (p, code))
            print("SET %shold:h-%s 1" % (p, code))
            person += 1
            q = person_prefix("person-%d" % person)
            print("SET %sperson:person-%d 1" % (q, person))
            print("SET %sperson-svc:person-%d:id-card 1" % (q, person))
    print("SET %soutbox 1" % p)
EOF
}

# Writes the layout's keys, each to the primary that serves its slot (a MOVED
# reply would be an error: the slot is asked of the server first).
write_layout() {
  for port in "${PORTS[@]}"; do redis-cli -p "$port" flushall > /dev/null; done
  layout_keys "$1" > "$WORK/keys.txt"
  python3 - "$WORK/keys.txt" "${PORTS[@]}" <<'EOF'
import subprocess, sys
keys_file, ports = sys.argv[1], sys.argv[2:]
lines = open(keys_file).read().split("\n")
lines = [l for l in lines if l]
# Ask one node for each key's slot (CLUSTER KEYSLOT), batched through redis-cli.
slots_in = "\n".join("CLUSTER KEYSLOT %s" % l.split(" ")[1] for l in lines) + "\n"
slots = subprocess.run(["redis-cli", "-p", ports[0]], input=slots_in, capture_output=True,
                       text=True, check=True).stdout.split()
ranges = []
for port in ports:
    nodes = subprocess.run(["redis-cli", "-p", port, "cluster", "nodes"], capture_output=True,
                           text=True, check=True).stdout
    for line in nodes.split("\n"):
        fields = line.split()
        if len(fields) > 8 and "myself" in fields[2]:
            for r in fields[8:]:
                lo, _, hi = r.partition("-")
                ranges.append((int(lo), int(hi or lo), port))
batches = {port: [] for port in ports}
for line, slot in zip(lines, map(int, slots)):
    port = next(p for lo, hi, p in ranges if lo <= slot <= hi)
    batches[port].append(line)
for port, batch in batches.items():
    out = subprocess.run(["redis-cli", "-p", port], input="\n".join(batch) + "\n",
                         capture_output=True, text=True, check=True).stdout
    if "MOVED" in out or "ERR" in out:
        sys.exit("a key went to a node that does not serve it")
EOF
}

print_spread() {
  local counts=() total=0
  for port in "${PORTS[@]}"; do
    counts+=("$(redis-cli -p "$port" dbsize)")
  done
  for c in "${counts[@]}"; do total=$((total + c)); done
  python3 - "$1" "$total" "${counts[@]}" <<'EOF'
import sys
name, total, counts = sys.argv[1], int(sys.argv[2]), list(map(int, sys.argv[3:]))
mean = total / len(counts)
worst = max(abs(c - mean) for c in counts) / mean * 100
print("%-44s %8d keys  per primary %-26s  max deviation from mean %5.1f %%"
      % (name, total, " / ".join(map(str, counts)), worst))
EOF
}

# The commands each primary processed since CONFIG RESETSTAT.
print_commands() {
  local counts=()
  for port in "${PORTS[@]}"; do
    counts+=("$(redis-cli -p "$port" info commandstats |
      awk -F'[=,:]' '/^cmdstat_/ && $1 !~ /cmdstat_(info|config|cluster|dbsize|ping|command)$/ {n += $3} END {print n + 0}')")
  done
  python3 - "$1" "${counts[@]}" <<'EOF'
import sys
name, counts = sys.argv[1], list(map(int, sys.argv[2:]))
mean = sum(counts) / len(counts)
worst = max(abs(c - mean) for c in counts) / mean * 100
print("%-44s %8d cmds  per primary %-26s  max deviation from mean %5.1f %%"
      % (name, sum(counts), " / ".join(map(str, counts)), worst))
EOF
}

echo "offices=$OFFICES days=$DAYS bookings/office/day=$BOOKINGS, 3 primaries (even slot ranges)"
LOAD="${STADT_BUILD_DIR:-$ROOT/build/release}/bench/redis/stadt-booking-load"
if [[ -x "$LOAD" ]]; then
  for port in "${PORTS[@]}"; do
    redis-cli -p "$port" flushall > /dev/null
    redis-cli -p "$port" config resetstat > /dev/null
  done
  "$LOAD" "${PORTS[0]}" "$OFFICES" "$DAYS" "$BOOKINGS"
  print_spread "appointments as built (64 buckets)"
  print_commands "appointments as built (64 buckets)"
else
  echo "($LOAD not built: the real layout is skipped)"
fi
write_layout today && print_spread "appointments today ({appt})"
write_layout office && print_spread "appointments by office + person ({appt:o:..})"
write_layout kpi-today && print_spread "monitoring before ({mon})"
write_layout kpi && print_spread "monitoring by KPI ({kpi:<kpi>})"
