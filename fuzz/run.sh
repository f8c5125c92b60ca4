#!/usr/bin/env bash
# CI step: builds the libFuzzer binaries with clang (a build dir of their own,
# only the fuzz targets and the libraries they need) and fuzzes each target for
# a bounded time, starting from its committed seed corpus. Fails on the first
# crash, leak, sanitizer report or timeout; the crashing input is left in
# $BUILD_DIR/artifacts/ (add it to fuzz/corpus/<target>/ once fixed).
#
#   STADT_FUZZ_SECONDS   seconds per target (default 20)
#   STADT_FUZZ_TARGETS   space-separated subset, e.g. "jwt transcode" (default: all)
#   STADT_FUZZ_PRESET    CMake preset to build with (default fuzz: only the fuzz
#                        binaries; CI passes sanitizers, whose build has them too)
#   STADT_JOBS           parallel compile jobs (default 2)
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_TARGET="${STADT_FUZZ_SECONDS:-20}"
PRESET="${STADT_FUZZ_PRESET:-fuzz}"
BUILD_DIR="build/$PRESET"  # binaryDir of every preset in CMakePresets.json
JOBS="${STADT_JOBS:-2}"

if [ -n "${STADT_FUZZ_TARGETS:-}" ]; then
  read -r -a targets <<< "$STADT_FUZZ_TARGETS"
else
  targets=()
  for source in fuzz/*_fuzz.cc; do
    name="$(basename "$source" .cc)"
    targets+=("${name%_fuzz}")
  done
fi

started=$(date +%s)
echo "== fuzz: build ${#targets[@]} targets in $BUILD_DIR"
cmake --preset "$PRESET" > /dev/null
binaries=()
for target in "${targets[@]}"; do binaries+=("${target}_fuzz"); done
cmake --build "$BUILD_DIR" -j "$JOBS" --target "${binaries[@]}"
built=$(date +%s)

# Fuzz into a scratch copy of the corpus: new inputs the fuzzer finds stay out
# of the repository unless someone chooses to keep them.
mkdir -p "$BUILD_DIR/artifacts"
for target in "${targets[@]}"; do
  work="$BUILD_DIR/corpus/$target"
  mkdir -p "$work"
  echo "== fuzz: $target for ${SECONDS_PER_TARGET}s"
  log="$BUILD_DIR/artifacts/${target}.log"
  if ! ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" \
    UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
    "$BUILD_DIR/fuzz/${target}_fuzz" "$work" "fuzz/corpus/$target" \
    -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
    -artifact_prefix="$BUILD_DIR/artifacts/${target}-" -print_final_stats=1 > "$log" 2>&1; then
    tail -n 80 "$log"
    echo "== fuzz: $target FAILED; the input is in $BUILD_DIR/artifacts/, reproduce with:"
    echo "   $BUILD_DIR/fuzz/${target}_fuzz $BUILD_DIR/artifacts/${target}-<crash file>"
    exit 1
  fi
  grep -E '^stat::(number_of_executed_units|new_units_added)' "$log" | tr '\n' ' '
  echo
done
finished=$(date +%s)
echo "== fuzz: all ${#targets[@]} targets clean (build $((built - started))s, fuzzing $((finished - built))s)"
