// Norse's leaky integrator (LI): a non-spiking read-out; the output of each step is the new voltage v.
// Norse: norse/torch/functional/leaky_integrator.py and module/leaky_integrator.py. Equations and order of
// evaluation: kernels/li_math.h (LIModel).
//
//   li_sequence / LI   input [T, B, ...]; ONE tape node (kernels/neuron_sequence.h: fused
//                            loop, backward = the dual-number adjoint of the same step)
//   li_step / LICell   input [B, ...], one step
//
// Parameters: Norse's names and defaults; each a scalar or a tensor matching the trailing
// dimensions of the neuron shape; mark requires_grad to train it.
// Default initial state (undefined State fields): v = v_leak (detached), i = 0.
#ifndef NORSE_MODELS_LI_H_
#define NORSE_MODELS_LI_H_

#include "core/core.h"
#include "kernels/li_math.h"
#include "models/neuron_spec.h"

namespace norse::li {

struct Params {
  Variable tau_syn_inv{scalar_tensor(1.0f / 5e-3f)};
  Variable tau_mem_inv{scalar_tensor(1.0f / 1e-2f)};
  Variable v_leak{scalar_tensor(0.0f)};
};

// State {v, i}, one tensor [B, ...] per field.
NORSE_NEURON_MODEL(li, LIModel, NORSE_LI, LICell, LI)

}  // namespace norse::li

#endif  // NORSE_MODELS_LI_H_
