#!/usr/bin/env bash
# How long g++ takes to compile a whole ResNet18 training program (tools/bench/resnet18.cpp) at -O2,
# the figure a user waits for after each edit. Usage: tools/bench/compile_time.sh [runs]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
probe=$(mktemp)
trap 'rm -f "$probe"' EXIT
for _ in $(seq "${1:-3}"); do
  start=$(date +%s.%N)
  g++ -std=c++20 -O2 -fopenmp -I"$root/include" -I/usr/include/eigen3 -I/usr/include/stb \
      "$root/tools/bench/resnet18.cpp" -o "$probe" -lz
  echo "$(date +%s.%N) - $start" | bc
done | sort -n | awk '{ printf "compile at -O2: %.1f s\n", $1 } END { printf "fastest of %d: %.1f s\n", NR, min } NR == 1 { min = $1 }'
