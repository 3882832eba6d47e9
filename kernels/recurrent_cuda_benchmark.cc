// CUDA benchmark of the recurrent loops (kernels/recurrent_cuda.h: per step one cuBLAS GEMM
// z_{t-1} @ R^T and one fused element-wise kernel; backward one kernel and two GEMMs per step) for
// LIF and LSNN, at H = 256 hidden neurons, T in {100, 1000} x B*H in {64K, 1M, 16M}: forward (for
// training) and forward + backward as neuron-steps per second and GEMM throughput, beside the
// unfused step on the GPU tape (matmul + element-wise tape ops per step, forward and backward)
// where its tape fits in half the free memory.
//
//   bazel test -c opt --config=cuda //kernels:recurrent_cuda_benchmark --test_output=all
//
// Recurrent layers are GEMM-bound at this size (2 B H^2 flops per step forward, 4 B H^2 backward),
// so the figure of merit is GEMM TFLOP/s, not bandwidth. Validation first (B*H = 4096): the fused
// spikes equal the tape's but for at most 1e-4 of them flipping at the threshold (the two GEMMs
// may sum in different orders). Without a CUDA device it reports itself skipped, never passed.
#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "core/core.h"
#include "core/cuda_runtime.h"
#include "kernels/cuda_benchmark_util.h"
#include "kernels/recurrent_cuda.h"
#include "kernels/spiking_math.h"

using namespace norse;
using norse::cuda::DeviceBuffer;
using norse::cuda::EventTimer;

