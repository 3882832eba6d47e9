#!/usr/bin/env bash
# The whole test suite, as README gives it:
#
#   bash tools/test.sh          the tests (quick: what a developer runs)
#   bash tools/test.sh --ci     the same, then the sanitizer suite and the fuzzers (what CI runs)
#
#   1. installs what is missing (tools/setup.sh),
#   2. tools/format.sh --check (every C++/CUDA source laid out as .clang-format says; one test),
#      then bazel test //... (the CPU build: every test target; CUDA targets are skipped),
#   3. where nvcc is found, bazel test --config=cuda //... (adds the CUDA targets; the CPU
#      results are reused from the cache, nothing is built twice),
#   4. with --ci: bazel test --config=asan //... without the benchmarks (AddressSanitizer,
#      UndefinedBehaviorSanitizer halting on error, LeakSanitizer; own output folder), and
#      tools/fuzz.sh (every file reader fuzzed for $NORSE_FUZZ_SECONDS, default 60 s each),
#   5. prints one line "N passed, M failed, K skipped" counted from the test logs: Catch2 test
#      cases from each binary's NORSE_TEST_SUMMARY line, one case per other test target (a
#      target that failed to build or crashed counts as failed); the sanitizer run's targets
#      and each fuzz target count on their own.
# Other arguments go to every bazel invocation.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ci=0
args=()
for a in "$@"; do
  if [ "$a" = "--ci" ]; then ci=1; else args+=("$a"); fi
done
bash tools/setup.sh || { echo "0 passed, 1 failed"; exit 1; }

passed=0 failed=0 skipped=0 status=0

# Adds the results of the bazel test runs logged in $1 (bazel-testlogs must still point at the
# last of them). Bazel's per-target result lines: "//pkg:name   PASSED in 0.3s", "(cached)
# PASSED", "FAILED", "FAILED TO BUILD", "NO STATUS", "TIMEOUT", "SKIPPED" (incompatible: CUDA
# without nvcc). A target listed twice (CPU run, then CUDA run) counts once, with its last status.
count_results() {
  local log=$1 what=$2
  declare -A result=()
  local label state
  while read -r label state; do
    result[$label]=$state
  done < <(grep -E '^//[^ ]+ +(\(cached\) )?(PASSED|FAILED|SKIPPED|NO STATUS|TIMEOUT|FLAKY|INCOMPLETE)' "$log" |
           sed -E 's/^(\/\/[^ ]+) +(\(cached\) )?([A-Z ]+[A-Z]).*/\1 \3/')
  for label in "${!result[@]}"; do
    state=${result[$label]}
    local path=${label#//}
    local testlog="bazel-testlogs/${path/://}/test.log"
    if [ "$state" = "SKIPPED" ]; then
      echo "SKIPPED $what $label: needs --config=cuda and nvcc"
      skipped=$((skipped + 1))
      continue
    fi
    local summary=""
    # Only a target that ran has a log of this run (FAILED TO BUILD / NO STATUS may leave a stale one).
    case "$state" in
      PASSED | FAILED | TIMEOUT | FLAKY)
        [ -f "$testlog" ] && summary=$(grep -E '^NORSE_TEST_SUMMARY ' "$testlog" | tail -n 1) ;;
    esac
    if [ -n "$summary" ]; then
      local p f s
      p=$(sed -E 's/.*passed=([0-9]+).*/\1/' <<<"$summary")
      f=$(sed -E 's/.*failed=([0-9]+).*/\1/' <<<"$summary")
      s=$(sed -E 's/.*skipped=([0-9]+).*/\1/' <<<"$summary")
      passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
      # A binary that reported no failing case but still failed (crash after main, a sanitizer
      # report at exit) is a failure.
      if [ "$f" -eq 0 ] && [ "$state" != "PASSED" ]; then
        echo "FAILED $what $label: $state after its cases passed (see $testlog)"
        failed=$((failed + 1))
      fi
    elif [ "$state" = "PASSED" ]; then
      passed=$((passed + 1))
    else
      echo "FAILED $what $label: $state (no test summary in $testlog)"
      failed=$((failed + 1))
    fi
  done
  if [ ${#result[@]} -eq 0 ]; then
    echo "tools/test.sh: bazel reported no test results for the $what run (build failure?)"
    failed=$((failed + 1))
  fi
}

log=$(mktemp)
trap 'rm -f "$log"' EXIT
# The sources' layout (.clang-format) counts as one test.
if bash tools/format.sh --check; then passed=$((passed + 1)); else echo "FAILED format: tools/format.sh --check"; failed=$((failed + 1)); fi
bazel test //... "${args[@]}" 2>&1 | tee "$log"
[ "${PIPESTATUS[0]}" -ne 0 ] && status=1
cuda_path=${CUDA_PATH:-/usr/local/cuda}
if [ -x "$cuda_path/bin/nvcc" ]; then
  echo "tools/test.sh: nvcc found at $cuda_path/bin/nvcc: building and testing the CUDA targets too"
  bazel test --config=cuda //... "${args[@]}" 2>&1 | tee -a "$log"
  [ "${PIPESTATUS[0]}" -ne 0 ] && status=1
else
  echo "tools/test.sh: no nvcc at $cuda_path/bin/nvcc: CUDA targets not built"
fi
count_results "$log" "cpu/cuda"

if [ "$ci" -eq 1 ]; then
  echo "tools/test.sh: the sanitizer suite (--config=asan, benchmarks excluded: they measure speed)"
  bazel test --config=asan --test_tag_filters=-benchmark --build_tests_only //... "${args[@]}" 2>&1 | tee "$log"
  [ "${PIPESTATUS[0]}" -ne 0 ] && status=1
  count_results "$log" "asan"
  echo "tools/test.sh: fuzzing every file reader (tools/fuzz.sh, ${NORSE_FUZZ_SECONDS:-60} s each)"
  bash tools/fuzz.sh "${NORSE_FUZZ_SECONDS:-60}" 2>&1 | tee "$log"
  [ "${PIPESTATUS[0]}" -ne 0 ] && status=1
  fuzz_line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
  if [ -n "$fuzz_line" ]; then
    passed=$((passed + $(sed -E 's/^([0-9]+) passed.*/\1/' <<<"$fuzz_line")))
    failed=$((failed + $(sed -E 's/.* ([0-9]+) failed$/\1/' <<<"$fuzz_line")))
  else
    echo "FAILED fuzz: tools/fuzz.sh printed no summary"
    failed=$((failed + 1))
  fi
fi

[ "$failed" -gt 0 ] && status=1
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
