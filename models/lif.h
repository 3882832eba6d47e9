// Norse's leaky integrate-and-fire neuron (norse/torch/functional/lif.py, module/lif.py):
// parameters with Norse's names and defaults, its state, and the flavours as tape ops.
//
//   lif_sequence / LIF       input [T, B, ...] -> spikes [T, B, ...]; ONE tape node running
//                            the generic fused loop (kernels/neuron_sequence.h) with LIF's
//                            hand-written adjoint; it saves only v1 unless a parameter trains
//   lif_step / LIFCell       input [B, ...], one step (the same fused op with T = 1)
//
// Equations, order of evaluation and the (not detached) reset: kernels/lif_math.h.
// Parameters are Variables: scalars (shape []) or tensors matching the trailing dimensions of
// the neuron shape (e.g. per-neuron [N]); mark them requires_grad to train them.
// Default initial state (a State with undefined fields): v = v_leak (detached), i = 0.
#ifndef NORSE_MODELS_LIF_H_
#define NORSE_MODELS_LIF_H_

#include "core/core.h"
#include "kernels/spiking_math.h"
#include "models/recurrent_module.h"

namespace norse::lif {

// Norse's LIFParameters.
struct Params : SurrogateParams {
  Variable tau_syn_inv{scalar_tensor(1.0f / 5e-3f)};
  Variable tau_mem_inv{scalar_tensor(1.0f / 1e-2f)};
  Variable v_leak{scalar_tensor(0.0f)};
  Variable v_th{scalar_tensor(1.0f)};
  Variable v_reset{scalar_tensor(0.0f)};
};

// State {v, i}: Norse's LIFFeedForwardState, membrane voltage and synaptic current, [B, ...] each.
// Recurrent flavours: the reset (and other spike-triggered jumps) use the detached spike, as in Norse's recurrent
// cells. RecurrentState {z, v, i}: the previous spikes and the state, [B, N_hidden] each.
NORSE_RECURRENT_NEURON_MODEL(lif, LIFModel, NORSE_LIF, LIFCell, LIF, LIFRecurrentCell, LIFRecurrent)

}  // namespace norse::lif

#endif  // NORSE_MODELS_LIF_H_
