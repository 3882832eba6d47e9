// Norse's adaptive exponential LIF neuron (LIFAdEx, Brette & Gerstner 2005).
// Norse: norse/torch/functional/lif_adex.py and module/lif_adex.py. Equations and order of
// evaluation: kernels/spiking_math.h (LIFAdExModel).
//
//   lif_adex_sequence / LIFAdEx   input [T, B, ...]; ONE tape node (kernels/neuron_sequence.h: fused
//                            loop, backward = the dual-number adjoint of the same step)
//   lif_adex_step / LIFAdExCell   input [B, ...], one step
//
// Parameters: Norse's names and defaults; each a scalar or a tensor matching the trailing
// dimensions of the neuron shape; mark requires_grad to train it.
// Default initial state (undefined State fields): v = v_leak (detached), i = 0, a = 0.
#ifndef NORSE_MODELS_LIF_ADEX_H_
#define NORSE_MODELS_LIF_ADEX_H_

#include "core/core.h"
#include "kernels/spiking_math.h"
#include "models/lif_ex.h"
#include "models/recurrent_module.h"

namespace norse::lif_adex {

// LIFEx's parameters and the adaptation (Norse's LIFAdExParameters: the same names and defaults).
struct Params : lif_ex::Params {
  Variable adaptation_current{scalar_tensor(4.0f)};
  Variable adaptation_spike{scalar_tensor(0.02f)};
  Variable tau_ada_inv{scalar_tensor(2.0f)};
};

// State {v, i, a}, one tensor [B, ...] per field.
// Recurrent flavours: the reset is not detached, as in Norse.
// RecurrentState {z, v, i, a}: the previous spikes and the state, [B, N_hidden] each.
NORSE_RECURRENT_NEURON_MODEL(lif_adex, LIFAdExModel, NORSE_LIF_ADEX, LIFAdExCell, LIFAdEx, LIFAdExRecurrentCell,
                             LIFAdExRecurrent)

}  // namespace norse::lif_adex

#endif  // NORSE_MODELS_LIF_ADEX_H_
