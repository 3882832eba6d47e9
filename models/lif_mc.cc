#include "models/lif_mc.h"

#include "models/neuron_param.h"
#include "models/recurrent_op.h"
#include "models/threshold.h"

namespace norse {
namespace lif_mc {
namespace {
void check_coupling(const char* op, const Variable& g, int64_t hidden) {
  NORSE_CHECK(g.defined(), InvalidArgument, op, "argument 'g_coupling' is undefined");
  check_shape(op, "g_coupling", {hidden, hidden}, g.shape());
}
}  // namespace

StepResult lif_mc_step(const Variable& input, const Variable& input_weights, const Variable& recurrent_weights,
                       const Variable& g_coupling, const lif::RecurrentState& state, const lif::Params& params,
                       bool autapses, float dt) {
  NORSE_CHECK(input_weights.defined() && input_weights.dim() == 2, ShapeError, "lif_mc_step",
              "argument 'input_weights' must be [N_hidden, N_in]");
  check_coupling("lif_mc_step", g_coupling, input_weights.size(0));
  const lif::RecurrentStepResult r =
      lif::lif_recurrent_step(input, input_weights, recurrent_weights, state, params, autapses, dt);
  // v <- v + dt * v @ G^T on the post-reset voltage.
  const Variable v = r.state.v + mul(matmul(r.state.v, transpose(g_coupling, 0, 1)), dt);
  return StepResult{r.z, lif::RecurrentState{r.z, v, r.state.i}};
}

RefracStepResult lif_mc_refrac_step(const Variable& input, const Variable& input_weights,
                                    const Variable& recurrent_weights, const Variable& g_coupling,
                                    const RefracState& state, const RefracParams& params, bool autapses, float dt) {
  const char* op = "lif_mc_refrac_step";
  const Shape neuron_shape = detail::check_recurrent_step_args(op, input, input_weights, recurrent_weights);
  check_coupling(op, g_coupling, neuron_shape[1]);
  const lif::Params& p = params.lif;
  const Variable z_prev = state.z.defined() ? state.z : Variable(zeros(neuron_shape));
  const Variable v = state.v.defined() ? state.v : Variable(detail::broadcast_to(p.v_leak.value(), neuron_shape));
  const Variable i = state.i.defined() ? state.i : Variable(zeros(neuron_shape));
  const Variable rho = state.rho.defined() ? state.rho : Variable(zeros(neuron_shape));
  for (const auto& [name, s] : {std::pair<const char*, const Variable*>{"state.z", &z_prev},
                                {"state.v", &v},
                                {"state.i", &i},
                                {"state.rho", &rho}}) {
    check_shape(op, name, neuron_shape, s->shape());
  }

  const Variable mask = threshold(rho, p.method, p.alpha);
  const Variable dv =
      ((1.0f - mask) * dt) * p.tau_mem_inv * ((p.v_leak - v) + i) + matmul(v, transpose(g_coupling, 0, 1));
  const Variable v_decayed = v + dv;
  const Variable i_decayed = i + mul(p.tau_syn_inv * (-dt), i);
  const Variable z = threshold(v_decayed - p.v_th, p.method, p.alpha);
  const Variable v_new = (1.0f - z) * v_decayed + z * p.v_reset;
  const Variable weights = detail::apply_autapses(recurrent_weights, autapses);
  const Variable i_new =
      i_decayed + matmul(input, transpose(input_weights, 0, 1)) + matmul(z_prev, transpose(weights, 0, 1));
  const Variable rho_new = (1.0f - z) * relu(rho - mask) + z * params.rho_reset;
  return RefracStepResult{z, RefracState{z, v_new, i_new, rho_new}};
}

}  // namespace lif_mc
}  // namespace norse
