// The recurrent flavours of lif_adex (Norse's LIFAdExRecurrentCell / LIFAdExRecurrent): the step's
// input current is x @ W^T + z_prev @ R^T (torch.nn.functional.linear layout: input_weights
// [N_hidden, N_in], recurrent_weights [N_hidden, N_hidden], entry [post, pre]).
// The reset is not detached, as in Norse.
// autapses = false zeroes the recurrent diagonal before use, and its gradient's diagonal.
// The whole sequence is one GEMM for the input projection plus ONE tape node for the loop
// (models/recurrent_op.h, kernels/recurrent_sequence.h).
#ifndef NORSE_MODELS_LIF_ADEX_RECURRENT_H_
#define NORSE_MODELS_LIF_ADEX_RECURRENT_H_

#include "core/core.h"
#include "models/lif_adex.h"
#include "models/recurrent_module.h"

namespace norse {
namespace lif_adex {

// RecurrentState {z, v, i, a}: the previous spikes and the state, [B, N_hidden] each.
// Norse's LIFAdExRecurrentCell and LIFAdExRecurrent: own trainable input and recurrent weights,
// initialised as Norse does (models/recurrent_module.h).
NORSE_RECURRENT_FUNCTIONS(lif_adex, NORSE_LIF_ADEX_STATES, LIFAdExRecurrentCell, LIFAdExRecurrent)

}  // namespace lif_adex
}  // namespace norse

#endif  // NORSE_MODELS_LIF_ADEX_RECURRENT_H_
