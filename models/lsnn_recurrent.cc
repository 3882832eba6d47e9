#include "models/lsnn_recurrent.h"

#include "kernels/spiking_math.h"
#include "models/recurrent_op.h"

namespace norse {
namespace lsnn {

RecurrentSequenceResult lsnn_recurrent_sequence(const Variable& input, const Variable& input_weights,
                                                const Variable& recurrent_weights, const RecurrentState& initial,
                                                const Params& params, bool autapses, float dt, bool record_states,
                                                Generator* gen) {
  NORSE_CHECK(input.defined() && input.dim() == 3, ShapeError, "lsnn_recurrent_sequence",
              "argument 'input' must be [T, B, N_in], got ",
              input.defined() ? shape_to_string(input.shape()) : std::string("undefined"));
  NORSE_CHECK(input_weights.defined() && input_weights.dim() == 2, ShapeError, "lsnn_recurrent_sequence",
              "argument 'input_weights' must be [N_hidden, N_in], got ",
              input_weights.defined() ? shape_to_string(input_weights.shape()) : std::string("undefined"));
  const Shape neuron_shape = {input.size(1), input_weights.size(0)};
  const std::vector<Variable> states = {
      initial.v.defined() ? initial.v
                          : Variable(detail::broadcast_to(params.v_leak.value(), neuron_shape, input.value().device())),
      initial.i.defined() ? initial.i : Variable(zeros(neuron_shape, input.value().device())),
      initial.b.defined() ? initial.b
                          : Variable(detail::broadcast_to(params.v_th.value(), neuron_shape, input.value().device())),
  };
  const Variable z0 = initial.z.defined() ? initial.z : Variable(zeros(neuron_shape, input.value().device()));
  kernels::NeuronParams<kernels::LSNNModel> config;
  config.dt = dt;
  config.alpha = params.alpha;
  config.method = params.method;
  config.options.detach_reset = true;
  const detail::RecurrentOpOutputs out = detail::recurrent_sequence_op<kernels::LSNNModel>(
      "lsnn_recurrent_sequence", input, input_weights, recurrent_weights, autapses, z0, states,
      {params.tau_syn_inv, params.tau_mem_inv, params.tau_adapt_inv, params.v_leak, params.v_th, params.v_reset,
       params.beta},
      {"tau_syn_inv", "tau_mem_inv", "tau_adapt_inv", "v_leak", "v_th", "v_reset", "beta"}, {"v", "i", "b"}, config,
      record_states, gen);
  RecurrentSequenceResult r;
  r.z = out.z;
  r.state.z = out.final_z;
  r.state.v = out.finals[0];
  r.state.i = out.finals[1];
  r.state.b = out.finals[2];
  if (record_states) {
    r.record.v = out.records[0];
    r.record.i = out.records[1];
    r.record.b = out.records[2];
  }
  return r;
}

RecurrentStepResult lsnn_recurrent_step(const Variable& input, const Variable& input_weights,
                                        const Variable& recurrent_weights, const RecurrentState& state,
                                        const Params& params, bool autapses, float dt, Generator* gen) {
  const RecurrentSequenceResult r =
      lsnn_recurrent_sequence(detail::as_one_recurrent_step("lsnn_recurrent_step", input), input_weights,
                              recurrent_weights, state, params, autapses, dt, false, gen);
  return RecurrentStepResult{r.state.z, r.state};
}

}  // namespace lsnn
}  // namespace norse
