// The recurrent flavours of lif (Norse's LIFRecurrentCell / LIFRecurrent): the step's
// input current is x @ W^T + z_prev @ R^T (torch.nn.functional.linear layout: input_weights
// [N_hidden, N_in], recurrent_weights [N_hidden, N_hidden], entry [post, pre]).
// The reset (and other spike-triggered jumps) use the detached spike, as in Norse's recurrent cells.
// autapses = false zeroes the recurrent diagonal before use, and its gradient's diagonal.
// The whole sequence is one GEMM for the input projection plus ONE tape node for the loop
// (models/recurrent_op.h, kernels/recurrent_sequence.h).
#ifndef NORSE_MODELS_LIF_RECURRENT_H_
#define NORSE_MODELS_LIF_RECURRENT_H_

#include "core/core.h"
#include "models/lif.h"
#include "models/recurrent_module.h"

namespace norse {
namespace lif {

// Norse's LIFRecurrentState: the previous spikes z plus the feed-forward state, [B, N_hidden].
struct RecurrentState {
  Variable z;
  Variable v;
  Variable i;
};

NORSE_RECURRENT_FUNCTIONS(lif)

// Norse's LIFRecurrentCell and LIFRecurrent: own trainable input and recurrent weights,
// initialised as Norse does (models/recurrent_module.h).
using LIFRecurrentCell = detail::RecurrentCellModule<Spec, RecurrentState>;
using LIFRecurrent = detail::RecurrentModule<Spec, RecurrentState>;

}  // namespace lif
}  // namespace norse

#endif  // NORSE_MODELS_LIF_RECURRENT_H_
