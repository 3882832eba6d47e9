#!/usr/bin/env bash
# Coverage-guided fuzzing of every reader of outside files (issue 15), with libFuzzer and
# AddressSanitizer + UndefinedBehaviorSanitizer (halting on the first report):
#   safetensors_fuzzer  core/safetensors.cc (checkpoints)
#   idx_fuzzer          tasks/idx.cc (MNIST IDX, plain and gzip)
#   fixture_fuzzer      tests/conformance/fixture.cc (Norse's JSON fixtures)
#
#   bash tools/fuzz.sh [SECONDS_EACH]     default 60; CI runs this
#
# Built with Debian's clang 14 and libclang-rt-14-dev (tools/setup.sh installs them), outside
# Bazel: the Bazel toolchain here is GCC, which has no libFuzzer. Each target starts from its
# seed corpus in tests/fuzz/corpus/<reader>/ (never modified here) and works in a temporary
# corpus; a finding is saved under $NORSE_FUZZ_OUT (default: a temporary folder, printed) and
# fails the run. The last line is "N passed, M failed" (one case per target).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds=${1:-60}
out=${NORSE_FUZZ_OUT:-$(mktemp -d /tmp/norse-fuzz.XXXXXX)}
build="$out/build"
mkdir -p "$build"

command -v clang++ >/dev/null || { echo "fuzz: clang++ not found (apt-get install clang libclang-rt-14-dev)"; echo "0 passed, 1 failed"; exit 1; }

# -O1 -g: readable reports; no OpenMP (core/parallel.h falls back to serial loops). The readers
# and their dependencies are compiled with coverage instrumentation (-fsanitize=fuzzer-no-link),
# each target links libFuzzer's main.
flags=(-std=c++17 -O1 -g -fno-omit-frame-pointer -I. -I/usr/include/eigen3
       -fsanitize=address,undefined -fno-sanitize-recover=all)
sources=(core/autograd.cc core/cuda_tensor_ops.cc core/gemm_cpu.cc core/gemm_tile_generic.cc core/gemm_tile_avx2.cc
         core/generator.cc core/json_io.cc
         core/ops_elementwise.cc core/ops_nn.cc core/ops_shape.cc core/parallel.cc core/safetensors.cc
         core/shape.cc core/tensor.cc core/tensor_ops_conv.cc core/tensor_ops_elementwise.cc
         core/tensor_ops_linalg.cc core/tensor_ops_reduce.cc core/transpose.cc tasks/idx.cc tests/conformance/fixture.cc)
objects=()
echo "fuzz: compiling ${#sources[@]} sources with clang++ (ASan + UBSan + coverage) into $build"
pids=()
for src in "${sources[@]}"; do
  obj="$build/$(echo "$src" | tr '/' '_').o"
  objects+=("$obj")
  extra=()
  [ "$src" = core/gemm_tile_avx2.cc ] && extra=(-mavx2 -mfma)  # as core/BUILD compiles it
  clang++ "${flags[@]}" "${extra[@]}" -fsanitize=fuzzer-no-link -c "$src" -o "$obj" &
  pids+=($!)
  if [ ${#pids[@]} -ge "$(nproc)" ]; then wait "${pids[0]}" || { echo "fuzz: compiling failed"; echo "0 passed, 1 failed"; exit 1; }; pids=("${pids[@]:1}"); fi
done
for pid in "${pids[@]}"; do wait "$pid" || { echo "fuzz: compiling failed"; echo "0 passed, 1 failed"; exit 1; }; done

passed=0 failed=0
for target in safetensors idx fixture; do
  bin="$build/${target}_fuzzer"
  if ! clang++ "${flags[@]}" -fsanitize=fuzzer "tests/fuzz/${target}_fuzzer.cc" "${objects[@]}" -lz -o "$bin"; then
    echo "FAIL ${target}_fuzzer: does not build"; failed=$((failed + 1)); continue
  fi
  work="$out/corpus-$target"
  mkdir -p "$work"
  log="$out/${target}.log"
  # -rss_limit_mb / -malloc_limit_mb: an input that makes a reader allocate 1 GB is a finding
  # (every input here is a few KB; the readers may only allocate what a file justifies).
  "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$out/${target}-" "$work" "tests/fuzz/corpus/$target" >"$log" 2>&1
  status=$?
  stats=$(grep -E '^stat::number_of_executed_units|^stat::new_units_added|^stat::peak_rss_mb' "$log" | tr '\n' ' ')
  cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1)
  if [ "$status" -eq 0 ]; then
    echo "PASS ${target}_fuzzer: ${seconds}s, $cov, $stats"
    passed=$((passed + 1))
  else
    echo "FAIL ${target}_fuzzer (exit $status): finding saved under $out; the report:"
    grep -E 'ERROR|SUMMARY|==[0-9]+==|runtime error|Test unit written' "$log" | head -n 20
    failed=$((failed + 1))
  fi
done
echo "fuzz: logs and corpora in $out"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
