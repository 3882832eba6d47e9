// The generic fused recurrent loop (Norse's *RecurrentCell stepped over T / *Recurrent): per
// step one GEMM for the recurrent current, then the model's element-wise step over the batch:
//
//   I_t = X_t + z_{t-1} @ R^T        X = input @ W^T, computed before (one GEMM over all T*B)
//   (z_t, state_t) = step(state_{t-1}, I_t)
//
// The backward walks time in reverse with the model's adjoint of the same step
// (kernels/neuron_sequence.h's step_adjoint), and per step two GEMMs: dL/dz_{t-1} += G_t @ R and
// dL/dR += G_t^T @ z_{t-1}, where G_t = dL/dI_t.
//
// Saved for backward (bytes per neuron-step): the state before each step (4 * kStates) and the
// total input I_t (4); z is an output.
// Layouts: per-step arrays [steps, batch, hidden]; R [hidden, hidden] (row = post-synaptic);
// states [batch, hidden]. Outputs marked (=) are overwritten. Deterministic for any thread
// count. Threads split the batch (rows), each walking the whole time loop (see detail::).
// The per-element bodies (recurrent_forward_element / recurrent_backward_element) are the CUDA
// step kernels' too.
#ifndef NORSE_KERNELS_RECURRENT_SEQUENCE_H_
#define NORSE_KERNELS_RECURRENT_SEQUENCE_H_

#include <algorithm>
#include <cstring>
#include <vector>

#include "kernels/gemm.h"
#include "kernels/neuron_sequence.h"

