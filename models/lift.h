// Norse's functional lift (norse/torch/functional/lift.py): turns a step function into one over
// a whole sequence. `lift(step)(input, state)` calls step(input[t], state) for t = 0 .. T-1,
// threading the state, and stacks the step outputs along a new time dimension 0.
//
//   auto lifted = lift([&](const Variable& x, const lif::State& s) { return lif::lif_step(x, s, p, dt); });
//   auto r = lifted(input, lif::State{});   // r.z [T, B, ...], r.state after the last step
//
// The step returns any model's StepResult (members `z` and `state`). Norse's optional parameter
// object `p` is what the closure captures. The fused sequence functions (lif_sequence, ...) do
// the same work in one tape node; a lifted step records one node per step (T of them).
#ifndef NORSE_MODELS_LIFT_H_
#define NORSE_MODELS_LIFT_H_

#include <utility>
#include <vector>

#include "core/core.h"

namespace norse {

template <typename State>
struct LiftedResult {
  Variable z;   // [T, B, ...] the step outputs, stacked
  State state;  // the state after the last step
};

template <typename Step>
class Lifted {
 public:
  explicit Lifted(Step step) : step_(std::move(step)) {}

  template <typename State>
  LiftedResult<State> operator()(const Variable& input, State state = {}) const {
    NORSE_CHECK(input.defined() && input.dim() >= 1 && input.size(0) > 0, ShapeError, "lift",
                "argument 'input' must be [T, ...] with T >= 1, got ",
                input.defined() ? shape_to_string(input.shape()) : std::string("undefined"));
    std::vector<Variable> outputs;
    outputs.reserve(static_cast<size_t>(input.size(0)));
    for (int64_t t = 0; t < input.size(0); ++t) {
      auto result = step_(select(input, 0, t), state);
      outputs.push_back(std::move(result.z));
      state = std::move(result.state);
    }
    return {stack(outputs, 0), std::move(state)};
  }

 private:
  Step step_;
};

template <typename Step>
Lifted<Step> lift(Step step) {
  return Lifted<Step>(std::move(step));
}

}  // namespace norse

#endif  // NORSE_MODELS_LIFT_H_
