// The generic fused time loop for any neuron model whose step is written as a template
// (kernels/<model>_math.h). One call walks the whole [T, ...] sequence; threads own disjoint
// blocks of elements, so results are bitwise identical for any thread count.
//
// A Model provides (kernels/model_layout.h names its parameters and states):
//   kStates, kParams               numbers of state fields and parameters
//   Options                        trivially copyable model options (e.g. reset mode)
//   kSpiking                       whether step() returns a spike output
//   template <Surrogate S, class T, class R>
//   static T step(const T* p, T* s, T x, R dt, R alpha, R uniform, const Options&)
//                                  advances s (in place) by one step; returns the spike z.
//                                  T is float, double or a Dual over R.
// and optionally
//   kHasAdjoint, adjoint<S>(...)   a hand-written adjoint of step() from the state before it,
//                                  used instead of the dual-number Jacobian (LIF, LSNN, LI);
//   kCompactSaved, step_saving<S>(..., saved), adjoint_compact<S>(p, saved, ...)
//                                  a smaller record for backward when no parameter needs a
//                                  gradient (LIF: the pre-reset voltage, 4 bytes per step).
//
// Saved for backward (bytes per neuron-step): SavedKind::kState, the state before every step
// (4 * kStates; any gradient, parameters included), or SavedKind::kCompact, the model's record
// (4 * kCompactSaved; gradients of the input and the initial state only). The backward from the
// state recomputes each step with the model's adjoint or with Dual<float, K> (K = kStates + 1,
// plus kParams when parameters are trained); stochastic spikes are redrawn from the same Philox
// stream, so they equal the forward's.
//
// One body per direction: forward_element / backward_element (one step of one element,
// NORSE_HD) are called by the CPU loops here and by the CUDA kernels (kernels/neuron_cuda.cu,
// through forward_thread / backward_thread, which the emulated CUDA tests run on the host).
//
// Layouts: per-step arrays [steps, elements]; saved [steps, saved_floats, elements]; states and
// parameter partials [elements]. Parameter p of element e is params[p].data[e % size].
//
// The CPU loops walk a block's elements step by step, so each step's rows are short runs far
// apart (a block's 1 KB of a conv layer's 2 MB step): every line they write is a miss whose read
// for ownership the stores wait on. Where an output is large (core/stream_copy.h) the loops
// stage each step's z, saved record and input gradient in the block and stream them out.
#ifndef NORSE_KERNELS_NEURON_SEQUENCE_H_
#define NORSE_KERNELS_NEURON_SEQUENCE_H_

#include <algorithm>
#include <cstdint>
#include <type_traits>

#include "core/error.h"
#include "core/host_device.h"
#include "core/parallel.h"
#include "core/philox.h"
#include "core/stream_copy.h"
#include "kernels/dual.h"
#include "kernels/surrogate.h"

// The CPU element loops: no loop-carried dependence between elements (each owns its state), so
// the compiler may vectorise across them without proving the rows do not overlap. (GCC 12's
// `omp simd` does not vectorise them: it gives up on the privatised per-element arrays.)
#if defined(__CUDACC__)
#define NORSE_SIMD_LOOP
#elif defined(__clang__)
#define NORSE_SIMD_LOOP _Pragma("clang loop vectorize(assume_safety)")
#elif defined(__GNUC__)
#define NORSE_SIMD_LOOP _Pragma("GCC ivdep")
#else
#define NORSE_SIMD_LOOP
#endif

