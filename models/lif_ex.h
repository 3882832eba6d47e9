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
#include "kernels/surrogate.h"
#include "models/lif.h"
#include "models/neuron_spec.h"

namespace norse {
namespace lif_ex {

// LIF's parameters and delta_T (Norse's LIFExParameters: the same names and defaults).
struct Params : lif::Params {
  Variable delta_T{scalar_tensor(0.5f)};
};

// State {v, i}, one tensor [B, ...] per field.
NORSE_NEURON_SPEC(lif_ex, LIFExModel, NORSE_LIF_EX_PARAMS, NORSE_LIF_EX_STATES)
NORSE_NEURON_FUNCTIONS(lif_ex, LIFExCell, LIFEx)

}  // namespace lif_ex
}  // namespace norse

#endif  // NORSE_MODELS_LIF_EX_H_
