// The recurrent flavours of lif_adex_refrac (Norse's LIFAdExRefracRecurrentCell / LIFAdExRefracRecurrent): the step's
// input current is x @ W^T + z_prev @ R^T (torch.nn.functional.linear layout: input_weights
// [N_hidden, N_in], recurrent_weights [N_hidden, N_hidden], entry [post, pre]).
// The reset is not detached, as in Norse.
// autapses = false zeroes the recurrent diagonal before use, and its gradient's diagonal.
// The whole sequence is one GEMM for the input projection plus ONE tape node for the loop
// (models/recurrent_op.h, kernels/recurrent_sequence.h).
#ifndef NORSE_MODELS_LIF_ADEX_REFRAC_RECURRENT_H_
#define NORSE_MODELS_LIF_ADEX_REFRAC_RECURRENT_H_

#include "core/core.h"
#include "models/lif_adex_refrac.h"
#include "models/recurrent_module.h"

namespace norse {
namespace lif_adex_refrac {

// RecurrentState {z, v, i, a, rho}: the previous spikes and the state, [B, N_hidden] each.
// Norse's LIFAdExRefracRecurrentCell and LIFAdExRefracRecurrent: own trainable input and recurrent weights,
// initialised as Norse does (models/recurrent_module.h).
NORSE_RECURRENT_FUNCTIONS(lif_adex_refrac, NORSE_LIF_ADEX_REFRAC_STATES, LIFAdExRefracRecurrentCell,
                          LIFAdExRefracRecurrent)

}  // namespace lif_adex_refrac
}  // namespace norse

#endif  // NORSE_MODELS_LIF_ADEX_REFRAC_RECURRENT_H_
