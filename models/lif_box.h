// Norse's LIF neuron without synaptic current (LIFBox), with reset by value or by subtraction.
// Norse: norse/torch/functional/lif_box.py and module/lif_box.py. Equations and order of
// evaluation: kernels/spiking_math.h (LIFBoxModel).
//
//   lif_box_sequence / LIFBox   input [T, B, ...]; ONE tape node (kernels/neuron_sequence.h: fused
//                            loop, backward = the dual-number adjoint of the same step)
//   lif_box_step / LIFBoxCell   input [B, ...], one step
//
// Parameters: Norse's names and defaults; each a scalar or a tensor matching the trailing
// dimensions of the neuron shape; mark requires_grad to train it.
// Default initial state (undefined State fields): v = v_leak (detached).
#ifndef NORSE_MODELS_LIF_BOX_H_
#define NORSE_MODELS_LIF_BOX_H_

#include "core/core.h"
#include "kernels/spiking_math.h"
#include "models/neuron_spec.h"

namespace norse::lif_box {

struct Params : SurrogateParams {
  Variable tau_mem_inv{scalar_tensor(1.0f / 1e-2f)};
  Variable v_leak{scalar_tensor(0.0f)};
  Variable v_th{scalar_tensor(1.0f)};
  Variable v_reset{scalar_tensor(0.0f)};
  bool reset_subtract = false;        // true: Norse's reset_subtract (v - v_th), false: reset_value (v_reset)
  bool allow_unstable_euler = false;  // accept dt * tau_mem_inv > 2 (NIR graphs made for a smaller dt)
};

// State {v}, one tensor [B, ...] per field.
NORSE_NEURON_MODEL(lif_box, LIFBoxModel, NORSE_LIF_BOX, LIFBoxCell, LIFBox)

}  // namespace norse::lif_box

#endif  // NORSE_MODELS_LIF_BOX_H_
