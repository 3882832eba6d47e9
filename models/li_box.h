// Norse's leaky integrator without synaptic current (LIBox); the output of each step is the new voltage v.
// Norse: norse/torch/functional/leaky_integrator_box.py and module/leaky_integrator_box.py. Equations and order of
// evaluation: kernels/li_math.h (LIBoxModel).
//
//   li_box_sequence / LIBox   input [T, B, ...]; ONE tape node (kernels/neuron_sequence.h: fused
//                            loop, backward = the dual-number adjoint of the same step)
//   li_box_step / LIBoxCell   input [B, ...], one step
//
// Parameters: Norse's names and defaults; each a scalar or a tensor matching the trailing
// dimensions of the neuron shape; mark requires_grad to train it.
// Default initial state (undefined State fields): v = v_leak (detached).
#ifndef NORSE_MODELS_LI_BOX_H_
#define NORSE_MODELS_LI_BOX_H_

#include "core/core.h"
#include "kernels/surrogate.h"

namespace norse {
namespace li_box {

struct Params {
  Variable tau_mem_inv{scalar_tensor(1.0f / 1e-2f)};
  Variable v_leak{scalar_tensor(0.0f)};
  bool allow_unstable_euler = false;  // accept dt * tau_mem_inv > 2 (NIR graphs made for a smaller dt)
};

struct State {
  Variable v;
};

struct SequenceResult {
  State state;   // after the last step
  State record;  // every field after every step, [T, B, ...] (record_states only)
};

struct StepResult {
  Variable v;  // [B, ...] the output: the new voltage
  State state;
};

SequenceResult li_box_sequence(const Variable& input, const State& initial, const Params& params, float dt = 1e-3f,
                               bool record_states = false, Generator* gen = nullptr);
StepResult li_box_step(const Variable& input, const State& state, const Params& params, float dt = 1e-3f,
                       Generator* gen = nullptr);

class LIBoxCell {
 public:
  explicit LIBoxCell(Params params = {}, float dt = 1e-3f) : params_(std::move(params)), dt_(dt) {}
  StepResult forward(const Variable& input, const State& state = {}, Generator* gen = nullptr) const {
    return li_box_step(input, state, params_, dt_, gen);
  }
  Params& params() { return params_; }

 private:
  Params params_;
  float dt_;
};

class LIBox {
 public:
  explicit LIBox(Params params = {}, float dt = 1e-3f, bool record_states = false)
      : params_(std::move(params)), dt_(dt), record_states_(record_states) {}
  SequenceResult forward(const Variable& input, const State& state = {}, Generator* gen = nullptr) const {
    return li_box_sequence(input, state, params_, dt_, record_states_, gen);
  }
  Params& params() { return params_; }

 private:
  Params params_;
  float dt_;
  bool record_states_;
};

}  // namespace li_box
}  // namespace norse

#endif  // NORSE_MODELS_LI_BOX_H_
