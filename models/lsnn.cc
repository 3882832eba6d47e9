#include "models/lsnn.h"

#include "kernels/spiking_math.h"
#include "models/neuron_op.h"

namespace norse {
namespace lsnn {

SequenceResult lsnn_sequence(const Variable& input, const State& initial, const Params& params, float dt,
                             bool record_states, Generator* gen) {
  NORSE_CHECK(input.defined() && input.dim() >= 2, ShapeError, "lsnn_sequence",
              "argument 'input' must be [T, B, ...] (at least 2 dimensions), got ",
              input.defined() ? shape_to_string(input.shape()) : std::string("undefined"));
  const Shape neuron_shape(input.shape().begin() + 1, input.shape().end());
  const std::vector<Variable> states = {
      initial.v.defined() ? initial.v
                          : Variable(detail::broadcast_to(params.v_leak.value(), neuron_shape, input.value().device())),
      initial.i.defined() ? initial.i : Variable(zeros(neuron_shape, input.value().device())),
      initial.b.defined() ? initial.b
                          : Variable(detail::broadcast_to(params.v_th.value(), neuron_shape, input.value().device())),
  };
  kernels::NeuronParams<kernels::LSNNModel> config;
  config.dt = dt;
  config.alpha = params.alpha;
  config.method = params.method;
  config.options.detach_reset = params.detach_reset;
  const detail::NeuronOpOutputs out = detail::neuron_sequence_op<kernels::LSNNModel>(
      "lsnn_sequence", input, states,
      {params.tau_syn_inv, params.tau_mem_inv, params.tau_adapt_inv, params.v_leak, params.v_th, params.v_reset,
       params.beta},
      {"tau_syn_inv", "tau_mem_inv", "tau_adapt_inv", "v_leak", "v_th", "v_reset", "beta"}, {"v", "i", "b"}, config,
      record_states, gen);
  SequenceResult r;
  r.z = out.z;
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

StepResult lsnn_step(const Variable& input, const State& state, const Params& params, float dt, Generator* gen) {
  const SequenceResult r = lsnn_sequence(detail::as_one_step("lsnn_step", input), state, params, dt, false, gen);
  return StepResult{reshape(r.z, input.shape()), r.state};
}

}  // namespace lsnn
}  // namespace norse
