#include "models/li_box.h"

#include "kernels/li_math.h"
#include "models/neuron_op.h"

namespace norse {
namespace li_box {

SequenceResult li_box_sequence(const Variable& input, const State& initial, const Params& params, float dt,
                               bool record_states, Generator* gen) {
  NORSE_CHECK(input.defined() && input.dim() >= 2, ShapeError, "li_box_sequence",
              "argument 'input' must be [T, B, ...] (at least 2 dimensions), got ",
              input.defined() ? shape_to_string(input.shape()) : std::string("undefined"));
  const Shape neuron_shape(input.shape().begin() + 1, input.shape().end());
  const std::vector<Variable> states = {
      initial.v.defined() ? initial.v
                          : Variable(detail::broadcast_to(params.v_leak.value(), neuron_shape, input.value().device())),
  };
  kernels::NeuronParams<kernels::LIBoxModel> config;
  config.dt = dt;
  config.allow_unstable_euler = params.allow_unstable_euler;

  const detail::NeuronOpOutputs out = detail::neuron_sequence_op<kernels::LIBoxModel>(
      "li_box_sequence", input, states, {params.tau_mem_inv, params.v_leak}, {"tau_mem_inv", "v_leak"}, {"v"}, config,
      record_states, gen);
  SequenceResult r;
  r.state.v = out.finals[0];
  if (record_states) {
    r.record.v = out.records[0];
  }
  return r;
}

StepResult li_box_step(const Variable& input, const State& state, const Params& params, float dt, Generator* gen) {
  const SequenceResult r = li_box_sequence(detail::as_one_step("li_box_step", input), state, params, dt, false, gen);
  return StepResult{r.state.v, r.state};
}

}  // namespace li_box
}  // namespace norse
