// Norse's CobaLIFCell, the recurrent conductance-based LIF cell, with Norse's known bug
// reproduced (the conformance fixture does): coba_lif_step computes the input-driven conductance
// jump and then overwrites it, so effectively
//   g_e1 = g_e + z_prev @ relu(R)^T,   g_i1 = g_i + z_prev @ relu(-R)^T
// and the input and input_weights have no effect (zero gradients). The rest of the step is the
// feed-forward CobaLIF step (models/coba_lif.h, fused) with a zero input.
#ifndef NORSE_MODELS_COBA_LIF_RECURRENT_H_
#define NORSE_MODELS_COBA_LIF_RECURRENT_H_

#include "core/core.h"
#include "models/coba_lif.h"

namespace norse {
namespace coba_lif {

struct RecurrentState {
  Variable z, v, g_e, g_i;
};

struct RecurrentStepResult {
  Variable z;
  RecurrentState state;
};

// input [B, N_in] (unused, see above), input_weights [N, N_in] (unused), recurrent_weights [N, N].
RecurrentStepResult coba_lif_recurrent_step(const Variable& input, const Variable& input_weights,
                                            const Variable& recurrent_weights, const RecurrentState& state,
                                            const Params& params, float dt = 1e-3f, Generator* gen = nullptr);

}  // namespace coba_lif
}  // namespace norse

#endif  // NORSE_MODELS_COBA_LIF_RECURRENT_H_
