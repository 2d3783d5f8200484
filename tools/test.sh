#!/usr/bin/env bash
# The one test command: installs what is missing, configures, builds and runs every test.
#   tools/test.sh            the dev preset (Debug, -Werror) and the whole suite
#   tools/test.sh asan       the AddressSanitizer + UBSan preset and the [fast] tests
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-dev}

tools/setup.sh
# CUDA is optional: when the toolkit is installed, CMake finds nvcc and CI compiles the CUDA unit.
[ -x /usr/local/cuda/bin/nvcc ] && export PATH="/usr/local/cuda/bin:$PATH"
jobs=$(nproc)

cmake --preset "$preset"
if [ "$preset" = asan ]; then
  # only the test binary: the docs programs are built and run by the dev preset
  cmake --build --preset "$preset" -j "$jobs" --target tapenet_tests
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1
  OMP_NUM_THREADS=2 build/asan/tests/tapenet_tests "[fast]"
else
  cmake --build --preset "$preset" -j "$jobs"
  ctest --test-dir "build/$preset" -j "$jobs" --output-on-failure
  # A test without its tool or data says "skipped: <why>"; say each reason once.
  grep -h "^ *skipped: " "build/$preset/Testing/Temporary/LastTest.log" | sed 's/^ *//' | sort -u || true
fi
