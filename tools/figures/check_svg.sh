#!/bin/sh
# check_svg.sh PROGRAM OUT.svg: draws one figure and checks that the file is well-formed SVG.
# Exits 77 (CTest's "skipped") when the program does, e.g. without the data it draws.
program=$1 out=$2
rm -f "$out"
"$program" "$out"
status=$?
[ $status -eq 77 ] && exit 77
[ $status -eq 0 ] || { echo "FAIL: $program exited with $status"; exit 1; }
[ -s "$out" ] || { echo "FAIL: $out was not written"; exit 1; }
if command -v xmllint >/dev/null 2>&1; then
  xmllint --noout "$out" || { echo "FAIL: $out is not well-formed XML"; exit 1; }
fi
grep -q '<svg xmlns="http://www.w3.org/2000/svg"' "$out" && tail -n 1 "$out" | grep -q '^</svg>$' ||
  { echo "FAIL: $out does not hold one <svg> element"; exit 1; }
echo "ok: $out"
