// Norse's leaky integrate-and-fire neuron (norse/torch/functional/lif.py, module/lif.py):
// parameters with Norse's names and defaults, its state, and the flavours as tape ops.
//
//   lif_sequence / LIF       input [T, B, ...] -> spikes [T, B, ...]; ONE tape node running
//                            the fused loop of kernels/lif_cpu.cc and its hand-written backward
//   lif_step / LIFCell       input [B, ...], one step (the same fused op with T = 1)
//
// Equations, order of evaluation and the (not detached) reset: kernels/lif_math.h.
// Parameters are Variables: scalars (shape []) or tensors matching the trailing dimensions of
// the neuron shape (e.g. per-neuron [N]); mark them requires_grad to train them.
// Default initial state (a State with undefined fields): v = v_leak (detached), i = 0.
#ifndef NORSE_MODELS_LIF_H_
#define NORSE_MODELS_LIF_H_

#include "core/core.h"
#include "kernels/spiking_math.h"
#include "kernels/surrogate.h"
#include "models/neuron_spec.h"

namespace norse {
namespace lif {

// Norse's LIFParameters.
struct Params {
  Variable tau_syn_inv{scalar_tensor(1.0f / 5e-3f)};
  Variable tau_mem_inv{scalar_tensor(1.0f / 1e-2f)};
  Variable v_leak{scalar_tensor(0.0f)};
  Variable v_th{scalar_tensor(1.0f)};
  Variable v_reset{scalar_tensor(0.0f)};
  Surrogate method = Surrogate::kSuper;
  float alpha = 100.0f;
};

// The binding the recurrent flavours use (models/lif_recurrent.h); the feed-forward sequence
// below runs LIF's own kernel (kernels/lif.h).
// State {v, i}: Norse's LIFFeedForwardState, membrane voltage and synaptic current, [B, ...] each.
NORSE_NEURON_SPEC(lif, LIFModel, NORSE_LIF_PARAMS, NORSE_LIF_STATES)

// The same result types as every spiking model (record.v, record.i: after every step).
using SequenceResult = SpikingSequenceResult<State>;
using StepResult = SpikingStepResult<State>;

// The fused sequence op. `initial` with undefined fields means Norse's default state.
// `gen` is required for the stochastic surrogate methods. Throws ShapeError/InvalidArgument
// naming the argument for bad shapes, parameters or dt.
SequenceResult lif_sequence(const Variable& input, const State& initial, const Params& params, float dt = 1e-3f,
                            bool record_states = false, Generator* gen = nullptr);

// One step; input [B, ...].
StepResult lif_step(const Variable& input, const State& state, const Params& params, float dt = 1e-3f,
                    Generator* gen = nullptr);

// Norse's LIFCell module: holds parameters and dt; forward is one step.
class LIFCell {
 public:
  explicit LIFCell(Params params = {}, float dt = 1e-3f) : params_(std::move(params)), dt_(dt) {}
  StepResult forward(const Variable& input, const State& state = {}, Generator* gen = nullptr) const {
    return lif_step(input, state, params_, dt_, gen);
  }
  Params& params() { return params_; }

 private:
  Params params_;
  float dt_;
};

// Norse's LIF module: the whole sequence in one fused call.
class LIF {
 public:
  explicit LIF(Params params = {}, float dt = 1e-3f, bool record_states = false)
      : params_(std::move(params)), dt_(dt), record_states_(record_states) {}
  SequenceResult forward(const Variable& input, const State& state = {}, Generator* gen = nullptr) const {
    return lif_sequence(input, state, params_, dt_, record_states_, gen);
  }
  Params& params() { return params_; }

 private:
  Params params_;
  float dt_;
  bool record_states_;
};

}  // namespace lif
}  // namespace norse

#endif  // NORSE_MODELS_LIF_H_
