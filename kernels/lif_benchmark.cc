// LIF benchmark: the generic fused loop (kernels/neuron_sequence.h with LIFModel: its
// hand-written adjoint, the compact record v1) beside the unfused tape path, T=100, B=32,
// N=1024, ~7% spiking neuron-steps.
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
