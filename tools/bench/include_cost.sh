#!/usr/bin/env bash
# What including a header costs: g++ -O2 compiles a file holding only `#include <HEADER>` and an
# empty main, ROUNDS times per header, headers alternated round by round; prints median and range.
#   tools/bench/include_cost.sh [ROUNDS] [[CHECKOUT:]HEADER...]
# A header is looked up in this checkout's include/, or in CHECKOUT's: compare two versions with
#   git worktree add /tmp/old <commit> && tools/bench/include_cost.sh 5 /tmp/old:tapenet/tapenet.hpp tapenet/tapenet.hpp
set -euo pipefail
rounds=${1:-5}
shift || true
headers=("$@")
[ ${#headers[@]} -gt 0 ] || headers=(tapenet/tensor.hpp tapenet/autograd.hpp tapenet/nn.hpp
                                     tapenet/data.hpp tapenet/io.hpp tapenet/tapenet.hpp)
flags=(-std=c++20 -O2 -fopenmp -I/usr/include/eigen3 -I/usr/include/stb -c -o /dev/null)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
declare -A seconds
for ((r = 0; r < rounds; ++r)); do
  for h in "${headers[@]}"; do
    root=.
    [[ $h == *:* ]] && root=${h%%:*}
    printf '#include <%s>\nint main() {}\n' "${h#*:}" > "$work/one.cpp"
    start=$(date +%s.%N)
    g++ "${flags[@]}" -I"$root/include" "$work/one.cpp"
    seconds[$h]+="$(echo "$(date +%s.%N) - $start" | bc) "
  done
done
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load: $(cut -d' ' -f1-3 /proc/loadavg)"
for h in "${headers[@]}"; do
  sorted=$(echo "${seconds[$h]}" | tr ' ' '\n' | grep . | sort -n)
  median=$(echo "$sorted" | awk '{v[NR] = $1} END {print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}')
  printf '%-26s median %5.2f s  range %5.2f-%5.2f s  (%d rounds)\n' "$h" "$median" \
    "$(echo "$sorted" | head -1)" "$(echo "$sorted" | tail -1)" "$rounds"
done
