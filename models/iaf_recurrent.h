// The recurrent flavours of iaf (Norse's IAFRecurrentCell / IAFRecurrent): the step's
// input current is x @ W^T + z_prev @ R^T (torch.nn.functional.linear layout: input_weights
// [N_hidden, N_in], recurrent_weights [N_hidden, N_hidden], entry [post, pre]).
// The reset uses the spike with its gradient.
// autapses = false zeroes the recurrent diagonal before use, and its gradient's diagonal.
// The whole sequence is one GEMM for the input projection plus ONE tape node for the loop
// (models/recurrent_op.h, kernels/recurrent_sequence.h).
#ifndef NORSE_MODELS_IAF_RECURRENT_H_
#define NORSE_MODELS_IAF_RECURRENT_H_

#include "core/core.h"
#include "models/iaf.h"
#include "models/recurrent_module.h"

namespace norse {
namespace iaf {

// RecurrentState {z, v}: the previous spikes and the state, [B, N_hidden] each.
// Norse's IAFRecurrentCell and IAFRecurrent: own trainable input and recurrent weights,
// initialised as Norse does (models/recurrent_module.h).
NORSE_RECURRENT_FUNCTIONS(iaf, NORSE_IAF_STATES, IAFRecurrentCell, IAFRecurrent)

}  // namespace iaf
}  // namespace norse

#endif  // NORSE_MODELS_IAF_RECURRENT_H_
