#!/usr/bin/env bash
# //tasks:nir end to end: `info` prints the graph, `run` reads a time-major .npy, writes the output
# and the recorded traces, and a bad file is an error naming it (exit 1, no crash).
set -euo pipefail
tool="$1"
graph="$2"
dir="${TEST_TMPDIR:-/tmp}/nir_tool"
mkdir -p "$dir"
fail() { echo "FAIL: $*"; exit 1; }

info=$("$tool" info "$graph")
grep -q "node 1: LIF" <<<"$info" || fail "info does not list the LIF node: $info"
grep -q "edge 0 -> 1" <<<"$info" || fail "info does not list the edges: $info"
grep -q "1 *LIF *\[1\]" <<<"$info" || fail "info does not give the LIF's output type: $info"

# input [T=6, B=1, 1] float32: 0.5, 0, 0.5, 0.5, 0, 3 (a .npy v1.0 file, header padded to 64 bytes).
header="{'descr': '<f4', 'fortran_order': False, 'shape': (6, 1, 1), }"
pad=$((64 - (10 + ${#header} + 1) % 64))
{
  printf '\x93NUMPY\x01\x00'
  printf "\\x$(printf %02x $(( (${#header} + pad + 1) & 255 )))\\x00"
  printf '%s' "$header"
  printf "%${pad}s\n" ""
  printf '\x00\x00\x00\x3f\x00\x00\x00\x00\x00\x00\x00\x3f\x00\x00\x00\x3f\x00\x00\x00\x00\x00\x00\x40\x40'
} >"$dir/x.npy"
"$tool" run "$graph" --input "$dir/x.npy" --output "$dir/y.npy" --dt 1e-4 --record_dir "$dir/rec" >"$dir/log" ||
  fail "run failed: $(cat "$dir/log")"
grep -q "output \[6, 1, 1\]" "$dir/log" || fail "unexpected output shape: $(cat "$dir/log")"
[ -s "$dir/y.npy" ] || fail "no output file"
for f in 1.output 1.v 0.output; do [ -s "$dir/rec/$f.npy" ] || fail "no recorded trace $f"; done
# The 3.0 input at the last step drives v = 0 + (1e-4/0.0025) * 3 = 0.12 over the 0.1 threshold: one spike.
tail -c 4 "$dir/y.npy" | od -An -tx1 | grep -q "00 00 80 3f" || fail "the last step should spike: $(od -An -tf4 "$dir/y.npy" | tail -2)"

echo "not a graph" >"$dir/bad.nir"
if "$tool" info "$dir/bad.nir" 2>"$dir/err"; then fail "a bad file was accepted"; fi
grep -q "bad.nir" "$dir/err" || fail "the error does not name the file: $(cat "$dir/err")"
echo "PASS nir tool: info, run (output and traces), bad file"
