#include "models/coba_lif_recurrent.h"

#include "models/neuron_param.h"

namespace norse {
namespace coba_lif {

RecurrentStepResult coba_lif_recurrent_step(const Variable& input, const Variable& input_weights,
                                            const Variable& recurrent_weights, const RecurrentState& state,
                                            const Params& params, float dt, Generator* gen) {
  const char* op = "coba_lif_recurrent_step";
  NORSE_CHECK(input.defined() && input.dim() == 2, ShapeError, op, "argument 'input' must be [B, N_in]");
  NORSE_CHECK(input_weights.defined() && input_weights.dim() == 2 && input_weights.size(1) == input.size(1), ShapeError,
              op, "argument 'input_weights' must be [N_hidden, N_in] with N_in = ", input.size(1));
  const int64_t hidden = input_weights.size(0);
  const Shape neuron_shape = {input.size(0), hidden};
  check_shape(op, "recurrent_weights", {hidden, hidden}, recurrent_weights.shape());
  const Variable z = state.z.defined() ? state.z : Variable(zeros(neuron_shape, input.value().device()));
  const Variable g_e = state.g_e.defined() ? state.g_e : Variable(zeros(neuron_shape, input.value().device()));
  const Variable g_i = state.g_i.defined() ? state.g_i : Variable(zeros(neuron_shape, input.value().device()));
  check_shape(op, "state.z", neuron_shape, z.shape());
  // The overwritten jump (Norse's bug): only the recurrent spikes drive the conductances.
  const Variable g_e_jumped = g_e + matmul(z, transpose(relu(recurrent_weights), 0, 1));
  const Variable g_i_jumped = g_i + matmul(z, transpose(relu(-recurrent_weights), 0, 1));
  const StepResult r = coba_lif_step(Variable(zeros(neuron_shape, input.value().device())),
                                     State{state.v, g_e_jumped, g_i_jumped}, params, dt, gen);
  return RecurrentStepResult{r.z, RecurrentState{r.z, r.state.v, r.state.g_e, r.state.g_i}};
}

}  // namespace coba_lif
}  // namespace norse
