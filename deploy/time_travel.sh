#!/usr/bin/env bash
# Runs tests of a build as if it were another moment, to find tests that
# depend on the date or the time of day (CI may run at any moment: a Sunday,
# 23:59 in Berlin, the night of a DST switch, New Year's Eve, a 29 February).
#
#   deploy/time_travel.sh MOMENT [BUILD_DIR] [ctest arguments...]
#   deploy/time_travel.sh '2027-03-28 01:59 Europe/Berlin' build/release -L e2e -j2
#   deploy/time_travel.sh '2026-12-31 23:58 Europe/Berlin' build/release -R BadInputSweepTest
#
# MOMENT is anything `date -d` reads; a trailing zone name is the zone of the
# wall-clock time. The wall clock is shifted by a fixed offset and keeps
# running, so timeouts and expiries behave as usual. The offset is the same in
# every process: the test binaries, and the services, Redis and the gateway
# they start (tests/harness/process.cc passes the environment on), agree on
# "now". The monotonic clock is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -lt 1 ]; then
  sed -n '2,16p' "$0" >&2
  exit 2
fi
moment="$1"
shift
build="build/release"
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  build="$1"
  shift
fi

# The shift itself: a small LD_PRELOAD library (see deploy/time_shift.c for why
# not libfaketime), built beside the build's binaries.
shim="$build/time_shift.so"
if [ ! -e "$shim" ] || [ deploy/time_shift.c -nt "$shim" ]; then
  cc -shared -fPIC -O2 -Wall -Wextra -Werror -o "$shim" deploy/time_shift.c
fi
shim="$(cd "$(dirname "$shim")" && pwd)/$(basename "$shim")"

# "2027-03-28 01:59 Europe/Berlin" -> TZ="Europe/Berlin" 2027-03-28 01:59
zone="${moment##* }"
if [ -e "/usr/share/zoneinfo/$zone" ] && [ "$zone" != "$moment" ]; then
  target=$(date -d "TZ=\"$zone\" ${moment% *}" +%s)
else
  target=$(date -d "$moment" +%s)
fi
offset=$((target - $(date +%s)))
echo "== as if it were $(TZ=Europe/Berlin date -d "@$target" '+%a %F %T %Z') in Berlin" \
  "($(date -u -d "@$target" '+%F %T') UTC; offset ${offset} s)"

export LD_PRELOAD="$shim" STADT_TIME_SHIFT_SECONDS="$offset"
exec ctest --test-dir "$build" --output-on-failure "$@"
