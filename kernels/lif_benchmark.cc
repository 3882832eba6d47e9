// LIF benchmark: the generic fused loop (kernels/neuron_sequence.h with LIFModel: its
// hand-written adjoint, the compact record v1) beside the unfused tape path, T=100, B=32,
// N=1024, ~7% spiking neuron-steps; and at the size of ConvNet4's first LIF layer.
//
//   bazel test //kernels:lif_benchmark --test_output=all
//
// Memory-traffic model (bytes per neuron-step), what the fused loops must move at least:
//   forward, inference        read x, write z                                   8
//   forward, for training     + write the saved pre-reset voltage v1           12
//   backward                  read grad_z and v1, write grad_input             12
//   forward + backward                                                         24
// Then again with a user-defined surrogate (the same derivative through a function pointer):
// lif_user_surrogate_fused_forward_backward is its cost.
#include <cmath>

#include "kernels/neuron_benchmark.h"
#include "kernels/spiking_math.h"

using namespace norse;

int main() {
  bench::NeuronBenchmarkSpec spec;
  spec.name = "lif";
  spec.params = {200.0f, 100.0f, 0.0f, 1.0f, 0.0f};  // Norse's LIFParameters defaults
  spec.initial_state = {0.0f, 0.0f};                 // v = v_leak, i = 0
  spec.forward_bytes = 8;
  spec.forward_backward_bytes = 24;
  spec.unfused = [](const Variable& x) { return bench::unfused_lif(x, bench::superspike); };
  if (bench::run_neuron_benchmark<kernels::LIFModel>(spec) != 0) return 1;
  // ConvNet4's first LIF layer in the MNIST step (T = 32, B = 32, 32 x 24 x 24 neurons): 75 MB
  // per [T, B, N] tensor, far out of cache, where the backward's reads were seen to stall.
  bench::NeuronBenchmarkSpec conv1 = spec;
  conv1.name = "lif_convnet4_conv1";
  conv1.steps = 32;
  conv1.neurons = 32 * 24 * 24;
  conv1.time_unfused = false;
  if (bench::run_neuron_benchmark<kernels::LIFModel>(conv1) != 0) return 1;
  // The cost of a user-defined surrogate (register_user_surrogate): SuperSpike's derivative
  // again, but called through a function pointer per neuron-step.
  register_user_surrogate([](float x, float alpha) {
    const float d = alpha * std::fabs(x) + 1.0f;
    return 1.0f / (d * d);
  });
  spec.name = "lif_user_surrogate";
  spec.method = Surrogate::kUser;
  spec.time_unfused = false;
  return bench::run_neuron_benchmark<kernels::LIFModel>(spec);
}
