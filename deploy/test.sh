#!/usr/bin/env bash
# The whole test suite, as CI runs it on a clean clone:
#   1. formatting check (.clang-format) and clang-tidy (.clang-tidy),
#   2. the release preset (GCC, -O3, -Wall -Wextra -Werror): build and run every
#      test (unit, Redis, end-to-end),
#   3. the sanitizers preset (clang: ASan + UBSan + libFuzzer instrumentation,
#      thread-safety analysis): build once, run every test again, then fuzz every
#      target for a bounded time from that same build (fuzz/run.sh, 8 s each here).
# Every build goes through ccache (CMakePresets.json), so a second run compiles
# only what changed.
# Set STADT_SKIP_SANITIZERS=1 for a quicker local run of steps 1-2 (and the
# fuzzing, from a fuzz-only build), and STADT_SKIP_FUZZ=1 to skip the fuzzing.
set -euo pipefail
cd "$(dirname "$0")/.."

deploy/setup.sh
JOBS="${STADT_JOBS:-2}"
# Clean clones in other folders share the cache: paths are hashed relative to here.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
ccache --zero-stats > /dev/null

echo "== format check"
git ls-files '*.h' '*.cc' | xargs clang-format --dry-run --Werror

# Prints how long the step before took, so a slow CI shows where its time went.
step_started=$SECONDS
took() { echo "== $1 took $((SECONDS - step_started)) s"; step_started=$SECONDS; }

run_suite() {
  local preset="$1"
  echo "== build $preset"
  cmake --preset "$preset" > /dev/null
  cmake --build --preset "$preset" -j "$JOBS"
  took "build $preset"
  echo "== test $preset"
  if ! ctest --preset "$preset" -j "$JOBS"; then
    print_failures "build/$preset"
    exit 8
  fi
  took "test $preset"
}

# A CI report often shows only the last lines of the output: repeat the
# failed checks of the failing tests there, so that a flaky test's cause is
# on record even when only the tail is kept.
print_failures() {
  local log="$1/Testing/Temporary/LastTest.log"
  echo "== what failed (from $log)"
  grep -E -A4 'Failure$|Failure:|FAILED|exited with|died|ERROR: |runtime error' "$log" \
    | grep -v '^\[ *OK' | cut -c1-300 | head -60 || true
}

run_suite release
echo "== clang-tidy"
deploy/clang_tidy.py build/release -j "$JOBS"
took "clang-tidy"
fuzz_preset=fuzz
if [ "${STADT_SKIP_SANITIZERS:-0}" != "1" ]; then
  run_suite sanitizers
  fuzz_preset=sanitizers  # the fuzz binaries were built with the tests
fi
if [ "${STADT_SKIP_FUZZ:-0}" != "1" ]; then
  # A short run per target keeps CI well under 40 minutes; the committed corpora
  # are replayed in full by the unit tests, longer runs are for fuzz/run.sh alone.
  STADT_FUZZ_SECONDS="${STADT_FUZZ_SECONDS:-8}" STADT_JOBS="$JOBS" \
    STADT_FUZZ_PRESET="$fuzz_preset" fuzz/run.sh
  took "fuzzing"
fi
ccache --show-stats | grep -E 'Hits|Misses' || true
echo "== all tests passed in $SECONDS s"
