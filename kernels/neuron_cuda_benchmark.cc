// CUDA benchmark of the generic fused neuron loops (kernels/neuron_cuda.h) for LIF, LIFBox, LI
// and LSNN: T in {100, 1000} x B*N in {64K, 1M, 16M}, the training forward (one launch, saves the state) and forward +
// backward (two launches), as neuron-steps per second and achieved bandwidth against the measured copy bandwidth,
// beside the unfused per-step path ON THE SAME DEVICE: the model's step written as tape ops on cuda tensors
// (core/cuda_tensor_ops.h: several element-wise kernels per step, a tape node each), forward and backward, where its
// tape fits in half the free memory.
//
//   bazel test -c opt --config=cuda //kernels:neuron_cuda_benchmark --test_output=all
//
// Bytes per neuron-step (float32), kS states, spiking models add z / grad_z; the saved record is
// what the op saves when no parameter trains (LIF: v1 alone, and its backward does not read x):
//   forward (training)  read x, write z and the saved state       4 + 4 (z) + 4 kS
//   backward            read x, the saved state and grad_z, write grad_x   8 + 4 kS + 4 (grad_z)
//   LIF                 forward 12, backward 12
// Validation first, on 4096 neurons: the fused output must equal the unfused tape's (spikes
// bit for bit; at most 1e-4 of them may flip at the threshold from float rounding, reported),
// and grad_x agree to 1e-3. Without a CUDA device it reports itself skipped, never passed.
#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "core/core.h"
#include "core/cuda_runtime.h"
#include "kernels/cuda_benchmark_util.h"
#include "kernels/li_math.h"
#include "kernels/neuron_benchmark.h"
#include "kernels/neuron_cuda.h"
#include "kernels/spiking_math.h"

using namespace norse;
using norse::cuda::DeviceBuffer;
using norse::cuda::EventTimer;

