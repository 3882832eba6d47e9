// CUDA LIF benchmark: the fused sequence kernels (one launch forward, one backward) at
// T in {100, 1000} and B*N in {64K, 1M, 16M}, neuron-steps per second and achieved memory
// bandwidth against the device's measured copy bandwidth, beside the unfused per-step path
// (one element-wise kernel per operation and step, as a tape of device ops runs Norse's step).
//
//   bazel test -c opt --config=cuda //kernels:lif_cuda_benchmark --test_output=all
//
// Bytes per neuron-step (float32): forward for training reads x, writes z and v1 (12);
// backward reads v1 and grad_z, writes grad_x (12); forward + backward 24. A size whose arrays
// do not fit in 80% of the free device memory is reported as not run. Validation first: the
// fused forward's spikes must equal the unfused path's. Without a CUDA device it reports itself
// skipped (NORSE_TEST_SUMMARY), never passed.
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "core/cuda_runtime.h"
#include "kernels/cuda_benchmark_util.h"
#include "kernels/lif.h"
#include "kernels/lif_cuda.h"

using namespace norse;
using namespace norse::kernels;
using norse::cuda::DeviceBuffer;

namespace {

std::vector<float> random_inputs(size_t n, uint32_t seed) {
  // U(0, 0.6): about 7% of neuron-steps spike with Norse's default LIF (as the CPU benchmark).
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(0.0f, 0.6f);
  std::vector<float> v(n);
  for (float& x : v) x = d(rng);
  return v;
}

}  // namespace

int main() {
  if (bench::skip_without_gpu("lif_cuda_benchmark")) return 0;
  const double peak = norse::cuda::device_copy_bandwidth_gbps();
  std::printf("measured device copy bandwidth: %.0f GB/s\n", peak);
  const std::vector<float> scalars = {200.0f, 100.0f, 0.0f, 1.0f, 0.0f};
  const DeviceBuffer dparams(scalars);
  lif::SequenceParams p;
  p.tau_syn_inv = {dparams.data() + 0, 1};
  p.tau_mem_inv = {dparams.data() + 1, 1};
  p.v_leak = {dparams.data() + 2, 1};
  p.v_th = {dparams.data() + 3, 1};
  p.v_reset = {dparams.data() + 4, 1};
  int failures = 0;
  for (const int64_t steps : {int64_t{100}, int64_t{1000}}) {
    for (const int64_t n : {int64_t{1} << 16, int64_t{1} << 20, int64_t{1} << 24}) {
      const size_t total = static_cast<size_t>(steps * n);
      const size_t bytes_needed = 5 * total * sizeof(float) + 6 * static_cast<size_t>(n) * sizeof(float);
      if (static_cast<double>(bytes_needed) > 0.8 * static_cast<double>(norse::cuda::device_free_bytes())) {
        std::printf("BENCH lif_cuda T=%lld N=%lld not run: needs %.1f GiB\n", static_cast<long long>(steps),
                    static_cast<long long>(n), static_cast<double>(bytes_needed) / (1 << 30));
        continue;
      }
      // A repeating pattern of 1M random inputs keeps host-side generation cheap at 16G elements.
      const std::vector<float> pattern = random_inputs(size_t{1} << 20, 3);
      DeviceBuffer x(total), z(total), v1(total), grad_z(total), grad_x(total);
      for (size_t off = 0; off < total; off += pattern.size()) {
        const size_t len = std::min(pattern.size(), total - off);
        x.upload(pattern.data(), off, len);
      }
      grad_z.fill_zero();
      DeviceBuffer v0(static_cast<size_t>(n)), i0(static_cast<size_t>(n)), v_fin(static_cast<size_t>(n)),
          i_fin(static_cast<size_t>(n)), g_v0(static_cast<size_t>(n)), g_i0(static_cast<size_t>(n));
      v0.fill_zero();
      i0.fill_zero();
      lif::SequenceForwardArgs f;
      f.steps = steps;
      f.elements = n;
      f.input = x.data();
      f.v0 = v0.data();
      f.i0 = i0.data();
      f.z = z.data();
      f.v_final = v_fin.data();
      f.i_final = i_fin.data();
      f.saved_v1 = v1.data();
      lif::SequenceBackwardArgs b;
      b.steps = steps;
      b.elements = n;
      b.z = z.data();
      b.saved_v1 = v1.data();
      b.grad_z = grad_z.data();
      b.grad_input = grad_x.data();
      b.grad_v0 = g_v0.data();
      b.grad_i0 = g_i0.data();

      // Validate against the unfused path: every spike must agree.
      lif::cuda_sequence_forward(p, f);
      norse::cuda::synchronize();
      const std::vector<float> fused_z = z.download();
      DeviceBuffer z_unfused(total);
      lif::SequenceForwardArgs u = f;
      u.z = z_unfused.data();
      u.saved_v1 = nullptr;
      norse::cuda::EventTimer timer;
      timer.start();
      lif::cuda_unfused_forward(p, u);
      const float unfused_ms = timer.stop_ms();
      const std::vector<float> unfused_z = z_unfused.download();
      double spikes = 0.0;
      size_t mismatches = 0;
      for (size_t k = 0; k < total; ++k) {
        spikes += fused_z[k];
        mismatches += fused_z[k] != unfused_z[k] ? 1 : 0;
      }
      if (mismatches > 0) {
        std::printf("FAIL T=%lld N=%lld: %zu spikes differ from the unfused path\n", static_cast<long long>(steps),
                    static_cast<long long>(n), mismatches);
        ++failures;
        continue;
      }
      float fwd_ms = 1e30f, both_ms = 1e30f;
      for (int r = 0; r < 4; ++r) {
        timer.start();
        lif::cuda_sequence_forward(p, f);
        const float ms = timer.stop_ms();
        if (r > 0) fwd_ms = std::fmin(fwd_ms, ms);
        timer.start();
        lif::cuda_sequence_forward(p, f);
        lif::cuda_sequence_backward(p, b);
        const float ms2 = timer.stop_ms();
        if (r > 0) both_ms = std::fmin(both_ms, ms2);
      }
      const double ns = static_cast<double>(total);
      const double fwd_gbps = 12.0 * ns / (fwd_ms * 1e-3) / 1e9, both_gbps = 24.0 * ns / (both_ms * 1e-3) / 1e9;
      std::printf(
          "BENCH lif_cuda T=%lld N=%lld spike_rate=%.3f fused_fwd %.3e neuron-steps/s %.0f GB/s (%.0f%% of copy) | "
          "fused_fwd+bwd %.3e neuron-steps/s %.0f GB/s (%.0f%%) | unfused_fwd %.3e neuron-steps/s (fused %.1fx)\n",
          static_cast<long long>(steps), static_cast<long long>(n), spikes / ns, ns / (fwd_ms * 1e-3), fwd_gbps,
          100.0 * fwd_gbps / peak, ns / (both_ms * 1e-3), both_gbps, 100.0 * both_gbps / peak, ns / (unfused_ms * 1e-3),
          unfused_ms / fwd_ms);
      std::fflush(stdout);
    }
  }
  std::printf("NORSE_TEST_SUMMARY passed=%d failed=%d skipped=0\n", failures == 0 ? 1 : 0, failures == 0 ? 0 : 1);
  return failures == 0 ? 0 : 1;
}
