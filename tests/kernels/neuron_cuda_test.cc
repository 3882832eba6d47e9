// The generic CUDA fused loops (kernels/neuron_cuda.h) against the CPU loops
// (kernels/neuron_sequence.h) for LIF, LIFBox, LI and LSNN, with and without parameter gradients,
// for a deterministic and a stochastic surrogate. Forward outputs bit-identical; backward to
// float rounding. Skipped, with the reason, where the process sees no CUDA device.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "core/cuda_runtime.h"
#include "kernels/li_math.h"
#include "kernels/neuron_cuda.h"
#include "kernels/neuron_sequence.h"
#include "kernels/spiking_math.h"
#include "tests/testing/gpu.h"
#include "tests/testing/skip.h"
#include "tests/testing/vector_compare.h"

using namespace norse;
using namespace norse::kernels;
using norse::cuda::DeviceBuffer;

namespace {

using norse::testing::random_vector;
using norse::testing::require_close;
constexpr float kAtol = 1e-5f;  // plus 1e-4 relative

// Runs Model forward and backward on both devices and compares. `param_values` per parameter.
template <class Model>
void compare_model(const std::vector<float>& param_values, float input_hi, Surrogate method, bool params_grad,
                   SavedKind kind = SavedKind::kState) {
  constexpr int kS = Model::kStates, kP = Model::kParams;
  const int64_t steps = 40, n = 1500;
  const size_t total = static_cast<size_t>(steps * n);
  std::mt19937 rng(13);
  const std::vector<float> x = random_vector(total, 0.0f, input_hi, rng);
  const std::vector<float> grad_z = random_vector(total, -1.0f, 1.0f, rng);
  std::vector<std::vector<float>> state0, grad_final;
  for (int s = 0; s < kS; ++s) {
    state0.push_back(random_vector(static_cast<size_t>(n), 0.0f, 0.5f, rng));
    grad_final.push_back(random_vector(static_cast<size_t>(n), -1.0f, 1.0f, rng));
  }
  NeuronParams<Model> cpu_p;
  cpu_p.method = method;
  NeuronParams<Model> gpu_p = cpu_p;
  std::vector<DeviceBuffer> dparams;
  for (int q = 0; q < kP; ++q) {
    cpu_p.params[q] = {&param_values[static_cast<size_t>(q)], 1};
    dparams.emplace_back(std::vector<float>{param_values[static_cast<size_t>(q)]});
    gpu_p.params[q] = {dparams.back().data(), 1};
  }
  // CPU.
  const size_t saved_per_step = static_cast<size_t>(saved_floats<Model>(kind));
  std::vector<float> z(total), saved(total * saved_per_step);
  std::vector<std::vector<float>> final_state(kS, std::vector<float>(static_cast<size_t>(n)));
  NeuronForwardArgs f;
  f.steps = steps;
  f.elements = n;
  f.input = x.data();
  for (int s = 0; s < kS; ++s) {
    f.state0[s] = state0[static_cast<size_t>(s)].data();
    f.final_state[s] = final_state[static_cast<size_t>(s)].data();
  }
  f.z = z.data();
  f.saved = saved.data();
  f.saved_kind = kind;
  f.seed = 5;
  neuron_sequence_forward(cpu_p, f);
  // GPU.
  const DeviceBuffer dx(x), dgz(grad_z);
  std::vector<DeviceBuffer> dstate0, dfinal, dgrad_final;
  for (int s = 0; s < kS; ++s) {
    dstate0.emplace_back(state0[static_cast<size_t>(s)]);
    dfinal.emplace_back(static_cast<size_t>(n));
    dgrad_final.emplace_back(grad_final[static_cast<size_t>(s)]);
  }
  DeviceBuffer dz(total), dsaved(total * saved_per_step);
  NeuronForwardArgs g = f;
  g.input = dx.data();
  for (int s = 0; s < kS; ++s) {
    g.state0[s] = dstate0[static_cast<size_t>(s)].data();
    g.final_state[s] = dfinal[static_cast<size_t>(s)].data();
  }
  g.z = dz.data();
  g.saved = dsaved.data();
  cuda_neuron_sequence_forward(gpu_p, g);
  norse::cuda::synchronize();
  if (Model::kSpiking) REQUIRE(dz.download() == z);
  REQUIRE(dsaved.download() == saved);
  for (int s = 0; s < kS; ++s)
    REQUIRE(dfinal[static_cast<size_t>(s)].download() == final_state[static_cast<size_t>(s)]);
  // Backward.
  std::vector<float> gx(total);
  std::vector<std::vector<float>> g0(kS, std::vector<float>(static_cast<size_t>(n))),
      gp(kP, std::vector<float>(static_cast<size_t>(n)));
  NeuronBackwardArgs b;
  b.steps = steps;
  b.elements = n;
  b.input = x.data();
  b.saved = saved.data();
  b.saved_kind = kind;
  b.grad_z = Model::kSpiking ? grad_z.data() : nullptr;
  for (int s = 0; s < kS; ++s) {
    b.grad_final[s] = grad_final[static_cast<size_t>(s)].data();
    b.grad_state0[s] = g0[static_cast<size_t>(s)].data();
  }
  if (params_grad) {
    for (int q = 0; q < kP; ++q) b.grad_params[q] = gp[static_cast<size_t>(q)].data();
  }
  b.grad_input = gx.data();
  b.seed = 5;
  neuron_sequence_backward(cpu_p, b);
  DeviceBuffer dgx(total);
  std::vector<DeviceBuffer> dg0, dgp;
  for (int s = 0; s < kS; ++s) dg0.emplace_back(static_cast<size_t>(n));
  for (int q = 0; q < kP; ++q) dgp.emplace_back(static_cast<size_t>(n));
  NeuronBackwardArgs gb = b;
  gb.input = dx.data();
  gb.saved = dsaved.data();
  gb.grad_z = Model::kSpiking ? dgz.data() : nullptr;
  for (int s = 0; s < kS; ++s) {
    gb.grad_final[s] = dgrad_final[static_cast<size_t>(s)].data();
    gb.grad_state0[s] = dg0[static_cast<size_t>(s)].data();
  }
  for (int q = 0; q < kP; ++q) gb.grad_params[q] = params_grad ? dgp[static_cast<size_t>(q)].data() : nullptr;
  gb.grad_input = dgx.data();
  cuda_neuron_sequence_backward(gpu_p, gb);
  norse::cuda::synchronize();
  require_close(dgx.download(), gx, "grad_input", kAtol);
  for (int s = 0; s < kS; ++s)
    require_close(dg0[static_cast<size_t>(s)].download(), g0[static_cast<size_t>(s)], "grad_state0", kAtol);
  if (params_grad) {
    for (int q = 0; q < kP; ++q)
      require_close(dgp[static_cast<size_t>(q)].download(), gp[static_cast<size_t>(q)], "grad_params", kAtol);
  }
}

}  // namespace

