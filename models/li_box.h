// Norse's leaky integrator without synaptic current (LIBox); the output of each step is the new voltage v.
// Norse: norse/torch/functional/leaky_integrator_box.py and module/leaky_integrator_box.py. Equations and order of
// evaluation: kernels/li_math.h (LIBoxModel).
//
//   li_box_sequence / LIBox   input [T, B, ...]; ONE tape node (kernels/neuron_sequence.h: fused
//                            loop, backward = the dual-number adjoint of the same step)
//   li_box_step / LIBoxCell   input [B, ...], one step
//
// Parameters: Norse's names and defaults; each a scalar or a tensor matching the trailing
// dimensions of the neuron shape; mark requires_grad to train it.
// Default initial state (undefined State fields): v = v_leak (detached).
#ifndef NORSE_MODELS_LI_BOX_H_
#define NORSE_MODELS_LI_BOX_H_

#include "core/core.h"
#include "kernels/li_math.h"
#include "models/neuron_spec.h"

namespace norse::li_box {

struct Params {
  Variable tau_mem_inv{scalar_tensor(1.0f / 1e-2f)};
  Variable v_leak{scalar_tensor(0.0f)};
  bool allow_unstable_euler = false;  // accept dt * tau_mem_inv > 2 (NIR graphs made for a smaller dt)
};

// State {v}, one tensor [B, ...] per field.
NORSE_NEURON_MODEL(li_box, LIBoxModel, NORSE_LI_BOX, LIBoxCell, LIBox)

}  // namespace norse::li_box

#endif  // NORSE_MODELS_LI_BOX_H_
