#!/usr/bin/env bash
# Runs the STDP demo and checks its claim: the correlated inputs' weights end well above the
# others', and the picture is a PNG.
set -euo pipefail
demo="${TEST_SRCDIR}/${TEST_WORKSPACE}/tasks/stdp_demo"
png="${TEST_TMPDIR}/weights.png"
out=$("$demo" --png="$png")
echo "$out"
line=$(grep "final mean weight" <<<"$out")
group=$(sed -E 's/.*group ([0-9.]+),.*/\1/' <<<"$line")
others=$(sed -E 's/.*others ([0-9.]+).*/\1/' <<<"$line")
awk -v g="$group" -v o="$others" 'BEGIN { exit !(g > o + 0.3) }' || { echo "FAIL: group $group vs others $others"; exit 1; }
[ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] || { echo "FAIL: $png is not a PNG"; exit 1; }
echo "stdp demo OK: group $group > others $others, picture $png"
