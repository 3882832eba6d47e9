#!/usr/bin/env bash
# Prepares the device check (a GPU machine lent for a few minutes, see docs/benchmarks.md):
# builds the CUDA tests and benchmarks HERE (the GPU machine has a driver but no toolkit or
# Bazel), and gathers them with the shared libraries they need into gpu_bundle/ (git-ignored),
# with gpu_bundle/run.sh, which runs them all and writes one log each, archived into
# $OUT/gpu_logs.tgz.
#
#   bash tools/gpu_bundle.sh         # here; then on the device machine, carrying gpu_bundle:
#   bash gpu_bundle/run.sh           # $OUT/gpu_logs.tgz: *.log, nvidia-smi.txt, mnist_run/
set -euo pipefail
cd "$(dirname "$0")/.."
targets=(//tests/core:cuda_runtime_test //tests/core:cuda_tensor_test //tests/core:cuda_ops_test
         //tests/kernels:neuron_cuda_test //tests/kernels:recurrent_cuda_test
         //tests/models:lif_cuda_model_test //tests/models:neuron_modules_cuda_test //tests/tasks:tasks_cuda_test
         //tests/conformance:conformance_cuda //tests/nir:nir_reference_cuda //tests/distributed:nccl_test
         //kernels:neuron_cuda_benchmark //kernels:recurrent_cuda_benchmark
         //tasks:mnist)
# Static links (tests are otherwise linked against one shared object per library).
bazel build -c opt --config=cuda --dynamic_mode=off "${targets[@]}"
rm -rf gpu_bundle
mkdir -p gpu_bundle/lib
for t in "${targets[@]}"; do
  path="bazel-bin/$(sed -E 's|^//||; s|:|/|' <<<"$t")"
  # Stripped and gzipped: the device machine's carry limit is 64 MiB (the fat binaries hold
  # sm_80 + sm_90 code each); run.sh unpacks them there.
  cp "$path" "gpu_bundle/$(basename "$path")"
  chmod u+w "gpu_bundle/$(basename "$path")"
  strip "gpu_bundle/$(basename "$path")"
  gzip -9 "gpu_bundle/$(basename "$path")"
done
cuda_lib="${CUDA_PATH:-/usr/local/cuda}/lib64"
cp -L "$cuda_lib"/libcudart.so.* gpu_bundle/lib/ 2>/dev/null || true
cp -L "$(gcc -print-file-name=libgomp.so.1)" gpu_bundle/lib/
# Other shared libraries the binaries need that a bare GPU machine may lack (libhdf5 and its
# dependencies, for nir/): everything ldd resolves except the C runtime, the driver and cuBLAS
# (which run.sh finds on the machine).
for bin in gpu_bundle/*.gz; do
  gunzip -c "$bin" > gpu_bundle/.probe && chmod +x gpu_bundle/.probe
  ldd gpu_bundle/.probe | awk '$3 ~ /^\// {print $3}' |
    grep -Ev '/(ld-linux|libc|libm|libdl|libpthread|librt|libcuda|libnvidia|libcublas|libcublasLt|libstdc\+\+|libgcc_s)[.-]' |
    while read -r lib; do cp -Ln "$lib" gpu_bundle/lib/ 2>/dev/null || true; done
done
rm -f gpu_bundle/.probe
mkdir -p gpu_bundle/conformance/fixtures
cp tests/conformance/fixtures/*.json tests/conformance/fixtures/README.md gpu_bundle/conformance/fixtures/
mkdir -p gpu_bundle/nir
cp tests/nir/reference/* gpu_bundle/nir/
mkdir -p gpu_bundle/tasks/data/mnist
cp tasks/data/mnist/*.gz gpu_bundle/tasks/data/mnist/
cat > gpu_bundle/run.sh <<'RUN'
#!/usr/bin/env bash
# Runs every CUDA test and benchmark of the bundle; one log per binary in $OUT (or ./gpu_logs).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${OUT:-$here/../gpu_logs}"
mkdir -p "$out"
# cuBLAS (500+ MB with cublasLt) is too large to carry: use the machine's (its CUDA toolkit or
# the nvidia-cublas Python package of its image).
cublas_dirs=$(find /usr/local/cuda*/lib64 /usr/lib/x86_64-linux-gnu /opt -name 'libcublasLt.so.13' -printf '%h:' 2>/dev/null || true)
export LD_LIBRARY_PATH="$here/lib:${cublas_dirs}${LD_LIBRARY_PATH:-}"
bin_dir=$(mktemp -d)
for packed in "$here"/*.gz; do
  gunzip -c "$packed" > "$bin_dir/$(basename "$packed" .gz)"
  chmod +x "$bin_dir/$(basename "$packed" .gz)"
done
nvidia-smi > "$out/nvidia-smi.txt" 2>&1 || true
status=0
for bin in cuda_runtime_test cuda_tensor_test cuda_ops_test neuron_cuda_test recurrent_cuda_test \
           lif_cuda_model_test neuron_modules_cuda_test tasks_cuda_test conformance_cuda nir_reference_cuda nccl_test \
           neuron_cuda_benchmark recurrent_cuda_benchmark mnist; do
  echo "== $bin"
  # tasks_cuda_test reads tasks/data/mnist relative to its working directory; conformance_cuda
  # takes the fixtures' anchor (fixtures/ beside it) and --device=cuda.
  args=()
  [ "$bin" = conformance_cuda ] && args=("$here/conformance/fixtures/README.md" --device=cuda)
  [ "$bin" = nir_reference_cuda ] && args=("$here/nir/README.md" --device=cuda)
  # The main job (README's Quick start settings) trained on the GPU; NORSE_GPU_MNIST_TIMEOUT bounds it.
  [ "$bin" = mnist ] && args=(--device=cuda --output_dir "$out/mnist_run")
  # A hung kernel must not eat the lease: each binary gets at most NORSE_GPU_TIMEOUT seconds.
  (cd "$here" && timeout "$([ "$bin" = mnist ] && echo "${NORSE_GPU_MNIST_TIMEOUT:-300}" || echo "${NORSE_GPU_TIMEOUT:-120}")" "$bin_dir/$bin" ${args[@]+"${args[@]}"} > "$out/$bin.log" 2>&1) ||
    { echo "exit status $? for $bin"; status=1; }
  grep -E "NORSE_TEST_SUMMARY|BENCH|FAIL|SKIPPED|failed|accuracy|samples/s" "$out/$bin.log" | tail -40
done
# The device tool returns at most 8 files: one archive of every log (and the MNIST run's folder).
(cd "$out" && tar czf gpu_logs.tgz --exclude=gpu_logs.tgz . && find . -mindepth 1 ! -name gpu_logs.tgz -exec rm -rf {} +)
echo "logs: $out/gpu_logs.tgz"
exit $status
RUN
chmod +x gpu_bundle/run.sh
du -sh gpu_bundle
echo "bundle ready: gpu_bundle/ (carry it to the device machine and run: bash gpu_bundle/run.sh)"
