// Norse's exponential LIF neuron (LIFEx): LIF plus delta_T*exp((v - v_th)/delta_T).
// Norse: norse/torch/functional/lif_ex.py and module/lif_ex.py. Equations and order of
// evaluation: kernels/spiking_math.h (LIFExModel).
//
//   lif_ex_sequence / LIFEx   input [T, B, ...]; ONE tape node (kernels/neuron_sequence.h: fused
//                            loop, backward = the dual-number adjoint of the same step)
//   lif_ex_step / LIFExCell   input [B, ...], one step
//
// Parameters: Norse's names and defaults; each a scalar or a tensor matching the trailing
// dimensions of the neuron shape; mark requires_grad to train it.
// Default initial state (undefined State fields): v = v_leak (detached), i = 0.
#ifndef NORSE_MODELS_LIF_EX_H_
#define NORSE_MODELS_LIF_EX_H_

#include "core/core.h"
#include "kernels/surrogate.h"

namespace norse {
namespace lif_ex {

struct Params {
  Variable delta_T{scalar_tensor(0.5f)};
  Variable tau_syn_inv{scalar_tensor(1.0f / 5e-3f)};
  Variable tau_mem_inv{scalar_tensor(1.0f / 1e-2f)};
  Variable v_leak{scalar_tensor(0.0f)};
  Variable v_th{scalar_tensor(1.0f)};
  Variable v_reset{scalar_tensor(0.0f)};
  Surrogate method = Surrogate::kSuper;
  float alpha = 100.0f;
};

struct State {
  Variable v;
  Variable i;
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

SequenceResult lif_ex_sequence(const Variable& input, const State& initial, const Params& params, float dt = 1e-3f,
                               bool record_states = false, Generator* gen = nullptr);
StepResult lif_ex_step(const Variable& input, const State& state, const Params& params, float dt = 1e-3f,
                       Generator* gen = nullptr);

class LIFExCell {
 public:
  explicit LIFExCell(Params params = {}, float dt = 1e-3f) : params_(std::move(params)), dt_(dt) {}
  StepResult forward(const Variable& input, const State& state = {}, Generator* gen = nullptr) const {
    return lif_ex_step(input, state, params_, dt_, gen);
  }
  Params& params() { return params_; }

 private:
  Params params_;
  float dt_;
};

class LIFEx {
 public:
  explicit LIFEx(Params params = {}, float dt = 1e-3f, bool record_states = false)
      : params_(std::move(params)), dt_(dt), record_states_(record_states) {}
  SequenceResult forward(const Variable& input, const State& state = {}, Generator* gen = nullptr) const {
    return lif_ex_sequence(input, state, params_, dt_, record_states_, gen);
  }
  Params& params() { return params_; }

 private:
  Params params_;
  float dt_;
  bool record_states_;
};

}  // namespace lif_ex
}  // namespace norse

#endif  // NORSE_MODELS_LIF_EX_H_
