// LSNN benchmark: the generic fused loop (kernels/neuron_sequence.h with LSNNModel, backward by
// dual numbers) beside the unfused tape path, T=100, B=32, N=1024, ~7% spiking neuron-steps.
//
//   bazel test -c opt //kernels:lsnn_benchmark --test_output=all
//
// Memory-traffic model (bytes per neuron-step):
//   forward, inference   read x, write z                                            8
//   forward, training    + write the saved state before the step (v, i, b)        20
//   backward             read grad_z, x and the saved state, write grad_input     24
//   forward + backward                                                            44
#include "kernels/neuron_benchmark.h"
#include "kernels/spiking_math.h"

using namespace norse;

int main() {
  bench::NeuronBenchmarkSpec spec;
  spec.name = "lsnn";
  // Norse's LSNNParameters defaults, tau_adapt_inv = 1/800, beta = 1.8.
  spec.params = {200.0f, 100.0f, 1.0f / 800.0f, 0.0f, 1.0f, 0.0f, 1.8f};
  spec.initial_state = {0.0f, 0.0f, 1.0f};  // v = v_leak, i = 0, b = v_th
  spec.forward_bytes = 8;
  spec.forward_backward_bytes = 44;
  spec.unfused = [](const Variable& x) { return bench::unfused_lsnn(x, bench::superspike); };
  return bench::run_neuron_benchmark<kernels::LSNNModel>(spec);
}
