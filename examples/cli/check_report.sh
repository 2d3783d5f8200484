#!/usr/bin/env bash
# Opens a report.html in headless Chromium and checks that it rendered: both charts, the confusion
# matrix, and the embedded PNG decoded (its onload handler marks the page). Exit 77: no Chromium.
set -euo pipefail
report=$(realpath "$1")
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "skipped: the report check needs Chromium (apt-get install chromium)"
  exit 77
fi
dom=$(timeout 120 "$browser" --headless --no-sandbox --disable-gpu --dump-dom "file://$report" 2>/dev/null)
fail() { echo "check_report: $report: $1" >&2; exit 1; }
[ "$(grep -o '<svg' <<<"$dom" | wc -l)" -eq 2 ] || fail "expected 2 charts (<svg> elements)"
grep -q "<polyline" <<<"$dom" || fail "the charts have no lines"
grep -q 'id="confusion"' <<<"$dom" || fail "no confusion matrix"
grep -q 'data-image="shown"' <<<"$dom" || fail "the embedded test-batch picture did not decode"
echo "check_report: $report renders"
