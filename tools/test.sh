#!/usr/bin/env bash
# The whole test suite, as README's Quick start gives it and .ci/run calls it:
#   1. installs what is missing (tools/setup.sh),
#   2. bazel test //... (the CPU build: every test target; CUDA targets are skipped),
#   3. where nvcc is found, bazel test --config=cuda //... (adds the CUDA targets; the CPU
#      results are reused from the cache, nothing is built twice),
#   4. prints one line "N passed, M failed, K skipped" counted from the test logs: Catch2 test
#      cases from each binary's NORSE_TEST_SUMMARY line, one case per other test target (a
#      target that failed to build or crashed counts as failed).
# Extra arguments go to both bazel invocations.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash tools/setup.sh || { echo "0 passed, 1 failed"; exit 1; }

log=$(mktemp)
trap 'rm -f "$log"' EXIT
bazel test //... "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

cuda_path=${CUDA_PATH:-/usr/local/cuda}
if [ -x "$cuda_path/bin/nvcc" ]; then
  echo "tools/test.sh: nvcc found at $cuda_path/bin/nvcc: building and testing the CUDA targets too"
  bazel test --config=cuda //... "$@" 2>&1 | tee -a "$log"
  cuda_status=${PIPESTATUS[0]}
  [ "$status" -eq 0 ] && status=$cuda_status
else
  echo "tools/test.sh: no nvcc at $cuda_path/bin/nvcc: CUDA targets not built"
fi

# Bazel's per-target result lines: "//pkg:name   PASSED in 0.3s", "(cached) PASSED", "FAILED",
# "FAILED TO BUILD", "NO STATUS", "TIMEOUT", "SKIPPED" (incompatible: CUDA without nvcc).
# A target listed twice (CPU run, then CUDA run) counts once, with its last status.
declare -A result
while read -r label state; do
  result[$label]=$state
done < <(grep -E '^//[^ ]+ +(\(cached\) )?(PASSED|FAILED|SKIPPED|NO STATUS|TIMEOUT|FLAKY|INCOMPLETE)' "$log" |
         sed -E 's/^(\/\/[^ ]+) +(\(cached\) )?([A-Z ]+[A-Z]).*/\1 \3/')

passed=0 failed=0 skipped=0
for label in "${!result[@]}"; do
  state=${result[$label]}
  path=${label#//}
  testlog="bazel-testlogs/${path/://}/test.log"
  if [ "$state" = "SKIPPED" ]; then
    echo "SKIPPED $label: needs --config=cuda and nvcc"
    skipped=$((skipped + 1))
    continue
  fi
  summary=""
  # Only a target that ran has a log of this run (FAILED TO BUILD / NO STATUS may leave a stale one).
  case "$state" in
    PASSED | FAILED | TIMEOUT | FLAKY)
      [ -f "$testlog" ] && summary=$(grep -E '^NORSE_TEST_SUMMARY ' "$testlog" | tail -n 1) ;;
  esac
  if [ -n "$summary" ]; then
    p=$(sed -E 's/.*passed=([0-9]+).*/\1/' <<<"$summary")
    f=$(sed -E 's/.*failed=([0-9]+).*/\1/' <<<"$summary")
    s=$(sed -E 's/.*skipped=([0-9]+).*/\1/' <<<"$summary")
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
    # A binary that reported no failing case but still failed (crash after main) is a failure.
    if [ "$f" -eq 0 ] && [ "$state" != "PASSED" ]; then failed=$((failed + 1)); fi
  elif [ "$state" = "PASSED" ]; then
    passed=$((passed + 1))
  else
    echo "FAILED $label: $state (no test summary in $testlog)"
    failed=$((failed + 1))
  fi
done
if [ ${#result[@]} -eq 0 ]; then
  echo "tools/test.sh: bazel reported no test results (build failure?)"
  failed=$((failed + 1))
fi
[ "$failed" -gt 0 ] && status=1
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
