#include "models/li.h"

#include "kernels/li_math.h"
#include "models/neuron_op.h"

namespace norse {
namespace li {

SequenceResult li_sequence(const Variable& input, const State& initial, const Params& params, float dt,
                           bool record_states, Generator* gen) {
  NORSE_CHECK(input.defined() && input.dim() >= 2, ShapeError, "li_sequence",
              "argument 'input' must be [T, B, ...] (at least 2 dimensions), got ",
              input.defined() ? shape_to_string(input.shape()) : std::string("undefined"));
  const Shape neuron_shape(input.shape().begin() + 1, input.shape().end());
  const std::vector<Variable> states = {
      initial.v.defined() ? initial.v
                          : Variable(detail::broadcast_to(params.v_leak.value(), neuron_shape, input.value().device())),
      initial.i.defined() ? initial.i : Variable(zeros(neuron_shape, input.value().device())),
  };
  kernels::NeuronParams<kernels::LIModel> config;
  config.dt = dt;

  const detail::NeuronOpOutputs out = detail::neuron_sequence_op<kernels::LIModel>(
      "li_sequence", input, states, {params.tau_syn_inv, params.tau_mem_inv, params.v_leak},
      {"tau_syn_inv", "tau_mem_inv", "v_leak"}, {"v", "i"}, config, record_states, gen);
  SequenceResult r;
  r.state.v = out.finals[0];
  r.state.i = out.finals[1];
  if (record_states) {
    r.record.v = out.records[0];
    r.record.i = out.records[1];
  }
  return r;
}

StepResult li_step(const Variable& input, const State& state, const Params& params, float dt, Generator* gen) {
  const SequenceResult r = li_sequence(detail::as_one_step("li_step", input), state, params, dt, false, gen);
  return StepResult{r.state.v, r.state};
}

}  // namespace li
}  // namespace norse