TEST_CASE("CUDA generic loops equal the CPU loops: LIF, LIFBox, LI, LSNN", "[cuda][neurons]") {
  NORSE_REQUIRE_GPU();
  for (const Surrogate method : {Surrogate::kSuper, Surrogate::kCircDist}) {
    for (const bool params_grad : {false, true}) {
      CAPTURE(surrogate_name(method), params_grad);
      // LIF: tau_syn_inv, tau_mem_inv, v_leak, v_th, v_reset; the compact record (v1) unless
      // parameters train, as the op saves.
      compare_model<LIFModel>({200.0f, 100.0f, 0.0f, 1.0f, 0.0f}, 3.0f, method, params_grad,
                              params_grad ? SavedKind::kState : SavedKind::kCompact);
      // LIFBox: tau_mem_inv, v_leak, v_th, v_reset
      compare_model<LIFBoxModel>({100.0f, 0.0f, 1.0f, 0.0f}, 3.0f, method, params_grad);
      // LI: tau_syn_inv, tau_mem_inv, v_leak
      compare_model<LIModel>({200.0f, 100.0f, 0.0f}, 1.0f, method, params_grad);
      // LSNN: tau_syn_inv, tau_mem_inv, tau_adapt_inv, v_leak, v_th, v_reset, beta
      compare_model<LSNNModel>({200.0f, 100.0f, 1.0f / 800.0f, 0.0f, 1.0f, 0.0f, 1.8f}, 3.0f, method, params_grad);
    }
  }
}
