// The generic fused recurrent loop (Norse's *RecurrentCell stepped over T / *Recurrent): per
// step one GEMM for the recurrent current, then the model's element-wise step over the batch:
//
//   I_t = X_t + z_{t-1} @ R^T        X = input @ W^T, computed before (one GEMM over all T*B)
//   (z_t, state_t) = step(state_{t-1}, I_t)
//
// The backward walks time in reverse with the dual-number adjoint of the same step
// (kernels/neuron_sequence.h), and per step two GEMMs: dL/dz_{t-1} += G_t @ R and
// dL/dR += G_t^T @ z_{t-1}, where G_t = dL/dI_t.
//
// Saved for backward (bytes per neuron-step): the state before each step (4 * kStates) and the
// total input I_t (4); z is an output.
// Layouts: per-step arrays [steps, batch, hidden]; R [hidden, hidden] (row = post-synaptic);
// states [batch, hidden]. Outputs marked (=) are overwritten. Deterministic for any thread
// count.
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
  const float* recurrent_weights = nullptr;  // [hidden, hidden]
  const float* z0 = nullptr;                 // [batch, hidden]
  const float* z = nullptr;                  // [steps, batch, hidden] the forward's spikes
  const float* saved = nullptr;              // [steps, kStates, batch*hidden]
  const float* saved_current = nullptr;      // [steps, batch, hidden]
  const float* grad_z = nullptr;             // [steps, batch, hidden] or null
  const float* grad_record[kMaxStates] = {}; // or null each
  const float* grad_final[kMaxStates] = {};  // [batch, hidden] or null each
  float* grad_input_current = nullptr;       // [steps, batch, hidden] (=)
  float* grad_recurrent_weights = nullptr;   // [hidden, hidden] (=)
  float* grad_z0 = nullptr;                  // [batch, hidden] (=)
  float* grad_state0[kMaxStates] = {};       // [batch, hidden] (=)
  float* grad_params[kMaxParams] = {};       // [batch*hidden] (=) partials, or all null
  uint64_t seed = 0, offset = 0;
};

