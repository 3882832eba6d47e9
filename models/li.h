// Norse's leaky integrator (LI): a non-spiking read-out; the output of each step is the new voltage v.
// Norse: norse/torch/functional/leaky_integrator.py and module/leaky_integrator.py. Equations and order of
// evaluation: kernels/li_math.h (LIModel).
//
//   li_sequence / LI   input [T, B, ...]; ONE tape node (kernels/neuron_sequence.h: fused
//                            loop, backward = the dual-number adjoint of the same step)
//   li_step / LICell   input [B, ...], one step
//
// Parameters: Norse's names and defaults; each a scalar or a tensor matching the trailing
// dimensions of the neuron shape; mark requires_grad to train it.
// Default initial state (undefined State fields): v = v_leak (detached), i = 0.
#ifndef NORSE_MODELS_LI_H_
#define NORSE_MODELS_LI_H_

#include "core/core.h"
#include "kernels/surrogate.h"

namespace norse {
namespace li {

struct Params {
  Variable tau_syn_inv{scalar_tensor(1.0f / 5e-3f)};
  Variable tau_mem_inv{scalar_tensor(1.0f / 1e-2f)};
  Variable v_leak{scalar_tensor(0.0f)};
};

struct State {
  Variable v;
  Variable i;
};

struct SequenceResult {
  State state;   // after the last step
  State record;  // every field after every step, [T, B, ...] (record_states only)
};

struct StepResult {
  Variable v;  // [B, ...] the output: the new voltage
  State state;
};

SequenceResult li_sequence(const Variable& input, const State& initial, const Params& params, float dt = 1e-3f,
                           bool record_states = false, Generator* gen = nullptr);
StepResult li_step(const Variable& input, const State& state, const Params& params, float dt = 1e-3f,
                   Generator* gen = nullptr);

class LICell {
 public:
  explicit LICell(Params params = {}, float dt = 1e-3f) : params_(std::move(params)), dt_(dt) {}
  StepResult forward(const Variable& input, const State& state = {}, Generator* gen = nullptr) const {
    return li_step(input, state, params_, dt_, gen);
  }
  Params& params() { return params_; }

 private:
  Params params_;
  float dt_;
};

class LI {
 public:
  explicit LI(Params params = {}, float dt = 1e-3f, bool record_states = false)
      : params_(std::move(params)), dt_(dt), record_states_(record_states) {}
  SequenceResult forward(const Variable& input, const State& state = {}, Generator* gen = nullptr) const {
    return li_sequence(input, state, params_, dt_, record_states_, gen);
  }
  Params& params() { return params_; }

 private:
  Params params_;
  float dt_;
  bool record_states_;
};

}  // namespace li
}  // namespace norse

#endif  // NORSE_MODELS_LI_H_
