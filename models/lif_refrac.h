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
#include "models/lif.h"
#include "models/recurrent_module.h"

namespace norse::lif_refrac {

// LIF's parameters and rho_reset (Norse's LIFRefracParameters).
struct Params : lif::Params {
  Variable rho_reset{scalar_tensor(5.0f)};
  bool detach_reset = false;  // the LIF reset uses the spike with its gradient (feed-forward) or detached (recurrent)
};

// State {v, i, rho}, one tensor [B, ...] per field.
// Recurrent flavours: the reset (and other spike-triggered jumps) use the detached spike, as in Norse's recurrent
// cells. RecurrentState {z, v, i, rho}: the previous spikes and the state, [B, N_hidden] each.
NORSE_RECURRENT_NEURON_MODEL(lif_refrac, LIFRefracModel, NORSE_LIF_REFRAC, LIFRefracCell, LIFRefrac,
                             LIFRefracRecurrentCell, LIFRefracRecurrent)

}  // namespace norse::lif_refrac

#endif  // NORSE_MODELS_LIF_REFRAC_H_