namespace {

struct Spec {
  std::string name;
  std::vector<float> params;         // Model order
  std::vector<float> initial_state;  // Model state order
  int output_state = -1;             // non-spiking models: the recorded state that is the output
  // The unfused step on the tape: x [T, B, N] -> output [T, B, N] (same device as x).
  std::function<Variable(const Variable&)> unfused;
};

template <class Model>
int run(const Spec& spec, double peak) {
  constexpr int kS = Model::kStates;
  const DeviceBuffer dparams(spec.params);
  kernels::NeuronParams<Model> params;
  for (int k = 0; k < Model::kParams; ++k) params.params[k] = kernels::ParamRef{dparams.data() + k, 1};
  const kernels::SavedKind saved_kind = kernels::saved_kind_for<Model>(false);
  const int saved_floats = kernels::saved_floats<Model>(saved_kind);
  const bool compact = saved_kind == kernels::SavedKind::kCompact;  // the backward does not read x
  const double fwd_bytes = 4.0 + (Model::kSpiking ? 4.0 : 0.0) + 4.0 * saved_floats;
  const double bwd_bytes = (compact ? 4.0 : 8.0) + 4.0 * saved_floats + 4.0;
  const double both_bytes = fwd_bytes + bwd_bytes;

  // Device buffers for T x n neuron-steps; the fused loops' arguments over them.
  struct Buffers {
    Tensor x, out, saved, grad_out, grad_x;
    std::vector<Tensor> s0, finals, grad_s0;
  };
  auto make = [&](int64_t T, int64_t n) {
    Buffers b;
    b.x = Tensor::empty({T, n}, Device::kCUDA);
    b.out = Tensor::empty({T, n}, Device::kCUDA);
    b.saved = Tensor::empty({T, saved_floats, n}, Device::kCUDA);
    b.grad_out = zeros({T, n}, Device::kCUDA);
    b.grad_x = Tensor::empty({T, n}, Device::kCUDA);
    for (int s = 0; s < kS; ++s) {
      b.s0.push_back(full({n}, spec.initial_state[static_cast<size_t>(s)], Device::kCUDA));
      b.finals.push_back(Tensor::empty({n}, Device::kCUDA));
      b.grad_s0.push_back(Tensor::empty({n}, Device::kCUDA));
    }
    return b;
  };
  auto forward = [&](Buffers& b, bool save) {
    kernels::NeuronForwardArgs a;
    a.steps = b.x.size(0);
    a.elements = b.x.size(1);
    a.input = b.x.device_data();
    if (Model::kSpiking) {
      a.z = b.out.device_data();
    } else {
      a.record[spec.output_state] = b.out.device_data();
    }
    for (int s = 0; s < kS; ++s) {
      a.state0[s] = b.s0[static_cast<size_t>(s)].device_data();
      a.final_state[s] = b.finals[static_cast<size_t>(s)].device_data();
    }
    a.saved = save ? b.saved.device_data() : nullptr;
    a.saved_kind = saved_kind;
    kernels::cuda_neuron_sequence_forward<Model>(params, a);
  };
  auto backward = [&](Buffers& b) {
    kernels::NeuronBackwardArgs a;
    a.steps = b.x.size(0);
    a.elements = b.x.size(1);
    a.input = b.x.device_data();
    a.saved = b.saved.device_data();
    a.saved_kind = saved_kind;
    if (Model::kSpiking) {
      a.grad_z = b.grad_out.device_data();
    } else {
      a.grad_record[spec.output_state] = b.grad_out.device_data();
    }
    a.grad_input = b.grad_x.device_data();
    for (int s = 0; s < kS; ++s) a.grad_state0[s] = b.grad_s0[static_cast<size_t>(s)].device_data();
    kernels::cuda_neuron_sequence_backward<Model>(params, a);
  };

  // Input scale: ~7% spiking neuron-steps for spiking models (found on T=100, 64K neurons).
  Generator gen(1);
  const Tensor pattern = rand({int64_t{1} << 20}, gen).to(Device::kCUDA);
  float scale = 1.0f;
  if (Model::kSpiking) {
    Buffers probe = make(100, int64_t{1} << 16);
    bench::fill_repeating(probe.x, pattern);  // the probe (6.5 M) is larger than the pattern (1 M)
    const Tensor unit = probe.x.clone();
    for (float s = 0.1f; s < 20.0f; s *= 1.05f) {
      scale = s;
      probe.x.copy_(mul(unit, s));
      forward(probe, false);
      if (mean(probe.out).item() >= 0.07f) break;
    }
  }
  const Tensor scaled = mul(pattern, scale);

  {  // Validation against the unfused tape on the GPU, 4096 neurons.
    const int64_t T = 100, n = 4096;
    Buffers b = make(T, n);
    b.x.view({-1}).copy_(scaled.slice(0, 0, T * n));
    Variable xv(b.x.view({T, 4, 1024}), true);
    const Variable ref = spec.unfused(xv);
    Generator gg(2);
    const Tensor g = randn({T, 4, 1024}, gg).to(Device::kCUDA);
    ref.backward(g);
    b.grad_out.copy_(g.view({T, n}));
    forward(b, true);
    backward(b);
    const std::vector<float> a = b.out.to_vector(), r = ref.value().to_vector();
    const std::vector<float> ga = b.grad_x.to_vector(), gr = xv.grad().to_vector();
    double worst = 0.0, worst_grad = 0.0;
    size_t flips = 0;
    for (size_t k = 0; k < a.size(); ++k) {
      if (Model::kSpiking) {
        flips += a[k] != r[k] ? 1 : 0;
      } else {
        worst = std::fmax(worst, std::fabs(a[k] - r[k]) / (1.0 + std::fabs(r[k])));
      }
      worst_grad = std::fmax(worst_grad, std::fabs(ga[k] - gr[k]) / (1.0 + std::fabs(gr[k])));
    }
    const bool ok = Model::kSpiking ? (static_cast<double>(flips) <= 1e-4 * static_cast<double>(a.size()) &&
                                       (flips > 0 || worst_grad <= 1e-3))
                                    : (worst <= 1e-5 && worst_grad <= 1e-3);
    std::printf(
        "%s validation vs the unfused GPU tape: %zu spike flips, output rel. error %.2e, grad_x rel. error %.2e%s\n",
        spec.name.c_str(), flips, worst, worst_grad, flips > 0 ? " (grad not comparable after a flip)" : "");
    if (!ok) {
      std::printf("FAIL %s: the fused loop disagrees with the unfused tape\n", spec.name.c_str());
      return 1;
    }
  }

  for (const int64_t T : {int64_t{100}, int64_t{1000}}) {
    for (const int64_t n : {int64_t{1} << 16, int64_t{1} << 20, int64_t{1} << 24}) {
      const double total = static_cast<double>(T) * static_cast<double>(n);
      const double need = (4.0 + kS) * total * 4.0;
      const double free_bytes = static_cast<double>(norse::cuda::device_free_bytes());
      if (need > 0.8 * free_bytes) {
        std::printf("BENCH %s_cuda T=%lld N=%lld not run: needs %.1f GiB\n", spec.name.c_str(),
                    static_cast<long long>(T), static_cast<long long>(n), need / (1 << 30));
        continue;
      }
      double rate_sum = 0.0;
      float fwd_ms = 1e30f, both_ms = 1e30f;
      {
        Buffers b = make(T, n);
        bench::fill_repeating(b.x, scaled);
        EventTimer timer;
        for (int r = 0; r < 4; ++r) {  // the first is a warm-up
          timer.start();
          forward(b, true);
          const float ms = timer.stop_ms();
          timer.start();
          forward(b, true);
          backward(b);
          const float ms2 = timer.stop_ms();
          if (r > 0) {
            fwd_ms = std::fmin(fwd_ms, ms);
            both_ms = std::fmin(both_ms, ms2);
          }
        }
        if (Model::kSpiking) rate_sum = sum(b.out).item() / total;
      }
      // The unfused tape: ~12 tensors of [n] per step live until backward.
      std::string unfused = "unfused not run (tape too large)";
      const double tape_bytes = 12.0 * total * 4.0;
      if (tape_bytes < 0.5 * static_cast<double>(norse::cuda::device_free_bytes())) {
        const Tensor x = Tensor::empty({T, n}, Device::kCUDA);
        bench::fill_repeating(x, scaled);
        EventTimer timer;
        float u_fwd = 0.0f, u_both = 0.0f;
        {
          NoGradGuard no_grad;
          spec.unfused(Variable(x.view({T, n / 1024, 1024})));  // warm-up (allocator cache)
          timer.start();
          spec.unfused(Variable(x.view({T, n / 1024, 1024})));
          u_fwd = timer.stop_ms();
        }
        {
          timer.start();
          Variable xv(x.view({T, n / 1024, 1024}), true);
          const Variable out = spec.unfused(xv);
          out.backward(ones_like(out.value()));
          u_both = timer.stop_ms();
        }
        char buf[256];
        std::snprintf(buf, sizeof(buf),
                      "unfused_fwd %.3e neuron-steps/s (fused %.1fx) | unfused_fwd+bwd %.3e (fused %.1fx)",
                      total / (u_fwd * 1e-3), u_fwd / fwd_ms, total / (u_both * 1e-3), u_both / both_ms);
        unfused = buf;
      }
      const double fwd_gbps = fwd_bytes * total / (fwd_ms * 1e-3) / 1e9;
      const double both_gbps = both_bytes * total / (both_ms * 1e-3) / 1e9;
      std::printf(
          "BENCH %s_cuda T=%lld N=%lld spike_rate=%.3f fused_fwd %.3e neuron-steps/s %.0f GB/s (%.0f%% of copy) | "
          "fused_fwd+bwd %.3e neuron-steps/s %.0f GB/s (%.0f%%) | %s\n",
          spec.name.c_str(), static_cast<long long>(T), static_cast<long long>(n), rate_sum, total / (fwd_ms * 1e-3),
          fwd_gbps, 100.0 * fwd_gbps / peak, total / (both_ms * 1e-3), both_gbps, 100.0 * both_gbps / peak,
          unfused.c_str());
      std::fflush(stdout);
    }
  }
  return 0;
}

}  // namespace

