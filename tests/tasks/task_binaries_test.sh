#!/usr/bin/env bash
# Smoke runs of the memory and cart-pole binaries with tiny settings: they train, write their
# outputs, and end with the result line their README section promises; bad flags fail clearly.
set -euo pipefail
bin="${TEST_SRCDIR}/${TEST_WORKSPACE}/tasks"
out=$("$bin/memory" --epochs=2 --samples=16 --batch_size=8 --seq_length=10 --seq_periods=4 --hidden=8 \
      --output_dir="$TEST_TMPDIR/memory")
echo "$out"
tail -n 1 <<<"$out" | grep -Eq '^recall_accuracy=[0-9]+\.[0-9]{4}$' || { echo "FAIL: memory's last line"; exit 1; }
grep -q "recall_accuracy_2x=" <<<"$out" || { echo "FAIL: memory does not report Norse's 2x test"; exit 1; }
[ -s "$TEST_TMPDIR/memory/checkpoint.safetensors" ] && [ -s "$TEST_TMPDIR/memory/metrics.csv" ] || { echo "FAIL: memory outputs"; exit 1; }
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
echo "task binaries OK"
