// LI (leaky integrator) benchmark: the generic fused loop (kernels/neuron_sequence.h with
// LIModel, backward by dual numbers) beside the unfused tape path, T=100, B=32, N=1024.
//
//   bazel test -c opt //kernels:li_benchmark --test_output=all
//
// Memory-traffic model (bytes per neuron-step); the output is the voltage of every step:
//   forward, inference   read x, write v                                            8
//   forward, training    + write the saved state before the step (v, i)           16
//   backward             read grad_v, x and the saved state, write grad_input     20
//   forward + backward                                                            36
#include "kernels/li_math.h"
#include "kernels/neuron_benchmark.h"

using namespace norse;

int main() {
  bench::NeuronBenchmarkSpec spec;
  spec.name = "li";
  spec.params = {200.0f, 100.0f, 0.0f};  // Norse's LIParameters defaults
  spec.initial_state = {0.0f, 0.0f};
  spec.output_state = 0;  // v
  spec.forward_bytes = 8;
  spec.forward_backward_bytes = 36;
  spec.unfused = bench::unfused_li;
  return bench::run_neuron_benchmark<kernels::LIModel>(spec);
}
