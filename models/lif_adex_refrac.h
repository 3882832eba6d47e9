// Norse's adaptive exponential LIF neuron with a refractory period (LIFAdExRefrac).
// Norse: norse/torch/functional/lif_adex_refrac.py and module/lif_adex_refrac.py. Equations and order of
// evaluation: kernels/spiking_math.h (LIFAdExRefracModel).
//
//   lif_adex_refrac_sequence / LIFAdExRefrac   input [T, B, ...]; ONE tape node (kernels/neuron_sequence.h: fused
//                            loop, backward = the dual-number adjoint of the same step)
//   lif_adex_refrac_step / LIFAdExRefracCell   input [B, ...], one step
//
// Parameters: Norse's names and defaults; each a scalar or a tensor matching the trailing
// dimensions of the neuron shape; mark requires_grad to train it.
// Default initial state (undefined State fields): v = v_leak (detached), i = 0, a = 0, rho = 0.
#ifndef NORSE_MODELS_LIF_ADEX_REFRAC_H_
#define NORSE_MODELS_LIF_ADEX_REFRAC_H_

#include "core/core.h"
#include "kernels/spiking_math.h"
#include "kernels/surrogate.h"
#include "models/lif_adex.h"
#include "models/neuron_spec.h"

namespace norse {
namespace lif_adex_refrac {

// LIFAdEx's parameters and rho_reset (Norse's LIFAdExRefracParameters).
struct Params : lif_adex::Params {
  Variable rho_reset{scalar_tensor(5.0f)};
};

// State {v, i, a, rho}, one tensor [B, ...] per field.
NORSE_NEURON_SPEC(lif_adex_refrac, LIFAdExRefracModel, NORSE_LIF_ADEX_REFRAC_PARAMS, NORSE_LIF_ADEX_REFRAC_STATES)
NORSE_NEURON_FUNCTIONS(lif_adex_refrac, LIFAdExRefracCell, LIFAdExRefrac)

}  // namespace lif_adex_refrac
}  // namespace norse

#endif  // NORSE_MODELS_LIF_ADEX_REFRAC_H_
