// The recurrent flavours of lsnn (Norse's LSNNRecurrentCell / LSNNRecurrent): the step's
// input current is x @ W^T + z_prev @ R^T (torch.nn.functional.linear layout: input_weights
// [N_hidden, N_in], recurrent_weights [N_hidden, N_hidden], entry [post, pre]).
// The reset (and other spike-triggered jumps) use the detached spike, as in Norse's recurrent cells.
// autapses = false zeroes the recurrent diagonal before use, and its gradient's diagonal.
// The whole sequence is one GEMM for the input projection plus ONE tape node for the loop
// (models/recurrent_op.h, kernels/recurrent_sequence.h).
#ifndef NORSE_MODELS_LSNN_RECURRENT_H_
#define NORSE_MODELS_LSNN_RECURRENT_H_

#include "core/core.h"
#include "models/lsnn.h"

namespace norse {
namespace lsnn {

// Norse's LSNNRecurrentState: the previous spikes z plus the feed-forward state, [B, N_hidden].
struct RecurrentState {
  Variable z;
  Variable v;
  Variable i;
  Variable b;
};

struct RecurrentSequenceResult {
  Variable z;             // [T, B, N_hidden]
  RecurrentState state;   // after the last step (state.z = z[T-1])
  State record;           // every state field after every step (record_states only)
};

struct RecurrentStepResult {
  Variable z;
  RecurrentState state;
};

// input [T, B, N_in]. Undefined initial fields take Norse's defaults (z = 0).
RecurrentSequenceResult lsnn_recurrent_sequence(const Variable& input, const Variable& input_weights,
                                               const Variable& recurrent_weights, const RecurrentState& initial,
                                               const Params& params, bool autapses = false, float dt = 1e-3f,
                                               bool record_states = false, Generator* gen = nullptr);
// input [B, N_in], one step.
RecurrentStepResult lsnn_recurrent_step(const Variable& input, const Variable& input_weights,
                                       const Variable& recurrent_weights, const RecurrentState& state,
                                       const Params& params, bool autapses = false, float dt = 1e-3f,
                                       Generator* gen = nullptr);

// Norse's LSNNRecurrentCell: owns trainable input and recurrent weights, initialised as Norse
// does (N(0, 2 / hidden_size), recurrent diagonal zero without autapses) from `init`.
class LSNNRecurrentCell {
 public:
  LSNNRecurrentCell(int64_t input_size, int64_t hidden_size, Generator& init, Params params = {},
                    bool autapses = false, float dt = 1e-3f);
  RecurrentStepResult forward(const Variable& input, const RecurrentState& state = {}, Generator* gen = nullptr) const;
  Variable& input_weights() { return input_weights_; }
  Variable& recurrent_weights() { return recurrent_weights_; }
  Params& params() { return params_; }

 private:
  Variable input_weights_, recurrent_weights_;
  Params params_;
  bool autapses_;
  float dt_;
};

// Norse's LSNNRecurrent: the same over a whole [T, B, N_in] sequence.
class LSNNRecurrent {
 public:
  LSNNRecurrent(int64_t input_size, int64_t hidden_size, Generator& init, Params params = {}, bool autapses = false,
                float dt = 1e-3f, bool record_states = false);
  RecurrentSequenceResult forward(const Variable& input, const RecurrentState& state = {}, Generator* gen = nullptr) const;
  Variable& input_weights() { return input_weights_; }
  Variable& recurrent_weights() { return recurrent_weights_; }
  Params& params() { return params_; }

 private:
  Variable input_weights_, recurrent_weights_;
  Params params_;
  bool autapses_;
  float dt_;
  bool record_states_;
};

}  // namespace lsnn
}  // namespace norse

#endif  // NORSE_MODELS_LSNN_RECURRENT_H_
