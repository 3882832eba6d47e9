#include "models/izhikevich_recurrent.h"

#include "kernels/spiking_math.h"
#include "models/recurrent_op.h"

namespace norse {
namespace izhikevich {
namespace {

Variable required_state(const Variable& v, const char* name) {
  NORSE_CHECK(v.defined(), InvalidArgument, "izhikevich_recurrent_sequence", "state field '", name,
              "' must be given: Norse takes the initial state from the spiking behaviour (see behavior())");
  return v;
}

}  // namespace

RecurrentSequenceResult izhikevich_recurrent_sequence(const Variable& input, const Variable& input_weights,
                                                      const Variable& recurrent_weights, const RecurrentState& initial,
                                                      const Params& params, bool autapses, float dt, bool record_states,
                                                      Generator* gen) {
  NORSE_CHECK(input.defined() && input.dim() == 3, ShapeError, "izhikevich_recurrent_sequence",
              "argument 'input' must be [T, B, N_in], got ",
              input.defined() ? shape_to_string(input.shape()) : std::string("undefined"));
  NORSE_CHECK(input_weights.defined() && input_weights.dim() == 2, ShapeError, "izhikevich_recurrent_sequence",
              "argument 'input_weights' must be [N_hidden, N_in], got ",
              input_weights.defined() ? shape_to_string(input_weights.shape()) : std::string("undefined"));
  const Shape neuron_shape = {input.size(1), input_weights.size(0)};
  const std::vector<Variable> states = {
      initial.v.defined() ? initial.v : required_state(initial.v, "v"),
      initial.u.defined() ? initial.u : required_state(initial.u, "u"),
  };
  const Variable z0 = initial.z.defined() ? initial.z : Variable(zeros(neuron_shape, input.value().device()));
  kernels::NeuronParams<kernels::IzhikevichModel> config;
  config.dt = dt;
  config.alpha = params.alpha;
  config.method = params.method;
  const detail::RecurrentOpOutputs out = detail::recurrent_sequence_op<kernels::IzhikevichModel>(
      "izhikevich_recurrent_sequence", input, input_weights, recurrent_weights, autapses, z0, states,
      {params.a, params.b, params.c, params.d, params.sq, params.mn, params.bias, params.v_th, params.tau_inv},
      {"a", "b", "c", "d", "sq", "mn", "bias", "v_th", "tau_inv"}, {"v", "u"}, config, record_states, gen);
  RecurrentSequenceResult r;
  r.z = out.z;
  r.state.z = out.final_z;
  r.state.v = out.finals[0];
  r.state.u = out.finals[1];
  if (record_states) {
    r.record.v = out.records[0];
    r.record.u = out.records[1];
  }
  return r;
}

RecurrentStepResult izhikevich_recurrent_step(const Variable& input, const Variable& input_weights,
                                              const Variable& recurrent_weights, const RecurrentState& state,
                                              const Params& params, bool autapses, float dt, Generator* gen) {
  const RecurrentSequenceResult r =
      izhikevich_recurrent_sequence(detail::as_one_recurrent_step("izhikevich_recurrent_step", input), input_weights,
                                    recurrent_weights, state, params, autapses, dt, false, gen);
  return RecurrentStepResult{r.state.z, r.state};
}

}  // namespace izhikevich
}  // namespace norse
