// The recurrent flavours of izhikevich (Norse's IzhikevichRecurrentCell / IzhikevichRecurrent): the step's
// input current is x @ W^T + z_prev @ R^T (torch.nn.functional.linear layout: input_weights
// [N_hidden, N_in], recurrent_weights [N_hidden, N_hidden], entry [post, pre]).
// The reset is not detached, as in Norse.
// autapses = false zeroes the recurrent diagonal before use, and its gradient's diagonal.
// The whole sequence is one GEMM for the input projection plus ONE tape node for the loop
// (models/recurrent_op.h, kernels/recurrent_sequence.h).
#ifndef NORSE_MODELS_IZHIKEVICH_RECURRENT_H_
#define NORSE_MODELS_IZHIKEVICH_RECURRENT_H_

#include "core/core.h"
#include "models/izhikevich.h"
#include "models/recurrent_module.h"

namespace norse {
namespace izhikevich {

// RecurrentState {z, v, u}: the previous spikes and the state, [B, N_hidden] each.
// Norse's IzhikevichRecurrentCell and IzhikevichRecurrent: own trainable input and recurrent weights,
// initialised as Norse does (models/recurrent_module.h).
NORSE_RECURRENT_FUNCTIONS(izhikevich, NORSE_IZHIKEVICH_STATES, IzhikevichRecurrentCell, IzhikevichRecurrent)

}  // namespace izhikevich
}  // namespace norse

#endif  // NORSE_MODELS_IZHIKEVICH_RECURRENT_H_
