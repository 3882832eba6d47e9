// CPU fused LIF loops: threads over blocks of elements, time inside, the step function of
// kernels/lif_math.h per element. One specialised loop per surrogate method and reset mode.
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

// Elements per block: the block's state (v, i) stays in L1 across the time loop, and each
// step touches one contiguous run of inputs and outputs per block.
constexpr int64_t kBlock = 512;

inline StepParams<float> params_at(const SequenceParams& p, int64_t e) {
  StepParams<float> s;
  s.tau_syn_inv = p.tau_syn_inv.data[e % p.tau_syn_inv.size];
  s.tau_mem_inv = p.tau_mem_inv.data[e % p.tau_mem_inv.size];
  s.v_leak = p.v_leak.data[e % p.v_leak.size];
  s.v_th = p.v_th.data[e % p.v_th.size];
  s.v_reset = p.v_reset.data[e % p.v_reset.size];
  s.alpha = p.alpha;
  return s;
}

template <Surrogate S>
void forward_impl(const SequenceParams& p, const SequenceForwardArgs& a) {
  const int64_t n = a.elements;
  const int64_t blocks = (n + kBlock - 1) / kBlock;
  parallel_for(blocks, 1, [&](int64_t block_begin, int64_t block_end) {
    StepParams<float> prm[kBlock];
    StepState<float> state[kBlock];
    for (int64_t blk = block_begin; blk < block_end; ++blk) {
      const int64_t e0 = blk * kBlock;
      const int64_t len = std::min(kBlock, n - e0);
      for (int64_t k = 0; k < len; ++k) {
        prm[k] = params_at(p, e0 + k);
        state[k] = StepState<float>{a.v0[e0 + k], a.i0[e0 + k]};
      }
      for (int64_t t = 0; t < a.steps; ++t) {
        const int64_t row = t * n + e0;
        for (int64_t k = 0; k < len; ++k) {
          float uniform = 0.0f;
          if constexpr (is_stochastic(S)) {
            uniform = philox_uniform(philox_bits(a.seed, a.offset, static_cast<uint64_t>(row + k)));
          }
          if (a.saved_v != nullptr) a.saved_v[row + k] = state[k].v;
          const StepForward<float> out = step<S>(prm[k], state[k], a.input[row + k], p.dt, uniform);
          state[k] = out.next;
          a.z[row + k] = out.z;
          if (a.saved_v1 != nullptr) a.saved_v1[row + k] = out.v1;
          if (a.saved_i1 != nullptr) a.saved_i1[row + k] = out.i1;
          if (a.v_record != nullptr) a.v_record[row + k] = out.next.v;
          if (a.i_record != nullptr) a.i_record[row + k] = out.next.i;
        }
      }
      for (int64_t k = 0; k < len; ++k) {
        a.v_final[e0 + k] = state[k].v;
        a.i_final[e0 + k] = state[k].i;
      }
    }
  });
}

template <Surrogate S, bool kDetach>
void backward_impl(const SequenceParams& p, const SequenceBackwardArgs& a) {
  const int64_t n = a.elements;
  const int64_t blocks = (n + kBlock - 1) / kBlock;
  const bool want_params = a.grad_params[0] != nullptr;
  parallel_for(blocks, 1, [&](int64_t block_begin, int64_t block_end) {
    StepParams<float> prm[kBlock];
    StepState<float> grad[kBlock];  // dL/d(v, i) after the current step
    StepParamGrads<float> grad_prm[kBlock];
    for (int64_t blk = block_begin; blk < block_end; ++blk) {
      const int64_t e0 = blk * kBlock;
      const int64_t len = std::min(kBlock, n - e0);
      for (int64_t k = 0; k < len; ++k) {
        prm[k] = params_at(p, e0 + k);
        grad[k] = StepState<float>{a.grad_v_final ? a.grad_v_final[e0 + k] : 0.0f,
                                   a.grad_i_final ? a.grad_i_final[e0 + k] : 0.0f};
        grad_prm[k] = StepParamGrads<float>{};
      }
      for (int64_t t = a.steps; t-- > 0;) {
        const int64_t row = t * n + e0;
        for (int64_t k = 0; k < len; ++k) {
          const int64_t j = row + k;
          const float v1 = a.saved_v1[j];
          const float z = is_stochastic(S) ? a.z[j] : heaviside_strict(v1 - prm[k].v_th);
          const float grad_v2 = grad[k].v + (a.grad_v_record ? a.grad_v_record[j] : 0.0f);
          const float grad_i2 = grad[k].i + (a.grad_i_record ? a.grad_i_record[j] : 0.0f);
          const float grad_z = a.grad_z ? a.grad_z[j] : 0.0f;
          const StepBackward<float> b = step_backward<S, kDetach>(
              prm[k], p.dt, z, v1, want_params ? a.saved_i1[j] : 0.0f,
              want_params ? a.saved_v[j] : 0.0f, grad_z, grad_v2, grad_i2,
              want_params ? &grad_prm[k] : nullptr);
          grad[k] = b.grad_state;
          a.grad_input[j] = b.grad_x;
        }
      }
      for (int64_t k = 0; k < len; ++k) {
        a.grad_v0[e0 + k] = grad[k].v;
        a.grad_i0[e0 + k] = grad[k].i;
        if (want_params) {
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

}  // namespace

void sequence_forward(const SequenceParams& params, const SequenceForwardArgs& args) {
  with_surrogate(params.method, [&](auto tag) { forward_impl<decltype(tag)::value>(params, args); });
}

void sequence_backward(const SequenceParams& params, const SequenceBackwardArgs& args) {
  with_surrogate(params.method, [&](auto tag) {
    if (params.detach_reset) {
      backward_impl<decltype(tag)::value, true>(params, args);
    } else {
      backward_impl<decltype(tag)::value, false>(params, args);
    }
  });
}

}  // namespace lif
}  // namespace kernels
}  // namespace norse
