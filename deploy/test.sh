#!/usr/bin/env bash
# The whole test suite, as CI runs it on a clean clone:
#   1. formatting check (.clang-format),
#   2. build with -Wall -Wextra -Werror and run every test (unit, Redis, end-to-end),
#   3. the same suite again under AddressSanitizer + UndefinedBehaviorSanitizer,
#   4. every fuzz target for a bounded time (fuzz/run.sh, STADT_FUZZ_SECONDS each, 8 s here).
# Set STADT_SKIP_SANITIZERS=1 for a quicker local run of step 2 only, and
# STADT_SKIP_FUZZ=1 to skip step 4.
set -euo pipefail
cd "$(dirname "$0")/.."

deploy/setup.sh
JOBS="${STADT_JOBS:-2}"

echo "== format check"
git ls-files '*.h' '*.cc' | xargs clang-format --dry-run --Werror

run_suite() {
  local dir="$1"; shift
  echo "== build $dir"
  cmake -S . -B "$dir" -G Ninja "$@" > /dev/null
  cmake --build "$dir" -j "$JOBS"
  echo "== test $dir"
  ctest --test-dir "$dir" -j "$JOBS" --output-on-failure --timeout 300
}

run_suite build/test -DCMAKE_BUILD_TYPE=RelWithDebInfo
if [ "${STADT_SKIP_SANITIZERS:-0}" != "1" ]; then
  ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" \
  UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
    run_suite build/asan -DCMAKE_BUILD_TYPE=Debug -DSTADT_SANITIZE=ON
fi
if [ "${STADT_SKIP_FUZZ:-0}" != "1" ]; then
  # A short run per target keeps CI well under 40 minutes; the committed corpora
  # are replayed in full by the unit tests, longer runs are for fuzz/run.sh alone.
  STADT_FUZZ_SECONDS="${STADT_FUZZ_SECONDS:-8}" STADT_JOBS="$JOBS" \
    STADT_FUZZ_BUILD_DIR=build/fuzz-clang fuzz/run.sh
fi
echo "== all tests passed"