namespace norse {
namespace kernels {

struct RecurrentForwardArgs {
  int64_t steps = 0, batch = 0, hidden = 0;
  const float* input_current = nullptr;      // [steps, batch, hidden] X = input @ W^T
  const float* recurrent_weights = nullptr;  // [hidden, hidden]
  const float* z0 = nullptr;                 // [batch, hidden]
  const float* state0[kMaxStates] = {};      // [batch, hidden] each
  float* z = nullptr;                        // [steps, batch, hidden] (=)
  float* record[kMaxStates] = {};            // [steps, batch, hidden] (=) or null
  float* final_state[kMaxStates] = {};       // [batch, hidden] (=)
  float* saved = nullptr;                    // [steps, kStates, batch*hidden] (=) or null
  float* saved_current = nullptr;            // [steps, batch, hidden] (=) I_t, or null
  uint64_t seed = 0, offset = 0;
};

struct RecurrentBackwardArgs {
  int64_t steps = 0, batch = 0, hidden = 0;
  const float* recurrent_weights = nullptr;   // [hidden, hidden]
  const float* z0 = nullptr;                  // [batch, hidden]
  const float* z = nullptr;                   // [steps, batch, hidden] the forward's spikes
  const float* saved = nullptr;               // [steps, kStates, batch*hidden]
  const float* saved_current = nullptr;       // [steps, batch, hidden]
  const float* grad_z = nullptr;              // [steps, batch, hidden] or null
  const float* grad_record[kMaxStates] = {};  // or null each
  const float* grad_final[kMaxStates] = {};   // [batch, hidden] or null each
  float* grad_input_current = nullptr;        // [steps, batch, hidden] (=)
  float* grad_recurrent_weights = nullptr;    // [hidden, hidden] (=)
  float* grad_z0 = nullptr;                   // [batch, hidden] (=)
  float* grad_state0[kMaxStates] = {};        // [batch, hidden] (=)
  float* grad_params[kMaxParams] = {};        // [batch*hidden] (=) partials, or all null
  uint64_t seed = 0, offset = 0;
};

// What a backward call reads of its forward call: the sizes, the weights and z0 it used, its
// spikes and saved values, and its random stream.
inline RecurrentBackwardArgs backward_args_of(const RecurrentForwardArgs& f) {
  RecurrentBackwardArgs b;
  b.steps = f.steps;
  b.batch = f.batch;
  b.hidden = f.hidden;
  b.recurrent_weights = f.recurrent_weights;
  b.z0 = f.z0;
  b.z = f.z;
  b.saved = f.saved;
  b.saved_current = f.saved_current;
  b.seed = f.seed;
  b.offset = f.offset;
  return b;
}

namespace detail {

// The batch is cut into blocks of rows (a power of two, at least kBlockElements neurons each where
// the batch allows, at most kRowBlocks blocks), fixed by the batch and layer size alone. Rows
// never interact in the forward pass and only through dL/dR in the backward pass, so each
// block walks the WHOLE time loop on its own (one parallel region per call, no per-step
// barrier: per-step threading cost more than the work at small sizes), and dL/dR is summed
// from per-block partials in block order: the result does not depend on the thread count.
constexpr int64_t kRowBlocks = 16;
constexpr int64_t kBlockElements = 1024;

// A power of two, so that the blocks split evenly over 2, 4, ... threads.
inline int64_t row_blocks(int64_t batch, int64_t hidden) {
  int64_t blocks = 1;
  while (blocks < kRowBlocks && blocks * kBlockElements < batch * hidden && blocks * 2 <= batch) blocks *= 2;
  return blocks;
}
inline int64_t block_row(int64_t batch, int64_t blocks, int64_t j) { return batch * j / blocks; }

// The parameters of elements [e0, e1), loaded once per call: the broadcast index (a modulo per
// parameter) costs more than the step itself when done at every step.
template <class Model>
std::vector<float> block_params(const NeuronParams<Model>& p, int64_t e0, int64_t e1) {
  std::vector<float> table(static_cast<size_t>((e1 - e0) * Dims<Model>::kPArray));
  for (int64_t e = e0; e < e1; ++e) load_params(p, e, &table[static_cast<size_t>((e - e0) * Dims<Model>::kPArray)]);
  return table;
}

// THE recurrent forward body: element e at step t, given its total input I_t (`total`); its
// state lives in `state` ([kStates, batch*hidden], updated in place). The CPU loop below and the
// CUDA step kernel (kernels/recurrent_cuda.cu) both call it.
template <class Model, Surrogate S>
NORSE_HD inline void recurrent_forward_element(const float* prm, const StepConstants<Model>& c,
                                               const RecurrentForwardArgs& a, int64_t t, int64_t e, float* state,
                                               float total) {
  constexpr int kS = Model::kStates;
  const int64_t n = a.batch * a.hidden, j = t * n + e;
  float st[kS];
  for (int s = 0; s < kS; ++s) {
    st[s] = state[s * n + e];
    if (a.saved != nullptr) a.saved[(t * kS + s) * n + e] = st[s];
  }
  if (a.saved_current != nullptr) a.saved_current[j] = total;
  a.z[j] = Model::template step<S>(prm, st, total, c.dt, c.alpha, uniform_at<S>(a.seed, a.offset, j), c.options);
  for (int s = 0; s < kS; ++s) {
    state[s * n + e] = st[s];
    if (a.record[s] != nullptr) a.record[s][j] = st[s];
  }
}

// THE recurrent backward body: element e at step t. grad_state ([kStates, batch*hidden]) holds
// dL/d(state after) and receives dL/d(state before); grad_z_recurrent[e] is G_{t+1} @ R. Writes
// G_t = dL/dI_t and ADDS the parameter gradients (kWantParams).
template <class Model, Surrogate S, bool kWantParams>
NORSE_HD inline void recurrent_backward_element(const float* prm, const StepConstants<Model>& c,
                                                const RecurrentBackwardArgs& a, int64_t t, int64_t e, float* grad_state,
                                                const float* grad_z_recurrent) {
  using Dm = Dims<Model>;
  const int64_t n = a.batch * a.hidden, j = t * n + e;
  float st[Dm::kS], g_out[Dm::kS], g_state[Dm::kS], g_x;
  float g_prm[Dm::kPArray] = {};
  for (int s = 0; s < Dm::kS; ++s) {
    st[s] = a.saved[(t * Dm::kS + s) * n + e];
    g_out[s] = grad_state[s * n + e] + (a.grad_record[s] != nullptr ? a.grad_record[s][j] : 0.0f);
  }
  const float g_z = (a.grad_z != nullptr ? a.grad_z[j] : 0.0f) + grad_z_recurrent[e];
  step_adjoint<Model, S, kWantParams>(prm, st, a.saved_current[j], c.dt, c.alpha, uniform_at<S>(a.seed, a.offset, j),
                                      c.options, g_z, g_out, g_state, &g_x, g_prm);
  for (int s = 0; s < Dm::kS; ++s) grad_state[s * n + e] = g_state[s];
  a.grad_input_current[j] = g_x;
  if constexpr (kWantParams) {
    for (int q = 0; q < Dm::kP; ++q) a.grad_params[q][e] += g_prm[q];
  }
}

template <class Model, Surrogate S>
void recurrent_forward(const NeuronParams<Model>& p, const RecurrentForwardArgs& a) {
  using Dm = Dims<Model>;
  const int64_t n = a.batch * a.hidden, h = a.hidden;
  const int64_t blocks = row_blocks(a.batch, a.hidden);
  std::vector<float> state(static_cast<size_t>(Dm::kS * n));
  std::vector<float> current(static_cast<size_t>(n));
  for (int s = 0; s < Dm::kS; ++s)
    std::memcpy(&state[static_cast<size_t>(s * n)], a.state0[s], sizeof(float) * static_cast<size_t>(n));
  parallel_for(blocks, 1, [&](int64_t jb, int64_t je) {
    for (int64_t j = jb; j < je; ++j) {
      const int64_t r0 = block_row(a.batch, blocks, j), r1 = block_row(a.batch, blocks, j + 1);
      const int64_t e0 = r0 * h, e1 = r1 * h;
      float* cur = current.data() + e0;
      const std::vector<float> prm_table = block_params(p, e0, e1);  // constant over time
      const StepConstants<Model> c = constants_of(p);
      for (int64_t t = 0; t < a.steps; ++t) {
        const float* z_prev = (t == 0 ? a.z0 : a.z + (t - 1) * n) + e0;
        // I_t = X_t + z_{t-1} @ R^T (the CUDA loop sums in the same order).
        std::memcpy(cur, a.input_current + t * n + e0, sizeof(float) * static_cast<size_t>(e1 - e0));
        gemm(false, true, r1 - r0, h, h, 1.0f, z_prev, a.recurrent_weights, 1.0f, cur);
        for (int64_t e = e0; e < e1; ++e) {
          recurrent_forward_element<Model, S>(&prm_table[static_cast<size_t>((e - e0) * Dm::kPArray)], c, a, t, e,
                                              state.data(), current[static_cast<size_t>(e)]);
        }
      }
    }
  });
  for (int s = 0; s < Dm::kS; ++s)
    std::memcpy(a.final_state[s], &state[static_cast<size_t>(s * n)], sizeof(float) * static_cast<size_t>(n));
}

template <class Model, Surrogate S, bool kWantParams>
void recurrent_backward(const NeuronParams<Model>& p, const RecurrentBackwardArgs& a) {
  using Dm = BackwardDims<Model, kWantParams>;
  const int64_t n = a.batch * a.hidden, h = a.hidden;
  const int64_t blocks = row_blocks(a.batch, a.hidden);
  std::vector<float> grad_state(static_cast<size_t>(Dm::kS * n), 0.0f);
  std::vector<float> grad_z_recurrent(static_cast<size_t>(n), 0.0f);  // G_{t+1} @ R
  // dL/dR partials, one per block (the first block writes the output directly).
  std::vector<float> partial_grad_r(static_cast<size_t>((blocks - 1) * h * h), 0.0f);
  for (int s = 0; s < Dm::kS; ++s) {
    if (a.grad_final[s] != nullptr)
      std::memcpy(&grad_state[static_cast<size_t>(s * n)], a.grad_final[s], sizeof(float) * static_cast<size_t>(n));
  }
  if (kWantParams) {
    for (int q = 0; q < Dm::kP; ++q) std::fill(a.grad_params[q], a.grad_params[q] + n, 0.0f);
  }
  std::fill(a.grad_recurrent_weights, a.grad_recurrent_weights + h * h, 0.0f);
  parallel_for(blocks, 1, [&](int64_t jb, int64_t je) {
    for (int64_t j = jb; j < je; ++j) {
      const int64_t r0 = block_row(a.batch, blocks, j), r1 = block_row(a.batch, blocks, j + 1);
      const int64_t e0 = r0 * h, e1 = r1 * h;
      float* grad_r = j == 0 ? a.grad_recurrent_weights : partial_grad_r.data() + (j - 1) * h * h;
      const std::vector<float> prm_table = block_params(p, e0, e1);  // constant over time
      const StepConstants<Model> c = constants_of(p);
      for (int64_t t = a.steps; t-- > 0;) {
        const float* g_current = a.grad_input_current + t * n;  // G_t, written by the element bodies
        for (int64_t e = e0; e < e1; ++e) {
          recurrent_backward_element<Model, S, kWantParams>(&prm_table[static_cast<size_t>((e - e0) * Dm::kPArray)], c,
                                                            a, t, e, grad_state.data(), grad_z_recurrent.data());
        }
        const float* z_prev = (t == 0 ? a.z0 : a.z + (t - 1) * n) + e0;
        // dL/dR += G_t^T @ z_{t-1};  dL/dz_{t-1} (recurrent part) = G_t @ R   (this block's rows)
        gemm(true, false, h, h, r1 - r0, 1.0f, g_current + e0, z_prev, 1.0f, grad_r);
        gemm(false, false, r1 - r0, h, h, 1.0f, g_current + e0, a.recurrent_weights, 0.0f,
             grad_z_recurrent.data() + e0);
      }
    }
  });
  for (int64_t j = 1; j < blocks; ++j) {
    const float* part = partial_grad_r.data() + (j - 1) * h * h;
    for (int64_t k = 0; k < h * h; ++k) a.grad_recurrent_weights[k] += part[k];
  }
  std::memcpy(a.grad_z0, grad_z_recurrent.data(), sizeof(float) * static_cast<size_t>(n));
  for (int s = 0; s < Dm::kS; ++s)
    std::memcpy(a.grad_state0[s], &grad_state[static_cast<size_t>(s * n)], sizeof(float) * static_cast<size_t>(n));
}

}  // namespace detail

template <class Model>
void recurrent_sequence_forward(const NeuronParams<Model>& p, const RecurrentForwardArgs& a) {
  with_surrogate(p.method, [&](auto tag) { detail::recurrent_forward<Model, decltype(tag)::value>(p, a); });
}

template <class Model>
void recurrent_sequence_backward(const NeuronParams<Model>& p, const RecurrentBackwardArgs& a) {
  const bool want_params = Model::kParams > 0 && a.grad_params[0] != nullptr;
  with_surrogate(p.method, [&](auto tag) {
    if (want_params) {
      detail::recurrent_backward<Model, decltype(tag)::value, true>(p, a);
    } else {
      detail::recurrent_backward<Model, decltype(tag)::value, false>(p, a);
    }
  });
}

}  // namespace kernels
}  // namespace norse

#endif  // NORSE_KERNELS_RECURRENT_SEQUENCE_H_
