// CUDA fused LIF loops: one thread per neuron, time inside, the step function of
// kernels/lif_math.h. Runtime choices that change the loop body are template arguments, as in
// kernels/lif_cpu.cc.
#include <cuda_runtime.h>

#include <type_traits>

#include "core/cuda_check.cuh"
#include "core/philox.h"
#include "kernels/lif_cuda.h"
#include "kernels/lif_dispatch.h"
#include "kernels/lif_math.h"
#include "kernels/surrogate.h"

namespace norse {
namespace kernels {
namespace lif {
namespace {

constexpr int kThreads = 256;

// Kernels take SequenceParams by value (trivially copyable; its ParamRefs hold device pointers).
__device__ inline StepParams<float> load_params(const SequenceParams& p, int64_t e) {
  return StepParams<float>{p.tau_syn_inv.data[e % p.tau_syn_inv.size], p.tau_mem_inv.data[e % p.tau_mem_inv.size],
                           p.v_leak.data[e % p.v_leak.size],           p.v_th.data[e % p.v_th.size],
                           p.v_reset.data[e % p.v_reset.size],         p.alpha};
}

template <Surrogate S, bool kSaveV1, bool kSaveParamInputs, bool kRecord>
__global__ void forward_kernel(SequenceParams p, SequenceForwardArgs a) {
  const int64_t e = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const int64_t n = a.elements;
  if (e >= n) return;
  const StepParams<float> sp = load_params(p, e);
  float v = a.v0[e], i = a.i0[e];
  for (int64_t t = 0; t < a.steps; ++t) {
    const int64_t j = t * n + e;
    float uniform = 0.0f;
    if constexpr (is_stochastic(S)) uniform = philox_uniform(philox_bits(a.seed, a.offset, static_cast<uint64_t>(j)));
    if constexpr (kSaveParamInputs) a.saved_v[j] = v;
    const StepForward<float> out = step<S>(sp, StepState<float>{v, i}, a.input[j], p.dt, uniform);
    v = out.next.v;
    i = out.next.i;
    a.z[j] = out.z;
    if constexpr (kSaveV1) a.saved_v1[j] = out.v1;
    if constexpr (kSaveParamInputs) a.saved_i1[j] = out.i1;
    if constexpr (kRecord) {
      a.v_record[j] = v;
      a.i_record[j] = i;
    }
  }
  a.v_final[e] = v;
  a.i_final[e] = i;
}

template <Surrogate S, bool kDetach, bool kWantParams, bool kRecordGrads>
__global__ void backward_kernel(SequenceParams p, SequenceBackwardArgs a) {
  const int64_t e = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const int64_t n = a.elements;
  if (e >= n) return;
  const StepParams<float> sp = load_params(p, e);
  float grad_v = a.grad_v_final ? a.grad_v_final[e] : 0.0f;
  float grad_i = a.grad_i_final ? a.grad_i_final[e] : 0.0f;
  StepParamGrads<float> grad_prm{};
  for (int64_t t = a.steps; t-- > 0;) {
    const int64_t j = t * n + e;
    const float v1 = a.saved_v1[j];
    const float z = is_stochastic(S) ? a.z[j] : heaviside_strict(v1 - sp.v_th);
    float grad_v2 = grad_v, grad_i2 = grad_i;
    if constexpr (kRecordGrads) {
      grad_v2 += a.grad_v_record[j];
      grad_i2 += a.grad_i_record[j];
    }
    const StepBackward<float> b = step_backward<S, kDetach>(sp, p.dt, z, v1, kWantParams ? a.saved_i1[j] : 0.0f,
                                                            kWantParams ? a.saved_v[j] : 0.0f, a.grad_z[j], grad_v2,
                                                            grad_i2, kWantParams ? &grad_prm : nullptr);
    grad_v = b.grad_state.v;
    grad_i = b.grad_state.i;
    a.grad_input[j] = b.grad_x;
  }
  a.grad_v0[e] = grad_v;
  a.grad_i0[e] = grad_i;
  if constexpr (kWantParams) {
    a.grad_params[0][e] = grad_prm.tau_syn_inv;
    a.grad_params[1][e] = grad_prm.tau_mem_inv;
    a.grad_params[2][e] = grad_prm.v_leak;
    a.grad_params[3][e] = grad_prm.v_th;
    a.grad_params[4][e] = grad_prm.v_reset;
  }
}

template <typename F>
void with_bool(bool b, F&& f) {
  if (b) {
    f(std::true_type{});
  } else {
    f(std::false_type{});
  }
}

void check_common(const char* op, int64_t steps, int64_t elements, const SequenceParams& p) {
  NORSE_CHECK(steps >= 0 && elements >= 0, InvalidArgument, op, "steps and elements must be >= 0, got ", steps, " and ",
              elements);
  const ParamRef* refs[5] = {&p.tau_syn_inv, &p.tau_mem_inv, &p.v_leak, &p.v_th, &p.v_reset};
  const char* names[5] = {"tau_syn_inv", "tau_mem_inv", "v_leak", "v_th", "v_reset"};
  for (int k = 0; k < 5; ++k) {
    NORSE_CHECK(refs[k]->data != nullptr && refs[k]->size >= 1, InvalidArgument, op, "parameter '", names[k],
                "' must be a device pointer with size >= 1, got size ", refs[k]->size);
  }
}

unsigned grid_for(int64_t elements) { return static_cast<unsigned>((elements + kThreads - 1) / kThreads); }

// The unfused baseline's element-wise kernels (scalar parameters only).
__global__ void add_kernel(int64_t n, const float* a, const float* b, float* out) {
  const int64_t e = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (e < n) out[e] = a[e] + b[e];
}
__global__ void membrane_kernel(int64_t n, const float* v, const float* i1, float a, float v_leak, float* v1) {
  const int64_t e = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (e < n) v1[e] = v[e] + a * ((v_leak - v[e]) + i1[e]);
}
__global__ void decay_kernel(int64_t n, const float* i1, float b, float* i2) {
  const int64_t e = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (e < n) i2[e] = i1[e] - b * i1[e];
}
__global__ void threshold_kernel(int64_t n, const float* v1, float v_th, float* z) {
  const int64_t e = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (e < n) z[e] = heaviside_strict(v1[e] - v_th);
}
__global__ void reset_kernel(int64_t n, const float* z, const float* v1, float v_reset, float* v2) {
  const int64_t e = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (e < n) v2[e] = (1.0f - z[e]) * v1[e] + z[e] * v_reset;
}

}  // namespace

// Makes the kernels reachable from models/lif.cc (kernels/lif_dispatch.h) when this library is linked.
const bool g_registered = [] {
  CudaEntryPoints e;
  e.forward = &cuda_sequence_forward;
  e.backward = &cuda_sequence_backward;
  register_cuda_entry_points(e);
  return true;
}();

void cuda_unfused_forward(const SequenceParams& p, const SequenceForwardArgs& a, void* stream) {
  check_common("lif::cuda_unfused_forward", a.steps, a.elements, p);
  const ParamRef* refs[5] = {&p.tau_syn_inv, &p.tau_mem_inv, &p.v_leak, &p.v_th, &p.v_reset};
  for (const ParamRef* r : refs) {
    NORSE_CHECK(r->size == 1, InvalidArgument, "lif::cuda_unfused_forward",
                "the baseline takes scalar parameters only");
  }
  const int64_t n = a.elements;
  if (n == 0) return;
  const cudaStream_t s = static_cast<cudaStream_t>(stream);
  float host[5];
  for (int k = 0; k < 5; ++k)
    NORSE_CUDA_CHECK(cudaMemcpy(&host[k], refs[k]->data, sizeof(float), cudaMemcpyDeviceToHost));
  float *i1 = nullptr, *v1 = nullptr;
  NORSE_CUDA_CHECK(cudaMalloc(&i1, n * sizeof(float)));
  NORSE_CUDA_CHECK(cudaMalloc(&v1, n * sizeof(float)));
  NORSE_CUDA_CHECK(cudaMemcpyAsync(a.v_final, a.v0, n * sizeof(float), cudaMemcpyDeviceToDevice, s));
  NORSE_CUDA_CHECK(cudaMemcpyAsync(a.i_final, a.i0, n * sizeof(float), cudaMemcpyDeviceToDevice, s));
  const unsigned grid = grid_for(n);
  for (int64_t t = 0; t < a.steps; ++t) {
    add_kernel<<<grid, kThreads, 0, s>>>(n, a.i_final, a.input + t * n, i1);
    membrane_kernel<<<grid, kThreads, 0, s>>>(n, a.v_final, i1, p.dt * host[1], host[2], v1);
    decay_kernel<<<grid, kThreads, 0, s>>>(n, i1, p.dt * host[0], a.i_final);
    threshold_kernel<<<grid, kThreads, 0, s>>>(n, v1, host[3], a.z + t * n);
    reset_kernel<<<grid, kThreads, 0, s>>>(n, a.z + t * n, v1, host[4], a.v_final);
  }
  NORSE_CUDA_CHECK(cudaGetLastError());
  NORSE_CUDA_CHECK(cudaStreamSynchronize(s));
  NORSE_CUDA_CHECK(cudaFree(i1));
  NORSE_CUDA_CHECK(cudaFree(v1));
}

void cuda_sequence_forward(const SequenceParams& params, const SequenceForwardArgs& args, void* stream) {
  check_common("lif::cuda_sequence_forward", args.steps, args.elements, params);
  if (args.elements == 0) return;
  const bool save_params = args.saved_i1 != nullptr && args.saved_v != nullptr;
  const bool record = args.v_record != nullptr && args.i_record != nullptr;
  const cudaStream_t s = static_cast<cudaStream_t>(stream);
  with_surrogate(params.method, [&](auto tag) {
    with_bool(args.saved_v1 != nullptr, [&](auto save_v1) {
      with_bool(save_params, [&](auto save_p) {
        with_bool(record, [&](auto rec) {
          forward_kernel<decltype(tag)::value, decltype(save_v1)::value, decltype(save_p)::value, decltype(rec)::value>
              <<<grid_for(args.elements), kThreads, 0, s>>>(params, args);
        });
      });
    });
  });
  NORSE_CUDA_CHECK(cudaGetLastError());
}

void cuda_sequence_backward(const SequenceParams& params, const SequenceBackwardArgs& args, void* stream) {
  check_common("lif::cuda_sequence_backward", args.steps, args.elements, params);
  if (args.elements == 0) return;
  const bool want_params = args.grad_params[0] != nullptr;
  const bool record_grads = args.grad_v_record != nullptr && args.grad_i_record != nullptr;
  const cudaStream_t s = static_cast<cudaStream_t>(stream);
  with_surrogate(params.method, [&](auto tag) {
    with_bool(params.detach_reset, [&](auto detach) {
      with_bool(want_params, [&](auto want) {
        with_bool(record_grads, [&](auto rec) {
          backward_kernel<decltype(tag)::value, decltype(detach)::value, decltype(want)::value, decltype(rec)::value>
              <<<grid_for(args.elements), kThreads, 0, s>>>(params, args);
        });
      });
    });
  });
  NORSE_CUDA_CHECK(cudaGetLastError());
}

}  // namespace lif
}  // namespace kernels
}  // namespace norse
