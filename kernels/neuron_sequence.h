// The generic fused time loop for any neuron model whose step is written as a template
// (kernels/<model>_math.h), with its backward derived from the same step by dual numbers
// (kernels/dual.h). One call walks the whole [T, ...] sequence; threads own disjoint blocks of
// elements, so results are bitwise identical for any thread count.
//
// A Model provides:
//   kStates, kParams               numbers of state fields and parameters
//   Options                        trivially copyable model options (e.g. reset mode)
//   kSpiking                       whether step() returns a spike output
//   template <Surrogate S, class T, class R>
//   static T step(const T* p, T* s, T x, R dt, R alpha, R uniform, const Options&)
//                                  advances s (in place) by one step; returns the spike z.
//                                  T is float, double or a Dual over R.
//
// Saved for backward (bytes per neuron-step): the state before every step, 4 * kStates. The
// backward recomputes each step with Dual<float, K> (K = kStates + 1, plus kParams when
// parameters are trained) and multiplies its Jacobian by the output gradients; stochastic
// spikes are redrawn from the same Philox stream, so they equal the forward's.
//
// Layouts: per-step arrays [steps, elements]; saved [steps, kStates, elements]; states and
// parameter partials [elements]. Parameter p of element e is params[p].data[e % size].
#ifndef NORSE_KERNELS_NEURON_SEQUENCE_H_
#define NORSE_KERNELS_NEURON_SEQUENCE_H_

#include <algorithm>
#include <cstdint>
#include <type_traits>

#include "core/parallel.h"
#include "core/philox.h"
#include "kernels/dual.h"
#include "kernels/lif.h"  // ParamRef
#include "kernels/surrogate.h"