namespace norse {
namespace kernels {

constexpr int kMaxStates = 4;
constexpr int kMaxParams = 12;

// A broadcast parameter: element e reads data[e % size].
struct ParamRef {
  const float* data = nullptr;
  int64_t size = 1;
};

// What the forward saved for the backward (see the header comment).
enum class SavedKind { kState, kCompact };

// Floats per step of a model's compact record (0: it has none).
template <class M, class = void>
struct CompactSaved : std::integral_constant<int, 0> {
  static constexpr int kArray = 1;
};
template <class M>
struct CompactSaved<M, std::void_t<decltype(M::kCompactSaved)>> : std::integral_constant<int, M::kCompactSaved> {
  static constexpr int kArray = M::kCompactSaved;
};

// What the forward saves when `param_grad` (some parameter needs a gradient) is as given.
template <class Model>
constexpr SavedKind saved_kind_for(bool param_grad) {
  return (param_grad || CompactSaved<Model>::value == 0) ? SavedKind::kState : SavedKind::kCompact;
}

// Floats per neuron-step of a saved record of that kind.
template <class Model>
NORSE_HD constexpr int saved_floats(SavedKind kind) {
  return kind == SavedKind::kCompact ? CompactSaved<Model>::value : Model::kStates;
}

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
  const float* input = nullptr;              // [steps, elements]
  const float* state0[kMaxStates] = {};      // [elements] each
  float* z = nullptr;                        // [steps, elements] (=), spiking models
  float* record[kMaxStates] = {};            // [steps, elements] (=) state after each step, or null
  float* final_state[kMaxStates] = {};       // [elements] (=)
  float* saved = nullptr;                    // [steps, saved_floats, elements] (=) or null
  SavedKind saved_kind = SavedKind::kState;  // what `saved` receives
  uint64_t seed = 0, offset = 0;             // stochastic methods
};

struct NeuronBackwardArgs {
  int64_t steps = 0, elements = 0;
  const float* input = nullptr;               // [steps, elements] (read with SavedKind::kState)
  const float* saved = nullptr;               // [steps, saved_floats, elements]
  SavedKind saved_kind = SavedKind::kState;   // what the forward saved
  const float* grad_z = nullptr;              // [steps, elements], required for spiking models
  const float* grad_record[kMaxStates] = {};  // [steps, elements] or null each
  const float* grad_final[kMaxStates] = {};   // [elements] or null each
  float* grad_input = nullptr;                // [steps, elements] (=)
  float* grad_state0[kMaxStates] = {};        // [elements] (=)
  float* grad_params[kMaxParams] = {};        // [elements] (=) partials summed over time, or all null
  uint64_t seed = 0, offset = 0;
};

// Turns a runtime flag into a template argument: f(std::bool_constant<b>).
template <typename F>
void with_bool(bool b, F&& f) {
  if (b) {
    f(std::true_type{});
  } else {
    f(std::false_type{});
  }
}

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

template <class Model, bool kWantParams>
struct BackwardDims : Dims<Model> {
  static constexpr int kDirs = Model::kStates + 1 + (kWantParams ? Model::kParams : 0);
  using D = Dual<float, kDirs>;
};

// The backward of one step of one element from the state before it, shared by every fused loop
// (CPU and CUDA, plain and recurrent): from the state st before the step, its input x and the
// gradients of the step's outputs (g_z, g_out = dL/d state after), writes dL/d state before to
// g_state and dL/dx to g_x, and ADDS the parameter gradients to g_params (kWantParams). The
// model's hand-written adjoint where it has one, else the dual-number Jacobian of Model::step.
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

// What the forward saves per step: nothing (inference), the state before the step, or the
// model's compact record (kCompactSaved floats).
enum class Saving { kNone, kState, kCompact };

// The step's constants, copied by value into every loop: locals, so that stores through the
// output pointers cannot alias them and the CPU element loop vectorises.
template <class Model>
struct StepConstants {
  float dt, alpha;
  typename Model::Options options;
};
template <class Model>
NORSE_HD inline StepConstants<Model> constants_of(const NeuronParams<Model>& p) {
  return StepConstants<Model>{p.dt, p.alpha, p.options};
}

// One step's rows of the forward's per-step arrays; element k of the row is at index k (the CPU
// loop points them at its block, a CUDA thread at element 0 and passes its own index).
struct ForwardRow {
  const float* input;
  float* z;
  float* saved;  // saved value q of element k: saved[q * saved_stride + k]
  int64_t saved_stride;
  float* record[kMaxStates];
};
template <class Model>
NORSE_HD inline ForwardRow forward_row(const NeuronForwardArgs& a, int64_t t, int64_t e0) {
  const int64_t n = a.elements, row = t * n + e0;
  ForwardRow r{a.input + row,
               Model::kSpiking ? a.z + row : nullptr,
               a.saved != nullptr ? a.saved + t * saved_floats<Model>(a.saved_kind) * n + e0 : nullptr,
               n,
               {}};
  for (int s = 0; s < Model::kStates; ++s) r.record[s] = a.record[s] != nullptr ? a.record[s] + row : nullptr;
  return r;
}

// THE forward body: one step of element k, advancing its state st in place. The CPU loop
// (neuron_forward) and the CUDA kernel (forward_thread, kernels/neuron_cuda.cu) both call it.
template <class Model, Surrogate S, Saving kSave, bool kRecord>
NORSE_HD inline void forward_element(const float* prm, float* st, const StepConstants<Model>& c, float uniform,
                                     const ForwardRow& r, int64_t k) {
  const float x = r.input[k];
  float z;
  if constexpr (kSave == Saving::kCompact) {
    float rec[CompactSaved<Model>::kArray];
    z = Model::template step_saving<S>(prm, st, x, c.dt, c.alpha, uniform, c.options, rec);
    for (int q = 0; q < CompactSaved<Model>::value; ++q) r.saved[q * r.saved_stride + k] = rec[q];
  } else {
    if constexpr (kSave == Saving::kState) {
      for (int s = 0; s < Model::kStates; ++s) r.saved[s * r.saved_stride + k] = st[s];
    }
    z = Model::template step<S>(prm, st, x, c.dt, c.alpha, uniform, c.options);
  }
  if constexpr (Model::kSpiking) r.z[k] = z;
  if constexpr (kRecord) {
    for (int s = 0; s < Model::kStates; ++s) {
      if (r.record[s] != nullptr) r.record[s][k] = st[s];
    }
  }
}

// One CUDA thread's whole forward: element e over all steps (the kernel body; the emulated CUDA
// backend of the tests runs it on the host). Records are checked per field at run time (a
// uniform branch on the GPU), which halves the kernels to compile.
template <class Model, Surrogate S, Saving kSave>
NORSE_HD inline void forward_thread(const NeuronParams<Model>& p, const NeuronForwardArgs& a, int64_t e) {
  using Dm = Dims<Model>;
  float prm[Dm::kPArray], st[Dm::kS];
  load_params(p, e, prm);
  for (int s = 0; s < Dm::kS; ++s) st[s] = a.state0[s][e];
  const StepConstants<Model> c = constants_of(p);
  for (int64_t t = 0; t < a.steps; ++t) {
    forward_element<Model, S, kSave, true>(prm, st, c, uniform_at<S>(a.seed, a.offset, t * a.elements + e),
                                           forward_row<Model>(a, t, 0), e);
  }
  for (int s = 0; s < Dm::kS; ++s) a.final_state[s][e] = st[s];
}

// The parameters of elements [e0, e0 + len) into a block's structure-of-arrays table. A scalar
// parameter is a fill: the broadcast index (a 64-bit modulo per element) costs more than a
// block's whole time loop when done for every element.
template <class Model>
void load_block_params(const NeuronParams<Model>& p, int64_t e0, int64_t len, float (*prm)[kNeuronBlock]) {
  for (int q = 0; q < Model::kParams; ++q) {
    const ParamRef& ref = p.params[q];
    if (ref.size == 1) {
      std::fill(prm[q], prm[q] + len, ref.data[0]);
    } else {
      for (int64_t k = 0; k < len; ++k) prm[q][k] = ref.data[(e0 + k) % ref.size];
    }
  }
}

// The CPU loop: threads own blocks of kNeuronBlock elements, time inside; the block's states and
// parameters sit in structure-of-arrays form so the element loop vectorises.
template <class Model, Surrogate S, Saving kSave, bool kRecord>
void neuron_forward(const NeuronParams<Model>& p, const NeuronForwardArgs& a) {
  using Dm = Dims<Model>;
  const int64_t n = a.elements;
  const int64_t blocks = (n + kNeuronBlock - 1) / kNeuronBlock;
  // Large outputs: each step's z and saved record staged in the block, then streamed to memory.
  const bool stream = worth_streaming(a.steps * a.elements * static_cast<int64_t>(sizeof(float)));
  parallel_for(blocks, 1, [&](int64_t block_begin, int64_t block_end) {
    float prm[Dm::kPArray][kNeuronBlock];
    float st[Dm::kS][kNeuronBlock];
    float z_block[kNeuronBlock];
    float saved_block[kMaxStates * kNeuronBlock];
    const StepConstants<Model> c = constants_of(p);
    const uint64_t seed = a.seed, offset = a.offset;
    for (int64_t blk = block_begin; blk < block_end; ++blk) {
      const int64_t e0 = blk * kNeuronBlock;
      const int64_t len = std::min(kNeuronBlock, n - e0);
      load_block_params(p, e0, len, prm);
      for (int s = 0; s < Dm::kS; ++s) {
        for (int64_t k = 0; k < len; ++k) st[s][k] = a.state0[s][e0 + k];
      }
      for (int64_t t = 0; t < a.steps; ++t) {
        ForwardRow r = forward_row<Model>(a, t, e0);
        float* const z_out = r.z;
        float* const saved_out = r.saved;
        if (stream) {
          if (z_out != nullptr) r.z = z_block;
          if (saved_out != nullptr) {
            r.saved = saved_block;
            r.saved_stride = kNeuronBlock;
          }
        }
        const int64_t row = t * n + e0;
        NORSE_SIMD_LOOP
        for (int64_t k = 0; k < len; ++k) {
          float pk[Dm::kPArray], sk[Dm::kS];
          for (int q = 0; q < Dm::kP; ++q) pk[q] = prm[q][k];
          for (int s = 0; s < Dm::kS; ++s) sk[s] = st[s][k];
          forward_element<Model, S, kSave, kRecord>(pk, sk, c, uniform_at<S>(seed, offset, row + k), r, k);
          for (int s = 0; s < Dm::kS; ++s) st[s][k] = sk[s];
        }
        if (stream) {
          if (z_out != nullptr) copy_streaming(z_block, len, z_out);
          if (saved_out != nullptr) {
            for (int q = 0; q < saved_floats<Model>(a.saved_kind); ++q) {
              copy_streaming(saved_block + q * kNeuronBlock, len, saved_out + q * n);
            }
          }
        }
      }
      for (int s = 0; s < Dm::kS; ++s) {
        for (int64_t k = 0; k < len; ++k) a.final_state[s][e0 + k] = st[s][k];
      }
    }
    if (stream) streaming_fence();
  });
}

// One step's rows of the backward's per-step arrays (as ForwardRow).
struct BackwardRow {
  const float* input;
  const float* saved;
  int64_t saved_stride;
  const float* grad_z;
  const float* grad_record[kMaxStates];
  float* grad_input;
};
template <class Model>
NORSE_HD inline BackwardRow backward_row(const NeuronBackwardArgs& a, int64_t t, int64_t e0) {
  const int64_t n = a.elements, row = t * n + e0;
  BackwardRow r{a.input + row,
                a.saved + t * saved_floats<Model>(a.saved_kind) * n + e0,
                n,
                Model::kSpiking ? a.grad_z + row : nullptr,
                {},
                a.grad_input + row};
  for (int s = 0; s < Model::kStates; ++s) {
    r.grad_record[s] = a.grad_record[s] != nullptr ? a.grad_record[s] + row : nullptr;
  }
  return r;
}

// THE backward body: one step of element k, from grad = dL/d(state after) to dL/d(state before)
// in place; writes dL/dx and ADDS the parameter gradients to grad_prm (kWantParams). From the
// model's compact record (kSaved == kCompact) or from the saved state before the step.
template <class Model, Surrogate S, Saving kSaved, bool kWantParams, bool kGradRecord>
NORSE_HD inline void backward_element(const float* prm, float* grad, float* grad_prm, const StepConstants<Model>& c,
                                      float uniform, const BackwardRow& r, int64_t k) {
  constexpr int kS = Model::kStates;
  float g_out[kS], g_state[kS], g_x;
  for (int s = 0; s < kS; ++s) {
    g_out[s] = grad[s];
    if constexpr (kGradRecord) {
      if (r.grad_record[s] != nullptr) g_out[s] += r.grad_record[s][k];
    }
  }
  const float g_z = Model::kSpiking ? r.grad_z[k] : 0.0f;
  if constexpr (kSaved == Saving::kCompact) {
    static_assert(!kWantParams, "the compact record has no parameter gradients");
    float rec[CompactSaved<Model>::kArray];
    for (int q = 0; q < CompactSaved<Model>::value; ++q) rec[q] = r.saved[q * r.saved_stride + k];
    Model::template adjoint_compact<S>(prm, rec, c.dt, c.alpha, uniform, c.options, g_z, g_out, g_state, &g_x);
  } else {
    float st[kS];
    for (int s = 0; s < kS; ++s) st[s] = r.saved[s * r.saved_stride + k];
    step_adjoint<Model, S, kWantParams>(prm, st, r.input[k], c.dt, c.alpha, uniform, c.options, g_z, g_out, g_state,
                                        &g_x, grad_prm);
  }
  for (int s = 0; s < kS; ++s) grad[s] = g_state[s];
  r.grad_input[k] = g_x;
}

// One CUDA thread's whole backward: element e, time reversed (recorded gradients checked at run
// time, as in forward_thread).
template <class Model, Surrogate S, Saving kSaved, bool kWantParams>
NORSE_HD inline void backward_thread(const NeuronParams<Model>& p, const NeuronBackwardArgs& a, int64_t e) {
  using Dm = Dims<Model>;
  float prm[Dm::kPArray], grad[Dm::kS], grad_prm[Dm::kPArray];
  load_params(p, e, prm);
  for (int s = 0; s < Dm::kS; ++s) grad[s] = a.grad_final[s] != nullptr ? a.grad_final[s][e] : 0.0f;
  for (int q = 0; q < Dm::kPArray; ++q) grad_prm[q] = 0.0f;
  const StepConstants<Model> c = constants_of(p);
  for (int64_t t = a.steps; t-- > 0;) {
    backward_element<Model, S, kSaved, kWantParams, true>(
        prm, grad, grad_prm, c, uniform_at<S>(a.seed, a.offset, t * a.elements + e), backward_row<Model>(a, t, 0), e);
  }
  for (int s = 0; s < Dm::kS; ++s) a.grad_state0[s][e] = grad[s];
  if constexpr (kWantParams) {
    for (int q = 0; q < Dm::kP; ++q) a.grad_params[q][e] = grad_prm[q];
  }
}

template <class Model, Surrogate S, Saving kSaved, bool kWantParams, bool kGradRecord>
void neuron_backward(const NeuronParams<Model>& p, const NeuronBackwardArgs& a) {
  using Dm = Dims<Model>;
  constexpr int64_t kPrmBlock = kWantParams ? kNeuronBlock : 1;
  const int64_t n = a.elements;
  const int64_t blocks = (n + kNeuronBlock - 1) / kNeuronBlock;
  // A large dL/dx: each step's staged in the block, then streamed (as the forward's outputs).
  const bool stream = worth_streaming(a.steps * a.elements * static_cast<int64_t>(sizeof(float)));
  parallel_for(blocks, 1, [&](int64_t block_begin, int64_t block_end) {
    float prm[Dm::kPArray][kNeuronBlock];
    float grad[Dm::kS][kNeuronBlock];  // dL/d(state after the current step)
    float grad_prm[Dm::kPArray][kPrmBlock];
    float grad_input_block[kNeuronBlock];
    const StepConstants<Model> c = constants_of(p);
    const uint64_t seed = a.seed, offset = a.offset;
    for (int64_t blk = block_begin; blk < block_end; ++blk) {
      const int64_t e0 = blk * kNeuronBlock;
      const int64_t len = std::min(kNeuronBlock, n - e0);
      load_block_params(p, e0, len, prm);
      for (int64_t k = 0; k < len; ++k) {
        for (int s = 0; s < Dm::kS; ++s) grad[s][k] = a.grad_final[s] != nullptr ? a.grad_final[s][e0 + k] : 0.0f;
        if constexpr (kWantParams) {
          for (int q = 0; q < Dm::kP; ++q) grad_prm[q][k] = 0.0f;
        }
      }
      for (int64_t t = a.steps; t-- > 0;) {
        BackwardRow r = backward_row<Model>(a, t, e0);
        float* const grad_input_out = r.grad_input;
        if (stream) r.grad_input = grad_input_block;
        const int64_t row = t * n + e0;
        NORSE_SIMD_LOOP
        for (int64_t k = 0; k < len; ++k) {
          float pk[Dm::kPArray], gk[Dm::kS], gpk[Dm::kPArray] = {};
          for (int q = 0; q < Dm::kP; ++q) pk[q] = prm[q][k];
          for (int s = 0; s < Dm::kS; ++s) gk[s] = grad[s][k];
          if constexpr (kWantParams) {
            for (int q = 0; q < Dm::kP; ++q) gpk[q] = grad_prm[q][k];
          }
          backward_element<Model, S, kSaved, kWantParams, kGradRecord>(pk, gk, gpk, c,
                                                                       uniform_at<S>(seed, offset, row + k), r, k);
          for (int s = 0; s < Dm::kS; ++s) grad[s][k] = gk[s];
          if constexpr (kWantParams) {
            for (int q = 0; q < Dm::kP; ++q) grad_prm[q][k] = gpk[q];
          }
        }
        if (stream) copy_streaming(grad_input_block, len, grad_input_out);
      }
      for (int s = 0; s < Dm::kS; ++s) {
        for (int64_t k = 0; k < len; ++k) a.grad_state0[s][e0 + k] = grad[s][k];
      }
      if constexpr (kWantParams) {
        for (int q = 0; q < Dm::kP; ++q) {
          for (int64_t k = 0; k < len; ++k) a.grad_params[q][e0 + k] = grad_prm[q][k];
        }
      }
    }
    if (stream) streaming_fence();
  });
}

template <Saving V>
using SavingTag = std::integral_constant<Saving, V>;

// Runtime arguments to the loops' template arguments, for the CPU and the CUDA launchers alike:
// calls f(SurrogateTag, SavingTag, record) with record a std::bool_constant.
template <class Model, class F>
void with_forward_variant(const NeuronParams<Model>& p, const NeuronForwardArgs& a, F&& f) {
  bool record = false;
  for (int s = 0; s < Model::kStates; ++s) record = record || a.record[s] != nullptr;
  with_surrogate(p.method, [&](auto method) {
    with_bool(record, [&](auto rec) {
      if (a.saved == nullptr) {
        f(method, SavingTag<Saving::kNone>{}, rec);
      } else if (a.saved_kind == SavedKind::kState) {
        f(method, SavingTag<Saving::kState>{}, rec);
      } else if constexpr (CompactSaved<Model>::value > 0) {
        f(method, SavingTag<Saving::kCompact>{}, rec);
      }
    });
  });
}

// As with_forward_variant: f(SurrogateTag, SavingTag, want_params, grad_record).
template <class Model, class F>
void with_backward_variant(const NeuronParams<Model>& p, const NeuronBackwardArgs& a, F&& f) {
  bool grad_record = false;
  for (int s = 0; s < Model::kStates; ++s) grad_record = grad_record || a.grad_record[s] != nullptr;
  const bool want_params = Model::kParams > 0 && a.grad_params[0] != nullptr;
  with_surrogate(p.method, [&](auto method) {
    with_bool(grad_record, [&](auto rec) {
      if (a.saved_kind == SavedKind::kState) {
        with_bool(want_params, [&](auto want) { f(method, SavingTag<Saving::kState>{}, want, rec); });
      } else if constexpr (CompactSaved<Model>::value > 0) {
        f(method, SavingTag<Saving::kCompact>{}, std::false_type{}, rec);
      }
    });
  });
}

// The loops' preconditions on the arguments (both devices).
template <class Model>
void check_forward_args(const char* op, const NeuronForwardArgs& a) {
  NORSE_CHECK(a.steps >= 0 && a.elements >= 0, InvalidArgument, op, "steps and elements must be >= 0, got ", a.steps,
              " and ", a.elements);
  NORSE_CHECK(a.saved == nullptr || a.saved_kind == SavedKind::kState || CompactSaved<Model>::value > 0,
              InvalidArgument, op, "saved_kind is kCompact but this model has no compact record");
}
template <class Model>
void check_backward_args(const char* op, const NeuronBackwardArgs& a) {
  NORSE_CHECK(a.steps >= 0 && a.elements >= 0, InvalidArgument, op, "steps and elements must be >= 0, got ", a.steps,
              " and ", a.elements);
  NORSE_CHECK(a.saved_kind == SavedKind::kState || CompactSaved<Model>::value > 0, InvalidArgument, op,
              "saved_kind is kCompact but this model has no compact record");
  NORSE_CHECK(a.saved_kind == SavedKind::kState || Model::kParams == 0 || a.grad_params[0] == nullptr, InvalidArgument,
              op, "parameter gradients need the saved state (saved_kind kState), got kCompact");
  NORSE_CHECK(!Model::kSpiking || a.grad_z != nullptr, InvalidArgument, op, "grad_z is required for a spiking model");
}

// The CUDA kernels' preconditions on the method, checked by their launchers and by the host
// runs of their thread bodies alike: the user-defined surrogate is a host function.
inline void check_gpu_method(const char* op, Surrogate method) {
  NORSE_CHECK(method != Surrogate::kUser, DeviceError, op,
              "method 'user' (a host function) cannot run on cuda; use a built-in surrogate");
}

}  // namespace detail

