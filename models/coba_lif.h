// Norse's conductance-based LIF neuron (CobaLIF), feed-forward: positive input drives the excitatory conductance g_e,
// negative input the inhibitory g_i. Norse: norse/torch/functional/coba_lif.py and module/coba_lif.py. Equations and
// order of evaluation: kernels/spiking_math.h (CobaLIFModel).
//
//   coba_lif_sequence / CobaLIFFeedForward   input [T, B, ...]; ONE tape node (kernels/neuron_sequence.h: fused
//                            loop, backward = the dual-number adjoint of the same step)
//   coba_lif_step / CobaLIFFeedForwardCell   input [B, ...], one step
//
// Parameters: Norse's names and defaults; each a scalar or a tensor matching the trailing
// dimensions of the neuron shape; mark requires_grad to train it.
// Default initial state (undefined State fields): v = v_rest (detached), g_e = 0, g_i = 0.
#ifndef NORSE_MODELS_COBA_LIF_H_
#define NORSE_MODELS_COBA_LIF_H_

#include "core/core.h"
#include "kernels/spiking_math.h"
#include "models/neuron_spec.h"

namespace norse::coba_lif {

struct Params : SurrogateParams {
  Variable tau_syn_exc_inv{scalar_tensor(1.0f / 5.0f)};
  Variable tau_syn_inh_inv{scalar_tensor(1.0f / 5.0f)};
  Variable c_m_inv{scalar_tensor(1.0f / 0.2f)};
  Variable g_l{scalar_tensor(1.0f / 20.0f / 0.2f)};
  Variable e_rev_I{scalar_tensor(-100.0f)};
  Variable e_rev_E{scalar_tensor(60.0f)};
  Variable v_rest{scalar_tensor(-20.0f)};
  Variable v_reset{scalar_tensor(-70.0f)};
  Variable v_thresh{scalar_tensor(-10.0f)};
};

// State {v, g_e, g_i}, one tensor [B, ...] per field.
NORSE_NEURON_MODEL(coba_lif, CobaLIFModel, NORSE_COBA_LIF, CobaLIFFeedForwardCell, CobaLIFFeedForward)

// Norse's CobaLIFCell, the recurrent conductance-based LIF cell, with Norse's known bug
// reproduced (the conformance fixture does): coba_lif_step computes the input-driven conductance
// jump and then overwrites it, so effectively
//   g_e1 = g_e + z_prev @ relu(R)^T,   g_i1 = g_i + z_prev @ relu(-R)^T
// and the input and input_weights have no effect (zero gradients). The rest of the step is the
// feed-forward CobaLIF step (fused) with a zero input.
struct RecurrentState {
  Variable z, v, g_e, g_i;
};

using RecurrentStepResult = RecurrentStepResultOf<RecurrentState>;

// input [B, N_in] (unused, see above), input_weights [N, N_in] (unused), recurrent_weights [N, N].
RecurrentStepResult coba_lif_recurrent_step(const Variable& input, const Variable& input_weights,
                                            const Variable& recurrent_weights, const RecurrentState& state,
                                            const Params& params, float dt = 1e-3f, Generator* gen = nullptr);

}  // namespace norse::coba_lif

#endif  // NORSE_MODELS_COBA_LIF_H_
