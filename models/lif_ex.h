// Norse's exponential LIF neuron (LIFEx): LIF plus delta_T*exp((v - v_th)/delta_T).
// Norse: norse/torch/functional/lif_ex.py and module/lif_ex.py. Equations and order of
// evaluation: kernels/spiking_math.h (LIFExModel).
//
//   lif_ex_sequence / LIFEx   input [T, B, ...]; ONE tape node (kernels/neuron_sequence.h: fused
//                            loop, backward = the dual-number adjoint of the same step)
//   lif_ex_step / LIFExCell   input [B, ...], one step
//
// Parameters: Norse's names and defaults; each a scalar or a tensor matching the trailing
// dimensions of the neuron shape; mark requires_grad to train it.
// Default initial state (undefined State fields): v = v_leak (detached), i = 0.
#ifndef NORSE_MODELS_LIF_EX_H_
#define NORSE_MODELS_LIF_EX_H_

#include "core/core.h"
#include "kernels/spiking_math.h"
#include "models/lif.h"
#include "models/recurrent_module.h"

namespace norse::lif_ex {

// LIF's parameters and delta_T (Norse's LIFExParameters: the same names and defaults).
struct Params : lif::Params {
  Variable delta_T{scalar_tensor(0.5f)};
};

// State {v, i}, one tensor [B, ...] per field.
// Recurrent flavours: the reset is not detached, as in Norse.
// RecurrentState {z, v, i}: the previous spikes and the state, [B, N_hidden] each.
NORSE_RECURRENT_NEURON_MODEL(lif_ex, LIFExModel, NORSE_LIF_EX, LIFExCell, LIFEx, LIFExRecurrentCell, LIFExRecurrent)

}  // namespace norse::lif_ex

#endif  // NORSE_MODELS_LIF_EX_H_