template <class Model>
void neuron_sequence_forward(const NeuronParams<Model>& p, const NeuronForwardArgs& a) {
  detail::check_forward_args<Model>("neuron_sequence_forward", a);
  detail::with_forward_variant(p, a, [&](auto method, auto save, auto rec) {
    detail::neuron_forward<Model, decltype(method)::value, decltype(save)::value, decltype(rec)::value>(p, a);
  });
}

template <class Model>
void neuron_sequence_backward(const NeuronParams<Model>& p, const NeuronBackwardArgs& a) {
  detail::check_backward_args<Model>("neuron_sequence_backward", a);
  detail::with_backward_variant(p, a, [&](auto method, auto saved, auto want, auto rec) {
    detail::neuron_backward<Model, decltype(method)::value, decltype(saved)::value, decltype(want)::value,
                            decltype(rec)::value>(p, a);
  });
}

// The CUDA kernels' per-thread bodies run on the host, one element after another: what the
// emulated CUDA backend of the tests plugs in for the CUDA entry points, so that the code a GPU
// thread runs (forward_thread / backward_thread) runs in every test build.
template <class Model>
void neuron_sequence_forward_by_threads(const NeuronParams<Model>& p, const NeuronForwardArgs& a) {
  detail::check_forward_args<Model>("neuron_sequence_forward_by_threads", a);
  detail::check_gpu_method("neuron_sequence_forward_by_threads", p.method);
  detail::with_forward_variant(p, a, [&](auto method, auto save, auto) {
    if constexpr (decltype(method)::value != Surrogate::kUser) {
      for (int64_t e = 0; e < a.elements; ++e) {
        detail::forward_thread<Model, decltype(method)::value, decltype(save)::value>(p, a, e);
      }
    }
  });
}

template <class Model>
void neuron_sequence_backward_by_threads(const NeuronParams<Model>& p, const NeuronBackwardArgs& a) {
  detail::check_backward_args<Model>("neuron_sequence_backward_by_threads", a);
  detail::check_gpu_method("neuron_sequence_backward_by_threads", p.method);
  detail::with_backward_variant(p, a, [&](auto method, auto saved, auto want, auto) {
    if constexpr (decltype(method)::value != Surrogate::kUser) {
      for (int64_t e = 0; e < a.elements; ++e) {
        detail::backward_thread<Model, decltype(method)::value, decltype(saved)::value, decltype(want)::value>(p, a, e);
      }
    }
  });
}

}  // namespace kernels
}  // namespace norse

#endif  // NORSE_KERNELS_NEURON_SEQUENCE_H_
