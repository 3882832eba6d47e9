// Norse's LIF neuron with a refractory period (LIFRefrac): rho counts down the refractory steps, during which v is
// frozen and spikes are suppressed. Norse: norse/torch/functional/lif_refrac.py and module/lif_refrac.py. Equations and
// order of evaluation: kernels/spiking_math.h (LIFRefracModel).
//
//   lif_refrac_sequence / LIFRefrac   input [T, B, ...]; ONE tape node (kernels/neuron_sequence.h: fused
//                            loop, backward = the dual-number adjoint of the same step)
//   lif_refrac_step / LIFRefracCell   input [B, ...], one step
//
// Parameters: Norse's names and defaults; each a scalar or a tensor matching the trailing
// dimensions of the neuron shape; mark requires_grad to train it.
// Default initial state (undefined State fields): v = v_leak (detached), i = 0, rho = 0.
#ifndef NORSE_MODELS_LIF_REFRAC_H_
#define NORSE_MODELS_LIF_REFRAC_H_

#include "core/core.h"
#include "kernels/spiking_math.h"
#include "kernels/surrogate.h"
#include "models/lif.h"
#include "models/neuron_spec.h"

namespace norse {
namespace lif_refrac {

// LIF's parameters and rho_reset (Norse's LIFRefracParameters).
struct Params : lif::Params {
  Variable rho_reset{scalar_tensor(5.0f)};
  bool detach_reset = false;  // the LIF reset uses the spike with its gradient (feed-forward) or detached (recurrent)
};

// State {v, i, rho}, one tensor [B, ...] per field.
NORSE_NEURON_SPEC(lif_refrac, LIFRefracModel, NORSE_LIF_REFRAC_PARAMS, NORSE_LIF_REFRAC_STATES)
NORSE_NEURON_FUNCTIONS(lif_refrac, LIFRefracCell, LIFRefrac)

}  // namespace lif_refrac
}  // namespace norse

#endif  // NORSE_MODELS_LIF_REFRAC_H_
