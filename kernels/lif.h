// Fused LIF time loops on raw pointers: the whole [T, ...] sequence is one call, walking time
// in the inner loop over contiguous blocks of neurons (kernels/lif_cpu.cc). They know nothing
// of the tape; models/lif.cc wraps them as one tape node.
//
// Layout: time-major. Every per-step array is [steps, elements] with `elements` = B * (trailing
// dims) contiguous per step; state arrays are [elements].
//
// Parameters: each is a ParamRef; the value for element e is data[e % size], so a scalar
// (size 1) or a tensor of the trailing dims (e.g. per-neuron [N]) broadcasts over the batch.
//
// Outputs marked (=) are overwritten. Results are bitwise identical for any thread count:
// threads own disjoint blocks of elements, and parameter-gradient partials are per element.
//
// Saved for backward (bytes per neuron-step):
//   saved_v1 (4): the pre-reset voltage, always; z is recomputed from it (deterministic
//                 methods) or read from the z output (stochastic methods).
//   saved_i1, saved_v (4 + 4): only when a parameter needs a gradient.
#ifndef NORSE_KERNELS_LIF_H_
#define NORSE_KERNELS_LIF_H_

#include <cstdint>

#include "kernels/surrogate_math.h"

namespace norse {
namespace kernels {

// A broadcast parameter: element e reads data[e % size].
struct ParamRef {
  const float* data = nullptr;
  int64_t size = 1;
};

namespace lif {

struct SequenceParams {
  ParamRef tau_syn_inv, tau_mem_inv, v_leak, v_th, v_reset;
  float dt = 1e-3f;
  float alpha = 100.0f;
  Surrogate method = Surrogate::kSuper;
  // Feed-forward LIF does not detach the reset (Norse); the recurrent flavours do.
  bool detach_reset = false;
};

struct SequenceForwardArgs {
  int64_t steps = 0, elements = 0;
  const float* input = nullptr;   // [steps, elements]
  const float* v0 = nullptr;      // [elements]
  const float* i0 = nullptr;      // [elements]
  float* z = nullptr;             // [steps, elements] (=)
  float* v_record = nullptr;      // [steps, elements] (=) v2 after every step, or null
  float* i_record = nullptr;      // [steps, elements] (=) i2 after every step, or null
  float* v_final = nullptr;       // [elements] (=)
  float* i_final = nullptr;       // [elements] (=)
  float* saved_v1 = nullptr;      // [steps, elements] (=) for backward, or null
  float* saved_i1 = nullptr;      // [steps, elements] (=) for parameter gradients, or null
  float* saved_v = nullptr;       // [steps, elements] (=) for parameter gradients, or null
  uint64_t seed = 0, offset = 0;  // Philox stream of the stochastic methods
};

void sequence_forward(const SequenceParams& params, const SequenceForwardArgs& args);

struct SequenceBackwardArgs {
  int64_t steps = 0, elements = 0;
  const float* z = nullptr;              // [steps, elements] the forward's spikes
  const float* saved_v1 = nullptr;       // [steps, elements]
  const float* saved_i1 = nullptr;       // [steps, elements], needed iff grad_params
  const float* saved_v = nullptr;        // [steps, elements], needed iff grad_params
  const float* grad_z = nullptr;         // [steps, elements] (required)
  const float* grad_v_record = nullptr;  // [steps, elements] or null
  const float* grad_i_record = nullptr;  // [steps, elements] or null
  const float* grad_v_final = nullptr;   // [elements] or null
  const float* grad_i_final = nullptr;   // [elements] or null
  float* grad_input = nullptr;           // [steps, elements] (=)
  float* grad_v0 = nullptr;              // [elements] (=)
  float* grad_i0 = nullptr;              // [elements] (=)
  // Per-element parameter-gradient partials summed over time, [elements] (=) each, or all
  // null: tau_syn_inv, tau_mem_inv, v_leak, v_th, v_reset.
  float* grad_params[5] = {nullptr, nullptr, nullptr, nullptr, nullptr};
};

void sequence_backward(const SequenceParams& params, const SequenceBackwardArgs& args);

}  // namespace lif
}  // namespace kernels
}  // namespace norse

#endif  // NORSE_KERNELS_LIF_H_
