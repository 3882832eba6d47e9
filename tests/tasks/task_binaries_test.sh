#!/usr/bin/env bash
# Smoke runs of the memory and cart-pole binaries with tiny settings: they train, write their
# outputs, and end with the result line their README section promises; bad flags fail clearly.
set -euo pipefail
is_png() { [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ]; }
# Each plot is a PNG and named in the output ("plot: PATH").
check_plots() {  # $1: the output, then the expected files
  local out="$1"
  shift
  for f in "$@"; do
    grep -qx "plot: $f" <<<"$out" && is_png "$f" || { echo "FAIL: plot $f (named: $(grep -c "^plot: " <<<"$out"))"; exit 1; }
  done
}
bin="${TEST_SRCDIR}/${TEST_WORKSPACE}/tasks"
out=$("$bin/memory" --epochs=2 --samples=16 --batch_size=8 --seq_length=10 --seq_periods=4 --hidden=8 \
      --output_dir="$TEST_TMPDIR/memory")
echo "$out"
tail -n 1 <<<"$out" | grep -Eq '^recall_accuracy=[0-9]+\.[0-9]{4}$' || { echo "FAIL: memory's last line"; exit 1; }
grep -q "recall_accuracy_2x=" <<<"$out" || { echo "FAIL: memory does not report Norse's 2x test"; exit 1; }
[ -s "$TEST_TMPDIR/memory/checkpoint.safetensors" ] && [ -s "$TEST_TMPDIR/memory/metrics.csv" ] || { echo "FAIL: memory outputs"; exit 1; }
check_plots "$out" "$TEST_TMPDIR/memory/memory_accuracy.png" "$TEST_TMPDIR/memory/memory_spikes.png" \
  "$TEST_TMPDIR/memory/memory_readout.png"
out=$("$bin/memory" --epochs=1 --samples=16 --batch_size=8 --seq_length=10 --seq_periods=4 --hidden=8 \
      --output_dir="$TEST_TMPDIR/memory_no_plots" --no_plots)
! ls "$TEST_TMPDIR/memory_no_plots"/*.png > /dev/null 2>&1 || { echo "FAIL: --no_plots drew"; exit 1; }
# --resume after the last epoch trains nothing more and reports again.
out=$("$bin/memory" --epochs=2 --samples=16 --batch_size=8 --seq_length=10 --seq_periods=4 --hidden=8 \
      --output_dir="$TEST_TMPDIR/memory" --resume)
grep -q "resumed from" <<<"$out" || { echo "FAIL: memory --resume"; exit 1; }
if err=$("$bin/memory" --seq_periods=5 --epochs=1 --output_dir="$TEST_TMPDIR/bad" 2>&1); then
  echo "FAIL: odd --seq_periods accepted"; exit 1
fi
grep -q "seq_periods" <<<"$err" || { echo "FAIL: error does not name seq_periods: $err"; exit 1; }

out=$("$bin/cartpole" --episodes=3 --hidden=16 --seq_length=10 --log_every=1 --output_dir="$TEST_TMPDIR/cartpole")
echo "$out"
tail -n 1 <<<"$out" | grep -Eq '^running_return=[0-9]+\.[0-9]{2}$' || { echo "FAIL: cartpole's last line"; exit 1; }
[ "$(wc -l < "$TEST_TMPDIR/cartpole/returns.csv")" -eq 4 ] || { echo "FAIL: returns.csv"; exit 1; }
check_plots "$out" "$TEST_TMPDIR/cartpole/cartpole_returns.png"
echo "task binaries OK"
