#!/usr/bin/env bash
# Runs the STDP demo and checks its claim: the correlated inputs' weights end well above the
# others', and both pictures are PNGs named in the output.
set -euo pipefail
demo="${TEST_SRCDIR}/${TEST_WORKSPACE}/tasks/stdp_demo"
out=$("$demo" --output_dir="$TEST_TMPDIR/stdp")
echo "$out"
line=$(grep "final mean weight" <<<"$out")
group=$(sed -E 's/.*group ([0-9.]+),.*/\1/' <<<"$line")
others=$(sed -E 's/.*others ([0-9.]+).*/\1/' <<<"$line")
awk -v g="$group" -v o="$others" 'BEGIN { exit !(g > o + 0.3) }' || { echo "FAIL: group $group vs others $others"; exit 1; }
for png in "$TEST_TMPDIR/stdp/stdp_weights.png" "$TEST_TMPDIR/stdp/stdp_mean_weights.png"; do
  grep -qx "plot: $png" <<<"$out" || { echo "FAIL: $png not named in the output"; exit 1; }
  [ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] || { echo "FAIL: $png is not a PNG"; exit 1; }
done
echo "stdp demo OK: group $group > others $others"
