#include "models/lif_adex.h"

#include "kernels/spiking_math.h"
#include "models/neuron_op.h"

namespace norse {
namespace lif_adex {

SequenceResult lif_adex_sequence(const Variable& input, const State& initial, const Params& params, float dt,
                                 bool record_states, Generator* gen) {
  NORSE_CHECK(input.defined() && input.dim() >= 2, ShapeError, "lif_adex_sequence",
              "argument 'input' must be [T, B, ...] (at least 2 dimensions), got ",
              input.defined() ? shape_to_string(input.shape()) : std::string("undefined"));
  const Shape neuron_shape(input.shape().begin() + 1, input.shape().end());
  const std::vector<Variable> states = {
      initial.v.defined() ? initial.v
                          : Variable(detail::broadcast_to(params.v_leak.value(), neuron_shape, input.value().device())),
      initial.i.defined() ? initial.i : Variable(zeros(neuron_shape, input.value().device())),
      initial.a.defined() ? initial.a : Variable(zeros(neuron_shape, input.value().device())),
  };
  kernels::NeuronParams<kernels::LIFAdExModel> config;
  config.dt = dt;
  config.alpha = params.alpha;
  config.method = params.method;

  const detail::NeuronOpOutputs out = detail::neuron_sequence_op<kernels::LIFAdExModel>(
      "lif_adex_sequence", input, states,
      {params.adaptation_current, params.adaptation_spike, params.delta_T, params.tau_ada_inv, params.tau_syn_inv,
       params.tau_mem_inv, params.v_leak, params.v_th, params.v_reset},
      {"adaptation_current", "adaptation_spike", "delta_T", "tau_ada_inv", "tau_syn_inv", "tau_mem_inv", "v_leak",
       "v_th", "v_reset"},
      {"v", "i", "a"}, config, record_states, gen);
  SequenceResult r;
  r.z = out.z;
  r.state.v = out.finals[0];
  r.state.i = out.finals[1];
  r.state.a = out.finals[2];
  if (record_states) {
    r.record.v = out.records[0];
    r.record.i = out.records[1];
    r.record.a = out.records[2];
  }
  return r;
}

StepResult lif_adex_step(const Variable& input, const State& state, const Params& params, float dt, Generator* gen) {
  const SequenceResult r =
      lif_adex_sequence(detail::as_one_step("lif_adex_step", input), state, params, dt, false, gen);
  return StepResult{reshape(r.z, input.shape()), r.state};
}

}  // namespace lif_adex
}  // namespace norse