int main() {
  if (bench::skip_without_gpu("neuron_cuda_benchmark")) return 0;
  const double peak = norse::cuda::device_copy_bandwidth_gbps();
  std::printf("measured device copy bandwidth: %.0f GB/s\n", peak);
  const float dt = 1e-3f;
  int failures = 0;

  Spec lif;
  lif.name = "lif";
  lif.params = {200.0f, 100.0f, 0.0f, 1.0f, 0.0f};  // Norse's LIFParameters defaults
  lif.initial_state = {0.0f, 0.0f};
  lif.unfused = [](const Variable& x) { return bench::unfused_lif(x, bench::device_superspike); };
  failures += run<kernels::LIFModel>(lif, peak);

  Spec lif_box;
  lif_box.name = "lif_box";
  lif_box.params = {100.0f, 0.0f, 1.0f, 0.0f};  // Norse's LIFBoxParameters defaults
  lif_box.initial_state = {0.0f};
  lif_box.unfused = [dt](const Variable& x) {
    const Device d = x.value().device();
    Variable v(zeros({x.size(1), x.size(2)}, d));
    std::vector<Variable> zs;
    for (int64_t t = 0; t < x.size(0); ++t) {
      const Variable v1 = v + mul((select(x, 0, t) + 0.0f) - v, dt * 100.0f);
      const Variable z = bench::device_superspike(v1 - 1.0f);
      v = (1.0f - z) * v1;
      zs.push_back(z);
    }
    return stack(zs, 0);
  };
  failures += run<kernels::LIFBoxModel>(lif_box, peak);

  Spec li;
  li.name = "li";
  li.params = {200.0f, 100.0f, 0.0f};  // Norse's LIParameters defaults
  li.initial_state = {0.0f, 0.0f};
  li.output_state = 0;  // v
  li.unfused = bench::unfused_li;
  failures += run<kernels::LIModel>(li, peak);

  Spec lsnn;
  lsnn.name = "lsnn";
  lsnn.params = {200.0f, 100.0f, 1.0f / 800.0f, 0.0f, 1.0f, 0.0f, 1.8f};  // Norse's defaults, beta 1.8
  lsnn.initial_state = {0.0f, 0.0f, 1.0f};
  lsnn.unfused = [](const Variable& x) { return bench::unfused_lsnn(x, bench::device_superspike); };
  failures += run<kernels::LSNNModel>(lsnn, peak);

  std::printf("NORSE_TEST_SUMMARY passed=%d failed=%d skipped=0\n", failures == 0 ? 1 : 0, failures == 0 ? 0 : 1);
  return failures == 0 ? 0 : 1;
}
