// Norse's long short-term memory spiking neuron (LSNN, Bellec et al. 2018): LIF with an adaptive threshold b that jumps
// by beta at every spike. Norse: norse/torch/functional/lsnn.py and module/lsnn.py. Equations and order of evaluation:
// kernels/spiking_math.h (LSNNModel).
//
//   lsnn_sequence / LSNN   input [T, B, ...]; ONE tape node (kernels/neuron_sequence.h: fused
//                            loop, backward = the dual-number adjoint of the same step)
//   lsnn_step / LSNNCell   input [B, ...], one step
//
// Parameters: Norse's names and defaults; each a scalar or a tensor matching the trailing
// dimensions of the neuron shape; mark requires_grad to train it.
// Default initial state (undefined State fields): v = v_leak (detached), i = 0, b = v_th (detached).
#ifndef NORSE_MODELS_LSNN_H_
#define NORSE_MODELS_LSNN_H_

#include "core/core.h"
#include "kernels/spiking_math.h"
#include "models/lif.h"
#include "models/recurrent_module.h"

namespace norse::lsnn {

// LIF's parameters and the adaptive threshold's (Norse's LSNNParameters: the same names and defaults).
struct Params : lif::Params {
  Variable tau_adapt_inv{scalar_tensor(1.0f / 800.0f)};
  Variable beta{scalar_tensor(1.8f)};
  bool detach_reset =
      false;  // the reset and the threshold jump use the spike with its gradient (feed-forward) or detached (recurrent)
};

// State {v, i, b}, one tensor [B, ...] per field.
// Recurrent flavours: the reset (and other spike-triggered jumps) use the detached spike, as in Norse's recurrent
// cells. RecurrentState {z, v, i, b}: the previous spikes and the state, [B, N_hidden] each.
NORSE_RECURRENT_NEURON_MODEL(lsnn, LSNNModel, NORSE_LSNN, LSNNCell, LSNN, LSNNRecurrentCell, LSNNRecurrent)

}  // namespace norse::lsnn

#endif  // NORSE_MODELS_LSNN_H_