namespace {

constexpr int64_t kHidden = 256;

struct Spec {
  std::string name;
  std::vector<float> params, initial_state;
  // The unfused layer on the tape: x [T, B, H] (the input projection), r [H, H] -> z [T, B, H].
  std::function<Variable(const Variable&, const Variable&)> unfused;
};

template <class Model>
int run(const Spec& spec) {
  constexpr int kS = Model::kStates;
  const DeviceBuffer dparams(spec.params);
  kernels::NeuronParams<Model> params;
  for (int k = 0; k < Model::kParams; ++k) params.params[k] = kernels::ParamRef{dparams.data() + k, 1};
  Generator gen(5);
  // Recurrent weights U(-0.05, 0.05) and inputs U(0, scale): a moderate spike rate.
  const Tensor r = rand({kHidden, kHidden}, gen, -0.05f, 0.05f).to(Device::kCUDA);
  const Tensor pattern = rand({int64_t{1} << 20}, gen, 0.0f, 0.5f).to(Device::kCUDA);

  struct Buffers {
    Tensor x, z, saved, saved_current, grad_z, grad_x, grad_r, z0, grad_z0;
    std::vector<Tensor> s0, finals, grad_s0;
  };
  auto make = [&](int64_t T, int64_t batch) {
    const int64_t n = batch * kHidden;
    Buffers b;
    b.x = Tensor::empty({T, batch, kHidden}, Device::kCUDA);
    bench::fill_repeating(b.x, pattern);
    b.z = Tensor::empty({T, batch, kHidden}, Device::kCUDA);
    b.saved = Tensor::empty({T, kS, n}, Device::kCUDA);
    b.saved_current = Tensor::empty({T, batch, kHidden}, Device::kCUDA);
    b.grad_z = zeros({T, batch, kHidden}, Device::kCUDA);
    b.grad_x = Tensor::empty({T, batch, kHidden}, Device::kCUDA);
    b.grad_r = Tensor::empty({kHidden, kHidden}, Device::kCUDA);
    b.z0 = zeros({batch, kHidden}, Device::kCUDA);
    b.grad_z0 = Tensor::empty({batch, kHidden}, Device::kCUDA);
    for (int s = 0; s < kS; ++s) {
      b.s0.push_back(full({batch, kHidden}, spec.initial_state[static_cast<size_t>(s)], Device::kCUDA));
      b.finals.push_back(Tensor::empty({batch, kHidden}, Device::kCUDA));
      b.grad_s0.push_back(Tensor::empty({batch, kHidden}, Device::kCUDA));
    }
    return b;
  };
  auto forward = [&](Buffers& b) {
    kernels::RecurrentForwardArgs a;
    a.steps = b.x.size(0);
    a.batch = b.x.size(1);
    a.hidden = kHidden;
    a.input_current = b.x.device_data();
    a.recurrent_weights = r.device_data();
    a.z0 = b.z0.device_data();
    a.z = b.z.device_data();
    for (int s = 0; s < kS; ++s) {
      a.state0[s] = b.s0[static_cast<size_t>(s)].device_data();
      a.final_state[s] = b.finals[static_cast<size_t>(s)].device_data();
    }
    a.saved = b.saved.device_data();
    a.saved_current = b.saved_current.device_data();
    kernels::cuda_recurrent_sequence_forward<Model>(params, a);
  };
  auto backward = [&](Buffers& b) {
    kernels::RecurrentBackwardArgs a;
    a.steps = b.x.size(0);
    a.batch = b.x.size(1);
    a.hidden = kHidden;
    a.recurrent_weights = r.device_data();
    a.z0 = b.z0.device_data();
    a.z = b.z.device_data();
    a.saved = b.saved.device_data();
    a.saved_current = b.saved_current.device_data();
    a.grad_z = b.grad_z.device_data();
    a.grad_input_current = b.grad_x.device_data();
    a.grad_recurrent_weights = b.grad_r.device_data();
    a.grad_z0 = b.grad_z0.device_data();
    for (int s = 0; s < kS; ++s) a.grad_state0[s] = b.grad_s0[static_cast<size_t>(s)].device_data();
    kernels::cuda_recurrent_sequence_backward<Model>(params, a);
  };

  {  // Validation against the tape on the GPU.
    Buffers b = make(100, 16);
    forward(b);
    const Variable ref = spec.unfused(Variable(b.x), Variable(r));
    const std::vector<float> a = b.z.to_vector(), e = ref.value().to_vector();
    size_t flips = 0;
    double spikes = 0.0;
    for (size_t k = 0; k < a.size(); ++k) {
      flips += a[k] != e[k] ? 1 : 0;
      spikes += a[k];
    }
    std::printf("%s recurrent validation vs the GPU tape: spike rate %.3f, %zu of %zu spikes differ\n",
                spec.name.c_str(), spikes / static_cast<double>(a.size()), flips, a.size());
    if (static_cast<double>(flips) > 1e-4 * static_cast<double>(a.size())) {
      std::printf("FAIL %s recurrent: the fused loop disagrees with the tape\n", spec.name.c_str());
      return 1;
    }
  }

  for (const int64_t T : {int64_t{100}, int64_t{1000}}) {
    for (const int64_t n : {int64_t{1} << 16, int64_t{1} << 20, int64_t{1} << 24}) {
      const int64_t batch = n / kHidden;
      const double total = static_cast<double>(T) * static_cast<double>(n);
      const double need = (5.0 + kS) * total * 4.0;
      if (need > 0.8 * static_cast<double>(norse::cuda::device_free_bytes())) {
        std::printf("BENCH %s_recurrent_cuda T=%lld N=%lld not run: needs %.1f GiB\n", spec.name.c_str(),
                    static_cast<long long>(T), static_cast<long long>(n), need / (1 << 30));
        continue;
      }
      float fwd_ms = 1e30f, both_ms = 1e30f;
      {
        Buffers b = make(T, batch);
        EventTimer timer;
        for (int rep = 0; rep < 3; ++rep) {  // the first is a warm-up
          timer.start();
          forward(b);
          const float ms = timer.stop_ms();
          timer.start();
          forward(b);
          backward(b);
          const float ms2 = timer.stop_ms();
          if (rep > 0) {
            fwd_ms = std::fmin(fwd_ms, ms);
            both_ms = std::fmin(both_ms, ms2);
          }
        }
      }
      const double gemm_fwd = 2.0 * static_cast<double>(batch) * kHidden * kHidden * static_cast<double>(T);
      std::string unfused = "unfused not run (tape too large)";
      if (16.0 * total * 4.0 < 0.5 * static_cast<double>(norse::cuda::device_free_bytes())) {
        const Buffers b = make(T, batch);
        EventTimer timer;
        float u_fwd = 0.0f, u_both = 0.0f;
        {
          NoGradGuard no_grad;
          spec.unfused(Variable(b.x), Variable(r));  // warm-up (allocator cache)
          timer.start();
          spec.unfused(Variable(b.x), Variable(r));
          u_fwd = timer.stop_ms();
        }
        timer.start();
        Variable xv(b.x, true), rv(r, true);
        const Variable out = spec.unfused(xv, rv);
        out.backward(ones_like(out.value()));
        u_both = timer.stop_ms();
        char buf[256];
        std::snprintf(buf, sizeof(buf),
                      "unfused_fwd %.3e neuron-steps/s (fused %.1fx) | unfused_fwd+bwd %.3e (fused %.1fx)",
                      total / (u_fwd * 1e-3), u_fwd / fwd_ms, total / (u_both * 1e-3), u_both / both_ms);
        unfused = buf;
      }
      std::printf(
          "BENCH %s_recurrent_cuda H=%lld T=%lld N=%lld fused_fwd %.3e neuron-steps/s %.1f GEMM TFLOP/s | "
          "fused_fwd+bwd %.3e neuron-steps/s %.1f TFLOP/s | %s\n",
          spec.name.c_str(), static_cast<long long>(kHidden), static_cast<long long>(T), static_cast<long long>(n),
          total / (fwd_ms * 1e-3), gemm_fwd / (fwd_ms * 1e-3) / 1e12, total / (both_ms * 1e-3),
          3.0 * gemm_fwd / (both_ms * 1e-3) / 1e12, unfused.c_str());
      std::fflush(stdout);
    }
  }
  return 0;
}

}  // namespace

