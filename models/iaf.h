// Norse's integrate-and-fire neuron (IAF): v1 = v + x, no leak.
// Norse: norse/torch/functional/iaf.py and module/iaf.py. Equations and order of
// evaluation: kernels/spiking_math.h (IAFModel).
//
//   iaf_sequence / IAF   input [T, B, ...]; ONE tape node (kernels/neuron_sequence.h: fused
//                            loop, backward = the dual-number adjoint of the same step)
//   iaf_step / IAFCell   input [B, ...], one step
//
// Parameters: Norse's names and defaults; each a scalar or a tensor matching the trailing
// dimensions of the neuron shape; mark requires_grad to train it.
// Default initial state (undefined State fields): v = v_reset (detached).
#ifndef NORSE_MODELS_IAF_H_
#define NORSE_MODELS_IAF_H_

#include "core/core.h"
#include "kernels/spiking_math.h"
#include "models/recurrent_module.h"

namespace norse::iaf {

struct Params : SurrogateParams {
  bool detach_reset = false;  // the reset uses the spike with its gradient (Norse's cells) or detached
  Variable v_th{scalar_tensor(1.0f)};
  Variable v_reset{scalar_tensor(0.0f)};
};

// State {v}, one tensor [B, ...] per field.
// Recurrent flavours: the reset uses the spike with its gradient.
// RecurrentState {z, v}: the previous spikes and the state, [B, N_hidden] each.
NORSE_RECURRENT_NEURON_MODEL(iaf, IAFModel, NORSE_IAF, IAFCell, IAF, IAFRecurrentCell, IAFRecurrent)

}  // namespace norse::iaf

#endif  // NORSE_MODELS_IAF_H_
