// CPU fused LIF loops: threads over blocks of elements, time inside, the step function of
// kernels/lif_math.h per element. Every runtime choice that changes the inner loop (surrogate
// method, reset mode, what is saved or recorded) is a template argument, so each inner loop is
// branch-free over a block and the compiler vectorises it across elements.
#include <algorithm>

#include "core/parallel.h"
#include "core/philox.h"
#include "kernels/lif.h"
#include "kernels/lif_math.h"
#include "kernels/surrogate.h"

namespace norse {
namespace kernels {
namespace lif {
namespace {

// Elements per block: the block's state and parameters (7 floats each) stay in L1 (7 KiB) across
// the time loop, and each step touches one contiguous run of inputs and outputs per block.
constexpr int64_t kBlock = 256;

// Per-block parameter arrays (structure of arrays, so the element loop vectorises).
struct BlockParams {
  float tau_syn_inv[kBlock], tau_mem_inv[kBlock], v_leak[kBlock], v_th[kBlock], v_reset[kBlock];

  void load(const SequenceParams& p, int64_t e0, int64_t len) {
    const ParamRef* refs[5] = {&p.tau_syn_inv, &p.tau_mem_inv, &p.v_leak, &p.v_th, &p.v_reset};
    float* dst[5] = {tau_syn_inv, tau_mem_inv, v_leak, v_th, v_reset};
    for (int j = 0; j < 5; ++j) {
      if (refs[j]->size == 1) {
        std::fill(dst[j], dst[j] + len, refs[j]->data[0]);
      } else {
        for (int64_t k = 0; k < len; ++k) dst[j][k] = refs[j]->data[(e0 + k) % refs[j]->size];
      }
    }
  }
  StepParams<float> at(int64_t k, float alpha) const {
    return StepParams<float>{tau_syn_inv[k], tau_mem_inv[k], v_leak[k], v_th[k], v_reset[k], alpha};
  }
};

template <Surrogate S, bool kSaveV1, bool kSaveParamInputs, bool kRecord>
void forward_impl(const SequenceParams& p, const SequenceForwardArgs& a) {
  const int64_t n = a.elements;
  const int64_t blocks = (n + kBlock - 1) / kBlock;
  parallel_for(blocks, 1, [&](int64_t block_begin, int64_t block_end) {
    BlockParams prm;
    float v[kBlock], i[kBlock];
    for (int64_t blk = block_begin; blk < block_end; ++blk) {
      const int64_t e0 = blk * kBlock;
      const int64_t len = std::min(kBlock, n - e0);
      prm.load(p, e0, len);
      std::copy(a.v0 + e0, a.v0 + e0 + len, v);
      std::copy(a.i0 + e0, a.i0 + e0 + len, i);
      // Locals (not members reached through `p` / `a`) so that stores through the output
      // pointers cannot alias them and the element loop vectorises.
      const float dt = p.dt, alpha = p.alpha;
      for (int64_t t = 0; t < a.steps; ++t) {
        const int64_t row = t * n + e0;
        const float* __restrict x = a.input + row;
        float* __restrict z = a.z + row;
        float* __restrict v1_out = kSaveV1 ? a.saved_v1 + row : nullptr;
        float* __restrict v_out = kSaveParamInputs ? a.saved_v + row : nullptr;
        float* __restrict i1_out = kSaveParamInputs ? a.saved_i1 + row : nullptr;
        float* __restrict v_rec = kRecord ? a.v_record + row : nullptr;
        float* __restrict i_rec = kRecord ? a.i_record + row : nullptr;
        float* __restrict vs = v;
        float* __restrict is = i;
        const float* __restrict p_syn = prm.tau_syn_inv;
        const float* __restrict p_mem = prm.tau_mem_inv;
        const float* __restrict p_leak = prm.v_leak;
        const float* __restrict p_th = prm.v_th;
        const float* __restrict p_reset = prm.v_reset;
        for (int64_t k = 0; k < len; ++k) {
          float uniform = 0.0f;
          if constexpr (is_stochastic(S)) {
            uniform = philox_uniform(philox_bits(a.seed, a.offset, static_cast<uint64_t>(row + k)));
          }
          if constexpr (kSaveParamInputs) v_out[k] = vs[k];
          const StepParams<float> sp{p_syn[k], p_mem[k], p_leak[k], p_th[k], p_reset[k], alpha};
          const StepForward<float> out = step<S>(sp, StepState<float>{vs[k], is[k]}, x[k], dt, uniform);
          vs[k] = out.next.v;
          is[k] = out.next.i;
          z[k] = out.z;
          if constexpr (kSaveV1) v1_out[k] = out.v1;
          if constexpr (kSaveParamInputs) i1_out[k] = out.i1;
          if constexpr (kRecord) {
            v_rec[k] = out.next.v;
            i_rec[k] = out.next.i;
          }
        }
      }
      std::copy(v, v + len, a.v_final + e0);
      std::copy(i, i + len, a.i_final + e0);
    }
  });
}

template <Surrogate S, bool kDetach, bool kWantParams, bool kRecordGrads>
void backward_impl(const SequenceParams& p, const SequenceBackwardArgs& a) {
  const int64_t n = a.elements;
  const int64_t blocks = (n + kBlock - 1) / kBlock;
  parallel_for(blocks, 1, [&](int64_t block_begin, int64_t block_end) {
    BlockParams prm;
    float grad_v[kBlock], grad_i[kBlock];  // dL/d(v, i) after the current step
    StepParamGrads<float> grad_prm[kWantParams ? kBlock : 1];
    for (int64_t blk = block_begin; blk < block_end; ++blk) {
      const int64_t e0 = blk * kBlock;
      const int64_t len = std::min(kBlock, n - e0);
      prm.load(p, e0, len);
      for (int64_t k = 0; k < len; ++k) {
        grad_v[k] = a.grad_v_final ? a.grad_v_final[e0 + k] : 0.0f;
        grad_i[k] = a.grad_i_final ? a.grad_i_final[e0 + k] : 0.0f;
      }
      if constexpr (kWantParams) std::fill(grad_prm, grad_prm + len, StepParamGrads<float>{});
      const float dt = p.dt, alpha = p.alpha;
      for (int64_t t = a.steps; t-- > 0;) {
        const int64_t row = t * n + e0;
        const float* __restrict v1s = a.saved_v1 + row;
        const float* __restrict gz = a.grad_z + row;
        float* __restrict gx = a.grad_input + row;
        for (int64_t k = 0; k < len; ++k) {
          const StepParams<float> sp = prm.at(k, alpha);
          const float v1 = v1s[k];
          const float z = is_stochastic(S) ? a.z[row + k] : heaviside_strict(v1 - sp.v_th);
          float grad_v2 = grad_v[k], grad_i2 = grad_i[k];
          if constexpr (kRecordGrads) {
            grad_v2 += a.grad_v_record[row + k];
            grad_i2 += a.grad_i_record[row + k];
          }
          const StepBackward<float> b = step_backward<S, kDetach>(
              sp, dt, z, v1, kWantParams ? a.saved_i1[row + k] : 0.0f, kWantParams ? a.saved_v[row + k] : 0.0f, gz[k],
              grad_v2, grad_i2, kWantParams ? &grad_prm[k] : nullptr);
          grad_v[k] = b.grad_state.v;
          grad_i[k] = b.grad_state.i;
          gx[k] = b.grad_x;
        }
      }
      std::copy(grad_v, grad_v + len, a.grad_v0 + e0);
      std::copy(grad_i, grad_i + len, a.grad_i0 + e0);
      if constexpr (kWantParams) {
        for (int64_t k = 0; k < len; ++k) {
          a.grad_params[0][e0 + k] = grad_prm[k].tau_syn_inv;
          a.grad_params[1][e0 + k] = grad_prm[k].tau_mem_inv;
          a.grad_params[2][e0 + k] = grad_prm[k].v_leak;
          a.grad_params[3][e0 + k] = grad_prm[k].v_th;
          a.grad_params[4][e0 + k] = grad_prm[k].v_reset;
        }
      }
    }
  });
}

// Turns runtime flags into template arguments: f(std::bool_constant<b>).
template <typename F>
void with_bool(bool b, F&& f) {
  if (b) {
    f(std::true_type{});
  } else {
    f(std::false_type{});
  }
}

}  // namespace

void sequence_forward(const SequenceParams& params, const SequenceForwardArgs& args) {
  const bool save_params = args.saved_i1 != nullptr && args.saved_v != nullptr;
  const bool record = args.v_record != nullptr && args.i_record != nullptr;
  with_surrogate(params.method, [&](auto tag) {
    with_bool(args.saved_v1 != nullptr, [&](auto save_v1) {
      with_bool(save_params, [&](auto save_p) {
        with_bool(record, [&](auto rec) {
          forward_impl<decltype(tag)::value, decltype(save_v1)::value, decltype(save_p)::value, decltype(rec)::value>(
              params, args);
        });
      });
    });
  });
}

void sequence_backward(const SequenceParams& params, const SequenceBackwardArgs& args) {
  const bool want_params = args.grad_params[0] != nullptr;
  const bool record_grads = args.grad_v_record != nullptr && args.grad_i_record != nullptr;
  with_surrogate(params.method, [&](auto tag) {
    with_bool(params.detach_reset, [&](auto detach) {
      with_bool(want_params, [&](auto want) {
        with_bool(record_grads, [&](auto rec) {
          backward_impl<decltype(tag)::value, decltype(detach)::value, decltype(want)::value, decltype(rec)::value>(
              params, args);
        });
      });
    });
  });
}

}  // namespace lif
}  // namespace kernels
}  // namespace norse
