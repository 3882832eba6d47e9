#include "models/coba_lif.h"

#include "kernels/spiking_math.h"
#include "models/neuron_op.h"

namespace norse {
namespace coba_lif {

SequenceResult coba_lif_sequence(const Variable& input, const State& initial, const Params& params, float dt,
                                 bool record_states, Generator* gen) {
  NORSE_CHECK(input.defined() && input.dim() >= 2, ShapeError, "coba_lif_sequence",
              "argument 'input' must be [T, B, ...] (at least 2 dimensions), got ",
              input.defined() ? shape_to_string(input.shape()) : std::string("undefined"));
  const Shape neuron_shape(input.shape().begin() + 1, input.shape().end());
  const std::vector<Variable> states = {
      initial.v.defined() ? initial.v
                          : Variable(detail::broadcast_to(params.v_rest.value(), neuron_shape, input.value().device())),
      initial.g_e.defined() ? initial.g_e : Variable(zeros(neuron_shape, input.value().device())),
      initial.g_i.defined() ? initial.g_i : Variable(zeros(neuron_shape, input.value().device())),
  };
  kernels::NeuronParams<kernels::CobaLIFModel> config;
  config.dt = dt;
  config.alpha = params.alpha;
  config.method = params.method;

  const detail::NeuronOpOutputs out = detail::neuron_sequence_op<kernels::CobaLIFModel>(
      "coba_lif_sequence", input, states,
      {params.tau_syn_exc_inv, params.tau_syn_inh_inv, params.c_m_inv, params.g_l, params.e_rev_I, params.e_rev_E,
       params.v_rest, params.v_reset, params.v_thresh},
      {"tau_syn_exc_inv", "tau_syn_inh_inv", "c_m_inv", "g_l", "e_rev_I", "e_rev_E", "v_rest", "v_reset", "v_thresh"},
      {"v", "g_e", "g_i"}, config, record_states, gen);
  SequenceResult r;
  r.z = out.z;
  r.state.v = out.finals[0];
  r.state.g_e = out.finals[1];
  r.state.g_i = out.finals[2];
  if (record_states) {
    r.record.v = out.records[0];
    r.record.g_e = out.records[1];
    r.record.g_i = out.records[2];
  }
  return r;
}

StepResult coba_lif_step(const Variable& input, const State& state, const Params& params, float dt, Generator* gen) {
  const SequenceResult r =
      coba_lif_sequence(detail::as_one_step("coba_lif_step", input), state, params, dt, false, gen);
  return StepResult{reshape(r.z, input.shape()), r.state};
}

}  // namespace coba_lif
}  // namespace norse
