// The CUDA recurrent loops (kernels/recurrent_cuda.h) against the CPU loops
// (kernels/recurrent_sequence.h) for LIF and LSNN. Inputs and recurrent weights are multiples
// of 2^-10 small enough that every sum of the recurrent current is exact in float, whatever
// order cuBLAS and Eigen add in: the forward must then agree bit for bit, and the backward to
// float rounding. Skipped, with the reason, where the process sees no CUDA device.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "core/cuda_runtime.h"
#include "kernels/recurrent_cuda.h"
#include "kernels/recurrent_sequence.h"
#include "kernels/spiking_math.h"
#include "tests/testing/gpu.h"
#include "tests/testing/skip.h"
#include "tests/testing/vector_compare.h"

using namespace norse;
using namespace norse::kernels;
using norse::cuda::DeviceBuffer;

namespace {

using norse::testing::require_close;
constexpr float kAtol = 1e-4f;  // plus 1e-4 relative

std::vector<float> dyadic(size_t n, float lo, float hi, std::mt19937& rng) {
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = std::round(d(rng) * 1024.0f) / 1024.0f;
  return v;
}

template <class Model>
void compare_recurrent(const std::vector<float>& param_values, bool params_grad) {
  constexpr int kS = Model::kStates, kP = Model::kParams;
  const int64_t steps = 30, batch = 37, hidden = 50, n = batch * hidden;
  const size_t total = static_cast<size_t>(steps * n);
  std::mt19937 rng(21);
  const std::vector<float> x = dyadic(total, 0.0f, 3.0f, rng);
  const std::vector<float> r = dyadic(static_cast<size_t>(hidden * hidden), -0.5f, 0.5f, rng);
  const std::vector<float> z0(static_cast<size_t>(n), 0.0f);
  std::vector<std::vector<float>> state0(kS, std::vector<float>(static_cast<size_t>(n), 0.0f));
  std::uniform_real_distribution<float> g(-1.0f, 1.0f);
  std::vector<float> grad_z(total);
  for (float& v : grad_z) v = g(rng);
  NeuronParams<Model> cpu_p;
  cpu_p.options.detach_reset = true;
  NeuronParams<Model> gpu_p = cpu_p;
  std::vector<DeviceBuffer> dparams;
  for (int q = 0; q < kP; ++q) {
    cpu_p.params[q] = {&param_values[static_cast<size_t>(q)], 1};
    dparams.emplace_back(std::vector<float>{param_values[static_cast<size_t>(q)]});
    gpu_p.params[q] = {dparams.back().data(), 1};
  }
  // CPU forward.
  std::vector<float> z(total), saved(total * kS), saved_current(total);
  std::vector<std::vector<float>> fin(kS, std::vector<float>(static_cast<size_t>(n)));
  RecurrentForwardArgs f;
  f.steps = steps;
  f.batch = batch;
  f.hidden = hidden;
  f.input_current = x.data();
  f.recurrent_weights = r.data();
  f.z0 = z0.data();
  for (int s = 0; s < kS; ++s) {
    f.state0[s] = state0[static_cast<size_t>(s)].data();
    f.final_state[s] = fin[static_cast<size_t>(s)].data();
  }
  f.z = z.data();
  f.saved = saved.data();
  f.saved_current = saved_current.data();
  recurrent_sequence_forward(cpu_p, f);
  // GPU forward.
  const DeviceBuffer dx(x), dr(r), dz0(z0), dgz(grad_z);
  std::vector<DeviceBuffer> dstate0, dfin;
  for (int s = 0; s < kS; ++s) {
    dstate0.emplace_back(state0[static_cast<size_t>(s)]);
    dfin.emplace_back(static_cast<size_t>(n));
  }
  DeviceBuffer dzz(total), dsaved(total * kS), dsaved_current(total);
  RecurrentForwardArgs gf = f;
  gf.input_current = dx.data();
  gf.recurrent_weights = dr.data();
  gf.z0 = dz0.data();
  for (int s = 0; s < kS; ++s) {
    gf.state0[s] = dstate0[static_cast<size_t>(s)].data();
    gf.final_state[s] = dfin[static_cast<size_t>(s)].data();
  }
  gf.z = dzz.data();
  gf.saved = dsaved.data();
  gf.saved_current = dsaved_current.data();
  cuda_recurrent_sequence_forward(gpu_p, gf);
  REQUIRE(dzz.download() == z);
  REQUIRE(dsaved_current.download() == saved_current);
  REQUIRE(dsaved.download() == saved);
  double spikes = 0.0;
  for (float v : z) spikes += v;
  REQUIRE(spikes > 0.0);
  // Backward.
  std::vector<float> g_current(total), g_r(static_cast<size_t>(hidden * hidden)), g_z0(static_cast<size_t>(n));
  std::vector<std::vector<float>> g_s0(kS, std::vector<float>(static_cast<size_t>(n))),
      g_p(kP, std::vector<float>(static_cast<size_t>(n)));
  RecurrentBackwardArgs b;
  b.steps = steps;
  b.batch = batch;
  b.hidden = hidden;
  b.recurrent_weights = r.data();
  b.z0 = z0.data();
  b.z = z.data();
  b.saved = saved.data();
  b.saved_current = saved_current.data();
  b.grad_z = grad_z.data();
  b.grad_input_current = g_current.data();
  b.grad_recurrent_weights = g_r.data();
  b.grad_z0 = g_z0.data();
  for (int s = 0; s < kS; ++s) b.grad_state0[s] = g_s0[static_cast<size_t>(s)].data();
  if (params_grad) {
    for (int q = 0; q < kP; ++q) b.grad_params[q] = g_p[static_cast<size_t>(q)].data();
  }
  recurrent_sequence_backward(cpu_p, b);
  DeviceBuffer dg_current(total), dg_r(static_cast<size_t>(hidden * hidden)), dg_z0(static_cast<size_t>(n));
  std::vector<DeviceBuffer> dg_s0, dg_p;
  for (int s = 0; s < kS; ++s) dg_s0.emplace_back(static_cast<size_t>(n));
  for (int q = 0; q < kP; ++q) dg_p.emplace_back(static_cast<size_t>(n));
  RecurrentBackwardArgs gb = b;
  gb.recurrent_weights = dr.data();
  gb.z0 = dz0.data();
  gb.z = dzz.data();
  gb.saved = dsaved.data();
  gb.saved_current = dsaved_current.data();
  gb.grad_z = dgz.data();
  gb.grad_input_current = dg_current.data();
  gb.grad_recurrent_weights = dg_r.data();
  gb.grad_z0 = dg_z0.data();
  for (int s = 0; s < kS; ++s) gb.grad_state0[s] = dg_s0[static_cast<size_t>(s)].data();
  for (int q = 0; q < kP; ++q) gb.grad_params[q] = params_grad ? dg_p[static_cast<size_t>(q)].data() : nullptr;
  cuda_recurrent_sequence_backward(gpu_p, gb);
  require_close(dg_current.download(), g_current, "grad_input_current", kAtol);
  require_close(dg_r.download(), g_r, "grad_recurrent_weights", kAtol);
  require_close(dg_z0.download(), g_z0, "grad_z0", kAtol);
  for (int s = 0; s < kS; ++s)
    require_close(dg_s0[static_cast<size_t>(s)].download(), g_s0[static_cast<size_t>(s)], "grad_state0", kAtol);
  if (params_grad) {
    for (int q = 0; q < kP; ++q)
      require_close(dg_p[static_cast<size_t>(q)].download(), g_p[static_cast<size_t>(q)], "grad_params", kAtol);
  }
}

}  // namespace

TEST_CASE("CUDA recurrent loops equal the CPU loops: LIF, LSNN", "[cuda][recurrent]") {
  NORSE_REQUIRE_GPU();
  for (const bool params_grad : {false, true}) {
    CAPTURE(params_grad);
    // LIF: tau_syn_inv, tau_mem_inv, v_leak, v_th, v_reset
    compare_recurrent<LIFModel>({200.0f, 100.0f, 0.0f, 1.0f, 0.0f}, params_grad);
    // LSNN: tau_syn_inv, tau_mem_inv, tau_adapt_inv, v_leak, v_th, v_reset, beta
    compare_recurrent<LSNNModel>({200.0f, 100.0f, 1.0f / 800.0f, 0.0f, 1.0f, 0.0f, 1.8f}, params_grad);
  }
}