int main() {
  if (bench::skip_without_gpu("recurrent_cuda_benchmark")) return 0;
  const float dt = 1e-3f;
  int failures = 0;

  Spec lif;
  lif.name = "lif";
  lif.params = {200.0f, 100.0f, 0.0f, 1.0f, 0.0f};  // Norse's LIFParameters defaults
  lif.initial_state = {0.0f, 0.0f};
  lif.unfused = [dt](const Variable& x, const Variable& r) {
    const Device d = x.value().device();
    const Shape shape = {x.size(1), x.size(2)};
    Variable v(zeros(shape, d)), i(zeros(shape, d)), z(zeros(shape, d));
    const Variable rt = transpose(r, 0, 1);
    std::vector<Variable> zs;
    for (int64_t t = 0; t < x.size(0); ++t) {
      const Variable i1 = i + (select(x, 0, t) + matmul(z, rt));
      const Variable v1 = v + mul((0.0f - v) + i1, dt * 100.0f);
      i = i1 - mul(i1, dt * 200.0f);
      z = bench::device_superspike(v1 - 1.0f);
      v = (1.0f - z) * v1;
      zs.push_back(z);
    }
    return stack(zs, 0);
  };
  failures += run<kernels::LIFModel>(lif);

  Spec lsnn;
  lsnn.name = "lsnn";
  lsnn.params = {200.0f, 100.0f, 1.0f / 800.0f, 0.0f, 1.0f, 0.0f, 1.8f};
  lsnn.initial_state = {0.0f, 0.0f, 1.0f};
  lsnn.unfused = [dt](const Variable& x, const Variable& r) {
    const Device d = x.value().device();
    const Shape shape = {x.size(1), x.size(2)};
    Variable v(zeros(shape, d)), i(zeros(shape, d)), b(full(shape, 1.0f, d)), z(zeros(shape, d));
    const Variable rt = transpose(r, 0, 1);
    std::vector<Variable> zs;
    for (int64_t t = 0; t < x.size(0); ++t) {
      const Variable total = select(x, 0, t) + matmul(z, rt);
      const Variable v1 = v + mul((0.0f - v) + i, dt * 100.0f);
      const Variable i1 = i - mul(i, dt * 200.0f);
      const Variable b1 = b + mul(1.0f - b, dt / 800.0f);
      z = bench::device_superspike(v1 - b1);
      v = (1.0f - z) * v1;
      b = b1 + z * 1.8f;
      i = i1 + total;
      zs.push_back(z);
    }
    return stack(zs, 0);
  };
  failures += run<kernels::LSNNModel>(lsnn);

  std::printf("NORSE_TEST_SUMMARY passed=%d failed=%d skipped=0\n", failures == 0 ? 1 : 0, failures == 0 ? 0 : 1);
  return failures == 0 ? 0 : 1;
}
