#include "models/iaf.h"

#include "kernels/spiking_math.h"
#include "models/neuron_op.h"

namespace norse {
namespace iaf {

SequenceResult iaf_sequence(const Variable& input, const State& initial, const Params& params, float dt,
                            bool record_states, Generator* gen) {
  NORSE_CHECK(input.defined() && input.dim() >= 2, ShapeError, "iaf_sequence",
              "argument 'input' must be [T, B, ...] (at least 2 dimensions), got ",
              input.defined() ? shape_to_string(input.shape()) : std::string("undefined"));
  const Shape neuron_shape(input.shape().begin() + 1, input.shape().end());
  const std::vector<Variable> states = {
      initial.v.defined()
          ? initial.v
          : Variable(detail::broadcast_to(params.v_reset.value(), neuron_shape, input.value().device())),
  };
  kernels::NeuronParams<kernels::IAFModel> config;
  config.dt = dt;
  config.alpha = params.alpha;
  config.method = params.method;
  config.options.detach_reset = params.detach_reset;
  const detail::NeuronOpOutputs out =
      detail::neuron_sequence_op<kernels::IAFModel>("iaf_sequence", input, states, {params.v_th, params.v_reset},
                                                    {"v_th", "v_reset"}, {"v"}, config, record_states, gen);
  SequenceResult r;
  r.z = out.z;
  r.state.v = out.finals[0];
  if (record_states) {
    r.record.v = out.records[0];
  }
  return r;
}

StepResult iaf_step(const Variable& input, const State& state, const Params& params, float dt, Generator* gen) {
  const SequenceResult r = iaf_sequence(detail::as_one_step("iaf_step", input), state, params, dt, false, gen);
  return StepResult{reshape(r.z, input.shape()), r.state};
}

}  // namespace iaf
}  // namespace norse
