#include "models/iaf_recurrent.h"

#include "kernels/spiking_math.h"
#include "models/recurrent_op.h"

namespace norse {
namespace iaf {

RecurrentSequenceResult iaf_recurrent_sequence(const Variable& input, const Variable& input_weights,
                                               const Variable& recurrent_weights, const RecurrentState& initial,
                                               const Params& params, bool autapses, float dt, bool record_states,
                                               Generator* gen) {
  NORSE_CHECK(input.defined() && input.dim() == 3, ShapeError, "iaf_recurrent_sequence",
              "argument 'input' must be [T, B, N_in], got ",
              input.defined() ? shape_to_string(input.shape()) : std::string("undefined"));
  NORSE_CHECK(input_weights.defined() && input_weights.dim() == 2, ShapeError, "iaf_recurrent_sequence",
              "argument 'input_weights' must be [N_hidden, N_in], got ",
              input_weights.defined() ? shape_to_string(input_weights.shape()) : std::string("undefined"));
  const Shape neuron_shape = {input.size(1), input_weights.size(0)};
  const std::vector<Variable> states = {
      initial.v.defined()
          ? initial.v
          : Variable(detail::broadcast_to(params.v_reset.value(), neuron_shape, input.value().device())),
  };
  const Variable z0 = initial.z.defined() ? initial.z : Variable(zeros(neuron_shape, input.value().device()));
  kernels::NeuronParams<kernels::IAFModel> config;
  config.dt = dt;
  config.alpha = params.alpha;
  config.method = params.method;
  config.options.detach_reset = false;
  const detail::RecurrentOpOutputs out = detail::recurrent_sequence_op<kernels::IAFModel>(
      "iaf_recurrent_sequence", input, input_weights, recurrent_weights, autapses, z0, states,
      {params.v_th, params.v_reset}, {"v_th", "v_reset"}, {"v"}, config, record_states, gen);
  RecurrentSequenceResult r;
  r.z = out.z;
  r.state.z = out.final_z;
  r.state.v = out.finals[0];
  if (record_states) {
    r.record.v = out.records[0];
  }
  return r;
}

RecurrentStepResult iaf_recurrent_step(const Variable& input, const Variable& input_weights,
                                       const Variable& recurrent_weights, const RecurrentState& state,
                                       const Params& params, bool autapses, float dt, Generator* gen) {
  const RecurrentSequenceResult r =
      iaf_recurrent_sequence(detail::as_one_recurrent_step("iaf_recurrent_step", input), input_weights,
                             recurrent_weights, state, params, autapses, dt, false, gen);
  return RecurrentStepResult{r.state.z, r.state};
}

}  // namespace iaf
}  // namespace norse
