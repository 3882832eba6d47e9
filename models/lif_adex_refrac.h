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
#include "models/lif_adex.h"
#include "models/recurrent_module.h"

namespace norse::lif_adex_refrac {

// LIFAdEx's parameters and rho_reset (Norse's LIFAdExRefracParameters).
struct Params : lif_adex::Params {
  Variable rho_reset{scalar_tensor(5.0f)};
};

// State {v, i, a, rho}, one tensor [B, ...] per field.
// Recurrent flavours: the reset is not detached, as in Norse.
// RecurrentState {z, v, i, a, rho}: the previous spikes and the state, [B, N_hidden] each.
NORSE_RECURRENT_NEURON_MODEL(lif_adex_refrac, LIFAdExRefracModel, NORSE_LIF_ADEX_REFRAC, LIFAdExRefracCell,
                             LIFAdExRefrac, LIFAdExRefracRecurrentCell, LIFAdExRefracRecurrent)

}  // namespace norse::lif_adex_refrac

#endif  // NORSE_MODELS_LIF_ADEX_REFRAC_H_
