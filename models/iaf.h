// Norse's integrate-and-fire neuron (IAF): v1 = v + x, no leak.
// Norse: norse/torch/functional/iaf.py and module/iaf.py. Equations and order of
// evaluation: kernels/spiking_math.h (IAFModel).
//
//   iaf_sequence / IAF   input [T, B, ...]; ONE tape node (kernels/neuron_sequence.h: fused
//                            loop, backward = the dual-number adjoint of the same step)
//   iaf_step / IAFCell   input [B, ...], one step
//
// Parameters: Norse's names and defaults; each a scalar or a tensor matching the trailing
// dimensions of the neuron shape; mark requires_grad to train it.
// Default initial state (undefined State fields): v = v_reset (detached).
#ifndef NORSE_MODELS_IAF_H_
#define NORSE_MODELS_IAF_H_

#include "core/core.h"
#include "kernels/surrogate.h"

namespace norse {
namespace iaf {

struct Params {
  Variable v_th{scalar_tensor(1.0f)};
  Variable v_reset{scalar_tensor(0.0f)};
  Surrogate method = Surrogate::kSuper;
  float alpha = 100.0f;
  bool detach_reset = false;  // the reset uses the spike with its gradient (Norse's cells) or detached
};

struct State {
  Variable v;
};

struct SequenceResult {
  Variable z;    // [T, B, ...] spikes
  State state;   // after the last step
  State record;  // every field after every step, [T, B, ...] (record_states only)
};

struct StepResult {
  Variable z;  // [B, ...] spikes
  State state;
};

SequenceResult iaf_sequence(const Variable& input, const State& initial, const Params& params, float dt = 1e-3f,
                            bool record_states = false, Generator* gen = nullptr);
StepResult iaf_step(const Variable& input, const State& state, const Params& params, float dt = 1e-3f,
                    Generator* gen = nullptr);

class IAFCell {
 public:
  explicit IAFCell(Params params = {}, float dt = 1e-3f) : params_(std::move(params)), dt_(dt) {}
  StepResult forward(const Variable& input, const State& state = {}, Generator* gen = nullptr) const {
    return iaf_step(input, state, params_, dt_, gen);
  }
  Params& params() { return params_; }

 private:
  Params params_;
  float dt_;
};

class IAF {
 public:
  explicit IAF(Params params = {}, float dt = 1e-3f, bool record_states = false)
      : params_(std::move(params)), dt_(dt), record_states_(record_states) {}
  SequenceResult forward(const Variable& input, const State& state = {}, Generator* gen = nullptr) const {
    return iaf_sequence(input, state, params_, dt_, record_states_, gen);
  }
  Params& params() { return params_; }

 private:
  Params params_;
  float dt_;
  bool record_states_;
};

}  // namespace iaf
}  // namespace norse

#endif  // NORSE_MODELS_IAF_H_