namespace detail {

template <class Model, Surrogate S>
void recurrent_forward(const NeuronParams<Model>& p, const RecurrentForwardArgs& a) {
  using Dm = Dims<Model>;
  const int64_t n = a.batch * a.hidden;
  std::vector<float> state(static_cast<size_t>(Dm::kS * n));
  std::vector<float> current(static_cast<size_t>(n));
  for (int s = 0; s < Dm::kS; ++s) std::memcpy(&state[static_cast<size_t>(s * n)], a.state0[s], sizeof(float) * static_cast<size_t>(n));
  for (int64_t t = 0; t < a.steps; ++t) {
    const float* z_prev = t == 0 ? a.z0 : a.z + (t - 1) * n;
    std::memcpy(current.data(), a.input_current + t * n, sizeof(float) * static_cast<size_t>(n));
    gemm(false, true, a.batch, a.hidden, a.hidden, 1.0f, z_prev, a.recurrent_weights, 1.0f, current.data());
    if (a.saved_current != nullptr) std::memcpy(a.saved_current + t * n, current.data(), sizeof(float) * static_cast<size_t>(n));
    parallel_for(n, 1024, [&](int64_t begin, int64_t end) {
      float prm[Dm::kPArray];
      float st[Dm::kS];
      for (int64_t e = begin; e < end; ++e) {
        load_params(p, e, prm);
        for (int s = 0; s < Dm::kS; ++s) {
          st[s] = state[static_cast<size_t>(s * n + e)];
          if (a.saved != nullptr) a.saved[(t * Dm::kS + s) * n + e] = st[s];
        }
        const float z = Model::template step<S>(prm, st, current[static_cast<size_t>(e)], p.dt, p.alpha,
                                                uniform_at<S>(a.seed, a.offset, t * n + e), p.options);
        a.z[t * n + e] = z;
        for (int s = 0; s < Dm::kS; ++s) {
          state[static_cast<size_t>(s * n + e)] = st[s];
          if (a.record[s] != nullptr) a.record[s][t * n + e] = st[s];
        }
      }
    });
  }
  for (int s = 0; s < Dm::kS; ++s) std::memcpy(a.final_state[s], &state[static_cast<size_t>(s * n)], sizeof(float) * static_cast<size_t>(n));
}

template <class Model, Surrogate S, bool kWantParams>
void recurrent_backward(const NeuronParams<Model>& p, const RecurrentBackwardArgs& a) {
  using Dm = BackwardDims<Model, kWantParams>;
  using D = typename Dm::D;
  const int64_t n = a.batch * a.hidden;
  std::vector<float> grad_state(static_cast<size_t>(Dm::kS * n), 0.0f);
  std::vector<float> grad_z_recurrent(static_cast<size_t>(n), 0.0f);  // G_{t+1} @ R
  for (int s = 0; s < Dm::kS; ++s) {
    if (a.grad_final[s] != nullptr) std::memcpy(&grad_state[static_cast<size_t>(s * n)], a.grad_final[s], sizeof(float) * static_cast<size_t>(n));
  }
  if (kWantParams) {
    for (int q = 0; q < Dm::kP; ++q) std::fill(a.grad_params[q], a.grad_params[q] + n, 0.0f);
  }
  std::fill(a.grad_recurrent_weights, a.grad_recurrent_weights + a.hidden * a.hidden, 0.0f);
  for (int64_t t = a.steps; t-- > 0;) {
    float* g_current = a.grad_input_current + t * n;  // G_t, written below
    parallel_for(n, 1024, [&](int64_t begin, int64_t end) {
      float prm[Dm::kPArray];
      for (int64_t e = begin; e < end; ++e) {
        load_params(p, e, prm);
        D pd[Dm::kPArray];
        for (int j = 0; j < Dm::kP; ++j) pd[j] = kWantParams ? D::variable(prm[j], Dm::kS + 1 + j) : D(prm[j]);
        D sd[Dm::kS];
        for (int s = 0; s < Dm::kS; ++s) sd[s] = D::variable(a.saved[(t * Dm::kS + s) * n + e], s);
        const D xd = D::variable(a.saved_current[t * n + e], Dm::kS);
        const D z = Model::template step<S>(pd, sd, xd, p.dt, p.alpha, uniform_at<S>(a.seed, a.offset, t * n + e), p.options);
        const float g_z = (a.grad_z ? a.grad_z[t * n + e] : 0.0f) + grad_z_recurrent[static_cast<size_t>(e)];
        float g_out[Dm::kS];
        for (int s = 0; s < Dm::kS; ++s) {
          g_out[s] = grad_state[static_cast<size_t>(s * n + e)] + (a.grad_record[s] ? a.grad_record[s][t * n + e] : 0.0f);
        }
        for (int d = 0; d < Dm::kDirs; ++d) {
          float acc = g_z * z.d[d];
          for (int s = 0; s < Dm::kS; ++s) acc += g_out[s] * sd[s].d[d];
          if (d < Dm::kS) {
            grad_state[static_cast<size_t>(d * n + e)] = acc;
          } else if (d == Dm::kS) {
            g_current[e] = acc;
          } else if (kWantParams) {
            a.grad_params[d - Dm::kS - 1][e] += acc;
          }
        }
      }
    });
    const float* z_prev = t == 0 ? a.z0 : a.z + (t - 1) * n;
    // dL/dR += G_t^T @ z_{t-1};  dL/dz_{t-1} (recurrent part) = G_t @ R
    gemm(true, false, a.hidden, a.hidden, a.batch, 1.0f, g_current, z_prev, 1.0f, a.grad_recurrent_weights);
    gemm(false, false, a.batch, a.hidden, a.hidden, 1.0f, g_current, a.recurrent_weights, 0.0f, grad_z_recurrent.data());
  }
  std::memcpy(a.grad_z0, grad_z_recurrent.data(), sizeof(float) * static_cast<size_t>(n));
  for (int s = 0; s < Dm::kS; ++s) std::memcpy(a.grad_state0[s], &grad_state[static_cast<size_t>(s * n)], sizeof(float) * static_cast<size_t>(n));
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