namespace norse {
namespace kernels {

constexpr int kMaxStates = 4;
constexpr int kMaxParams = 12;

template <class Model>
struct NeuronParams {
  ParamRef params[Model::kParams];
  float dt = 1e-3f;
  float alpha = 100.0f;
  Surrogate method = Surrogate::kSuper;
  typename Model::Options options{};
  bool allow_unstable_euler = false;  // skip the dt * tau_inv <= 2 check (models/neuron_param.h)
};

struct NeuronForwardArgs {
  int64_t steps = 0, elements = 0;
  const float* input = nullptr;          // [steps, elements]
  const float* state0[kMaxStates] = {};  // [elements] each
  float* z = nullptr;                    // [steps, elements] (=), spiking models
  float* record[kMaxStates] = {};        // [steps, elements] (=) state after each step, or null
  float* final_state[kMaxStates] = {};   // [elements] (=)
  float* saved = nullptr;                // [steps, kStates, elements] (=) or null
  uint64_t seed = 0, offset = 0;         // stochastic methods
};

struct NeuronBackwardArgs {
  int64_t steps = 0, elements = 0;
  const float* input = nullptr;               // [steps, elements]
  const float* saved = nullptr;               // [steps, kStates, elements]
  const float* grad_z = nullptr;              // [steps, elements] or null
  const float* grad_record[kMaxStates] = {};  // [steps, elements] or null each
  const float* grad_final[kMaxStates] = {};   // [elements] or null each
  float* grad_input = nullptr;                // [steps, elements] (=)
  float* grad_state0[kMaxStates] = {};        // [elements] (=)
  float* grad_params[kMaxParams] = {};        // [elements] (=) partials summed over time, or all null
  uint64_t seed = 0, offset = 0;
};

namespace detail {

constexpr int64_t kNeuronBlock = 256;

// Array sizes as static members: GCC 12 crashes (ICE) on lambda-local array bounds that use a
// function-scope constexpr of a template.
template <class Model>
struct Dims {
  static constexpr int kS = Model::kStates;
  static constexpr int kP = Model::kParams;
  static constexpr int kPArray = Model::kParams > 0 ? Model::kParams : 1;
};

// Whether Model provides a hand-written adjoint (static constexpr bool kHasAdjoint = true and
// adjoint<S>(p, s, x, dt, alpha, uniform, options, g_z, g_out, g_state, g_x, g_params)); the
// loops then use it instead of the dual-number Jacobian of step().
template <class M, class = void>
struct HasAdjoint : std::false_type {};
template <class M>
struct HasAdjoint<M, std::void_t<decltype(M::kHasAdjoint)>> : std::bool_constant<M::kHasAdjoint> {};

// Host and device: the CUDA loops (kernels/*_cuda.cu) take NeuronParams by value and read
// parameters and random draws through these same helpers.
template <class Model>
NORSE_HD inline void load_params(const NeuronParams<Model>& p, int64_t e, float* out) {
  for (int k = 0; k < Model::kParams; ++k) out[k] = p.params[k].data[e % p.params[k].size];
}

template <Surrogate S>
NORSE_HD inline float uniform_at(const uint64_t seed, const uint64_t offset, int64_t index) {
  if constexpr (is_stochastic(S)) {
    return philox_uniform(philox_bits(seed, offset, static_cast<uint64_t>(index)));
  } else {
    (void)seed, (void)offset, (void)index;
    return 0.0f;
  }
}

template <class Model, Surrogate S>
void neuron_forward(const NeuronParams<Model>& p, const NeuronForwardArgs& a) {
  using Dm = Dims<Model>;
  const int64_t n = a.elements;
  const int64_t blocks = (n + kNeuronBlock - 1) / kNeuronBlock;
  parallel_for(blocks, 1, [&](int64_t block_begin, int64_t block_end) {
    float prm[kNeuronBlock][Dm::kPArray];
    float st[kNeuronBlock][Dm::kS];
    for (int64_t blk = block_begin; blk < block_end; ++blk) {
      const int64_t e0 = blk * kNeuronBlock;
      const int64_t len = std::min(kNeuronBlock, n - e0);
      for (int64_t k = 0; k < len; ++k) {
        load_params(p, e0 + k, prm[k]);
        for (int s = 0; s < Dm::kS; ++s) st[k][s] = a.state0[s][e0 + k];
      }
      for (int64_t t = 0; t < a.steps; ++t) {
        const int64_t row = t * n + e0;
        for (int64_t k = 0; k < len; ++k) {
          if (a.saved != nullptr) {
            for (int s = 0; s < Dm::kS; ++s) a.saved[(t * Dm::kS + s) * n + e0 + k] = st[k][s];
          }
          const float z = Model::template step<S>(prm[k], st[k], a.input[row + k], p.dt, p.alpha,
                                                  uniform_at<S>(a.seed, a.offset, row + k), p.options);
          if (Model::kSpiking) a.z[row + k] = z;
          for (int s = 0; s < Dm::kS; ++s) {
            if (a.record[s] != nullptr) a.record[s][row + k] = st[k][s];
          }
        }
      }
      for (int64_t k = 0; k < len; ++k) {
        for (int s = 0; s < Dm::kS; ++s) a.final_state[s][e0 + k] = st[k][s];
      }
    }
  });
}

template <class Model, bool kWantParams>
struct BackwardDims : Dims<Model> {
  static constexpr int kDirs = Model::kStates + 1 + (kWantParams ? Model::kParams : 0);
  using D = Dual<float, kDirs>;
};

// The backward of one step of one element, shared by every fused loop (CPU and CUDA, plain and
// recurrent): from the state st before the step, its input x and the gradients of the step's
// outputs (g_z, g_out = dL/d state after), writes dL/d state before to g_state and dL/dx to
// g_x, and ADDS the parameter gradients to g_params (kWantParams). The model's hand-written
// adjoint where it has one, else the dual-number Jacobian of Model::step.
template <class Model, Surrogate S, bool kWantParams>
NORSE_HD inline void step_adjoint(const float* prm, const float* st, float x, float dt, float alpha, float uniform,
                                  const typename Model::Options& options, float g_z, const float* g_out, float* g_state,
                                  float* g_x, float* g_params) {
  using Dm = BackwardDims<Model, kWantParams>;
  if constexpr (HasAdjoint<Model>::value) {
    Model::template adjoint<S>(prm, st, x, dt, alpha, uniform, options, g_z, g_out, g_state, g_x,
                               kWantParams ? g_params : nullptr);
  } else {
    using D = typename Dm::D;
    D pd[Dm::kPArray];
    for (int q = 0; q < Dm::kP; ++q) pd[q] = kWantParams ? D::variable(prm[q], Dm::kS + 1 + q) : D(prm[q]);
    D sd[Dm::kS];
    for (int s = 0; s < Dm::kS; ++s) sd[s] = D::variable(st[s], s);
    const D z = Model::template step<S>(pd, sd, D::variable(x, Dm::kS), dt, alpha, uniform, options);
    for (int d = 0; d < Dm::kDirs; ++d) {
      float acc = g_z * z.d[d];
      for (int s = 0; s < Dm::kS; ++s) acc += g_out[s] * sd[s].d[d];
      if (d < Dm::kS) {
        g_state[d] = acc;
      } else if (d == Dm::kS) {
        *g_x = acc;
      } else if constexpr (kWantParams) {
        g_params[d - Dm::kS - 1] += acc;
      }
    }
  }
}

template <class Model, Surrogate S, bool kWantParams>
void neuron_backward(const NeuronParams<Model>& p, const NeuronBackwardArgs& a) {
  using Dm = BackwardDims<Model, kWantParams>;
  const int64_t n = a.elements;
  const int64_t blocks = (n + kNeuronBlock - 1) / kNeuronBlock;
  parallel_for(blocks, 1, [&](int64_t block_begin, int64_t block_end) {
    float prm[kNeuronBlock][Dm::kPArray];
    float grad[kNeuronBlock][Dm::kS];  // dL/d(state after the current step)
    float grad_prm[kWantParams ? kNeuronBlock : 1][Dm::kPArray];
    for (int64_t blk = block_begin; blk < block_end; ++blk) {
      const int64_t e0 = blk * kNeuronBlock;
      const int64_t len = std::min(kNeuronBlock, n - e0);
      for (int64_t k = 0; k < len; ++k) {
        load_params(p, e0 + k, prm[k]);
        for (int s = 0; s < Dm::kS; ++s) grad[k][s] = a.grad_final[s] ? a.grad_final[s][e0 + k] : 0.0f;
        if constexpr (kWantParams) {
          for (int q = 0; q < Dm::kP; ++q) grad_prm[k][q] = 0.0f;
        }
      }
      // Time outermost, elements inner: each step reads contiguous runs of the saved state,
      // the input and the output gradients.
      for (int64_t t = a.steps; t-- > 0;) {
        for (int64_t k = 0; k < len; ++k) {
          const int64_t e = e0 + k;
          const int64_t j = t * n + e;
          float st[Dm::kS], g_out[Dm::kS], g_state[Dm::kS], g_x;
          for (int s = 0; s < Dm::kS; ++s) {
            st[s] = a.saved[(t * Dm::kS + s) * n + e];
            g_out[s] = grad[k][s] + (a.grad_record[s] ? a.grad_record[s][j] : 0.0f);
          }
          const float g_z = (Model::kSpiking && a.grad_z) ? a.grad_z[j] : 0.0f;
          step_adjoint<Model, S, kWantParams>(prm[k], st, a.input[j], p.dt, p.alpha, uniform_at<S>(a.seed, a.offset, j),
                                              p.options, g_z, g_out, g_state, &g_x, grad_prm[kWantParams ? k : 0]);
          for (int s = 0; s < Dm::kS; ++s) grad[k][s] = g_state[s];
          a.grad_input[j] = g_x;
        }
      }
      for (int64_t k = 0; k < len; ++k) {
        for (int s = 0; s < Dm::kS; ++s) a.grad_state0[s][e0 + k] = grad[k][s];
        if constexpr (kWantParams) {
          for (int q = 0; q < Dm::kP; ++q) a.grad_params[q][e0 + k] = grad_prm[k][q];
        }
      }
    }
  });
}

}  // namespace detail

template <class Model>
void neuron_sequence_forward(const NeuronParams<Model>& p, const NeuronForwardArgs& a) {
  with_surrogate(p.method, [&](auto tag) { detail::neuron_forward<Model, decltype(tag)::value>(p, a); });
}

template <class Model>
void neuron_sequence_backward(const NeuronParams<Model>& p, const NeuronBackwardArgs& a) {
  const bool want_params = Model::kParams > 0 && a.grad_params[0] != nullptr;
  with_surrogate(p.method, [&](auto tag) {
    if (want_params) {
      detail::neuron_backward<Model, decltype(tag)::value, true>(p, a);
    } else {
      detail::neuron_backward<Model, decltype(tag)::value, false>(p, a);
    }
  });
}

}  // namespace kernels
}  // namespace norse

#endif  // NORSE_KERNELS_NEURON_SEQUENCE_H_
