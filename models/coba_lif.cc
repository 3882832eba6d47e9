#include "models/coba_lif.h"

#include "kernels/spiking_math.h"
#include "models/neuron_functions.h"
#include "models/neuron_param.h"
#include "models/recurrent_op.h"

namespace norse {
template struct detail::FeedForward<coba_lif::Spec>;

namespace coba_lif {

RecurrentStepResult coba_lif_recurrent_step(const Variable& input, const Variable& input_weights,
                                            const Variable& recurrent_weights, const RecurrentState& state,
                                            const Params& params, float dt, Generator* gen) {
  const char* op = "coba_lif_recurrent_step";
  const Shape neuron_shape = detail::check_recurrent_step_args(op, input, input_weights, recurrent_weights);
  const Device device = input.value().device();
  const Variable z = state.z.defined() ? state.z : Variable(zeros(neuron_shape, device));
  const Variable g_e = state.g_e.defined() ? state.g_e : Variable(zeros(neuron_shape, device));
  const Variable g_i = state.g_i.defined() ? state.g_i : Variable(zeros(neuron_shape, device));
  check_shape(op, "state.z", neuron_shape, z.shape());
  // The overwritten jump (Norse's bug): only the recurrent spikes drive the conductances.
  const Variable g_e_jumped = g_e + matmul(z, transpose(relu(recurrent_weights), 0, 1));
  const Variable g_i_jumped = g_i + matmul(z, transpose(relu(-recurrent_weights), 0, 1));
  const StepResult r =
      coba_lif_step(Variable(zeros(neuron_shape, device)), State{state.v, g_e_jumped, g_i_jumped}, params, dt, gen);
  return RecurrentStepResult{r.z, RecurrentState{r.z, r.state.v, r.state.g_e, r.state.g_i}};
}

}  // namespace coba_lif
}  // namespace norse
