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
#include "kernels/surrogate.h"
#include "models/neuron_spec.h"

namespace norse {
namespace coba_lif {

struct Params {
  Variable tau_syn_exc_inv{scalar_tensor(1.0f / 5.0f)};
  Variable tau_syn_inh_inv{scalar_tensor(1.0f / 5.0f)};
  Variable c_m_inv{scalar_tensor(1.0f / 0.2f)};
  Variable g_l{scalar_tensor(1.0f / 20.0f / 0.2f)};
  Variable e_rev_I{scalar_tensor(-100.0f)};
  Variable e_rev_E{scalar_tensor(60.0f)};
  Variable v_rest{scalar_tensor(-20.0f)};
  Variable v_reset{scalar_tensor(-70.0f)};
  Variable v_thresh{scalar_tensor(-10.0f)};
  Surrogate method = Surrogate::kSuper;
  float alpha = 100.0f;
};

// State {v, g_e, g_i}, one tensor [B, ...] per field.
NORSE_NEURON_SPEC(coba_lif, CobaLIFModel, NORSE_COBA_LIF_PARAMS, NORSE_COBA_LIF_STATES)
NORSE_NEURON_FUNCTIONS(coba_lif, CobaLIFFeedForwardCell, CobaLIFFeedForward)

}  // namespace coba_lif
}  // namespace norse

#endif  // NORSE_MODELS_COBA_LIF_H_
