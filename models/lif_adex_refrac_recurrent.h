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

// Norse's LIFAdExRefracRecurrentState: the previous spikes z plus the feed-forward state, [B, N_hidden].
struct RecurrentState {
  Variable z;
  Variable v;
  Variable i;
  Variable a;
  Variable rho;
};

struct RecurrentSequenceResult {
  Variable z;            // [T, B, N_hidden]
  RecurrentState state;  // after the last step (state.z = z[T-1])
  State record;          // every state field after every step (record_states only)
};

struct RecurrentStepResult {
  Variable z;
  RecurrentState state;
};

// input [T, B, N_in]. Undefined initial fields take Norse's defaults (z = 0).
RecurrentSequenceResult lif_adex_refrac_recurrent_sequence(const Variable& input, const Variable& input_weights,
                                                           const Variable& recurrent_weights,
                                                           const RecurrentState& initial, const Params& params,
                                                           bool autapses = false, float dt = 1e-3f,
                                                           bool record_states = false, Generator* gen = nullptr);
// input [B, N_in], one step.
RecurrentStepResult lif_adex_refrac_recurrent_step(const Variable& input, const Variable& input_weights,
                                                   const Variable& recurrent_weights, const RecurrentState& state,
                                                   const Params& params, bool autapses = false, float dt = 1e-3f,
                                                   Generator* gen = nullptr);

// Norse's LIFAdExRefracRecurrentCell and LIFAdExRefracRecurrent: own trainable input and recurrent weights,
// initialised as Norse does from `init` (models/recurrent_module.h).
using LIFAdExRefracRecurrentCell =
    detail::RecurrentCellModule<Params, RecurrentState, RecurrentStepResult, &lif_adex_refrac_recurrent_step>;
using LIFAdExRefracRecurrent =
    detail::RecurrentModule<Params, RecurrentState, RecurrentSequenceResult, &lif_adex_refrac_recurrent_sequence>;

}  // namespace lif_adex_refrac
}  // namespace norse

#endif  // NORSE_MODELS_LIF_ADEX_REFRAC_RECURRENT_H_
