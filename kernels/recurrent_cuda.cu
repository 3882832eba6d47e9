// CUDA recurrent loops: cuBLAS for the per-step GEMMs (row-major arrays read as their
// column-major transposes), one fused element-wise kernel per step for the neuron math, running
// the CPU loop's per-element bodies (kernels/recurrent_sequence.h).
#include <cuda_runtime.h>

#include "core/cublas.cuh"
#include "core/cuda_check.cuh"
#include "core/cuda_runtime.h"
#include "kernels/recurrent_cuda.h"
#include "kernels/recurrent_dispatch.h"
#include "kernels/spiking_math.h"

namespace norse {
namespace kernels {
namespace {

using cuda::DeviceBuffer;  // device scratch from the caching allocator, returned when the call ends
using detail::Dims;
using detail::load_params;

constexpr int kThreads = 128;

// One forward step of every element: I_t (already in `current`), then the CPU loop's element
// body (kernels/recurrent_sequence.h). Kernels take NeuronParams by value.
template <class Model, Surrogate S>
__global__ void recurrent_step_kernel(NeuronParams<Model> p, RecurrentForwardArgs a, int64_t t, float* state,
                                      const float* current) {
  const int64_t e = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (e >= a.batch * a.hidden) return;
  float prm[Dims<Model>::kPArray];
  load_params(p, e, prm);
  detail::recurrent_forward_element<Model, S>(prm, detail::constants_of(p), a, t, e, state, current[e]);
}

// One backward step of every element: G_t = dL/dI_t (the CPU loop's element body).
template <class Model, Surrogate S, bool kWantParams>
__global__ void recurrent_step_backward_kernel(NeuronParams<Model> p, RecurrentBackwardArgs a, int64_t t,
                                               float* grad_state, const float* grad_z_recurrent) {
  const int64_t e = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (e >= a.batch * a.hidden) return;
  float prm[Dims<Model>::kPArray];
  load_params(p, e, prm);
  detail::recurrent_backward_element<Model, S, kWantParams>(prm, detail::constants_of(p), a, t, e, grad_state,
                                                            grad_z_recurrent);
}

unsigned grid_for(int64_t n) { return static_cast<unsigned>((n + kThreads - 1) / kThreads); }

// with_surrogate without the user-defined method (a host function pointer: refused above, and
// no kernel is compiled for it).
template <class F>
void with_gpu_surrogate(Surrogate method, F&& f) {
  with_surrogate(method, [&](auto tag) {
    if constexpr (decltype(tag)::value != Surrogate::kUser) f(tag);
  });
}

void check_sizes(const char* op, int64_t steps, int64_t batch, int64_t hidden) {
  NORSE_CHECK(steps >= 0 && batch >= 0 && hidden >= 0, InvalidArgument, op,
              "steps, batch and hidden must be >= 0, got ", steps, ", ", batch, ", ", hidden);
}

}  // namespace

template <class Model>
void cuda_recurrent_sequence_forward(const NeuronParams<Model>& params, const RecurrentForwardArgs& a) {
  using Dm = Dims<Model>;
  check_sizes("cuda_recurrent_sequence_forward", a.steps, a.batch, a.hidden);
  const int64_t n = a.batch * a.hidden, h = a.hidden;
  if (n == 0) return;
  DeviceBuffer state(static_cast<size_t>(Dm::kS * n)), current(static_cast<size_t>(n));
  for (int s = 0; s < Dm::kS; ++s) {
    NORSE_CUDA_CHECK(cudaMemcpy(state.data() + s * n, a.state0[s], n * sizeof(float), cudaMemcpyDeviceToDevice));
  }
  const float one = 1.0f;
  detail::check_gpu_method("cuda_recurrent_sequence_forward", params.method);
  with_gpu_surrogate(params.method, [&](auto tag) {
    for (int64_t t = 0; t < a.steps; ++t) {
      const float* z_prev = t == 0 ? a.z0 : a.z + (t - 1) * n;
      // current = X_t + z_prev @ R^T, i.e. (column-major) current^T += R z_prev^T: the CPU loop's
      // order of summation.
      NORSE_CUDA_CHECK(
          cudaMemcpy(current.data(), a.input_current + t * n, n * sizeof(float), cudaMemcpyDeviceToDevice));
      NORSE_CUBLAS_CHECK(cublasSgemm(cuda::cublas_handle(), CUBLAS_OP_T, CUBLAS_OP_N, static_cast<int>(h),
                                     static_cast<int>(a.batch), static_cast<int>(h), &one, a.recurrent_weights,
                                     static_cast<int>(h), z_prev, static_cast<int>(h), &one, current.data(),
                                     static_cast<int>(h)));
      recurrent_step_kernel<Model, decltype(tag)::value>
          <<<grid_for(n), kThreads>>>(params, a, t, state.data(), current.data());
    }
  });
  NORSE_CUDA_CHECK(cudaGetLastError());
  for (int s = 0; s < Dm::kS; ++s) {
    NORSE_CUDA_CHECK(cudaMemcpy(a.final_state[s], state.data() + s * n, n * sizeof(float), cudaMemcpyDeviceToDevice));
  }
  NORSE_CUDA_CHECK(cudaDeviceSynchronize());
}

template <class Model>
void cuda_recurrent_sequence_backward(const NeuronParams<Model>& params, const RecurrentBackwardArgs& a) {
  using Dm = Dims<Model>;
  check_sizes("cuda_recurrent_sequence_backward", a.steps, a.batch, a.hidden);
  const int64_t n = a.batch * a.hidden, h = a.hidden;
  if (n == 0) return;
  const bool want_params = Model::kParams > 0 && a.grad_params[0] != nullptr;
  DeviceBuffer grad_state(static_cast<size_t>(Dm::kS * n)), grad_z_recurrent(static_cast<size_t>(n));
  for (int s = 0; s < Dm::kS; ++s) {
    if (a.grad_final[s] != nullptr) {
      NORSE_CUDA_CHECK(
          cudaMemcpy(grad_state.data() + s * n, a.grad_final[s], n * sizeof(float), cudaMemcpyDeviceToDevice));
    } else {
      NORSE_CUDA_CHECK(cudaMemset(grad_state.data() + s * n, 0, n * sizeof(float)));
    }
  }
  NORSE_CUDA_CHECK(cudaMemset(grad_z_recurrent.data(), 0, n * sizeof(float)));
  NORSE_CUDA_CHECK(cudaMemset(a.grad_recurrent_weights, 0, h * h * sizeof(float)));
  if (want_params) {
    for (int q = 0; q < Model::kParams; ++q) NORSE_CUDA_CHECK(cudaMemset(a.grad_params[q], 0, n * sizeof(float)));
  }
  const float one = 1.0f, zero = 0.0f;
  detail::check_gpu_method("cuda_recurrent_sequence_backward", params.method);
  with_gpu_surrogate(params.method, [&](auto tag) {
    for (int64_t t = a.steps; t-- > 0;) {
      if (want_params) {
        recurrent_step_backward_kernel<Model, decltype(tag)::value, true>
            <<<grid_for(n), kThreads>>>(params, a, t, grad_state.data(), grad_z_recurrent.data());
      } else {
        recurrent_step_backward_kernel<Model, decltype(tag)::value, false>
            <<<grid_for(n), kThreads>>>(params, a, t, grad_state.data(), grad_z_recurrent.data());
      }
      const float* g = a.grad_input_current + t * n;
      const float* z_prev = t == 0 ? a.z0 : a.z + (t - 1) * n;
      // dR += G^T z_prev: (column-major) dR^T += z_prev^T G.
      NORSE_CUBLAS_CHECK(cublasSgemm(cuda::cublas_handle(), CUBLAS_OP_N, CUBLAS_OP_T, static_cast<int>(h),
                                     static_cast<int>(h), static_cast<int>(a.batch), &one, z_prev, static_cast<int>(h),
                                     g, static_cast<int>(h), &one, a.grad_recurrent_weights, static_cast<int>(h)));
      // dL/dz_prev (recurrent part) = G R: (column-major) R^T G^T.
      NORSE_CUBLAS_CHECK(cublasSgemm(cuda::cublas_handle(), CUBLAS_OP_N, CUBLAS_OP_N, static_cast<int>(h),
                                     static_cast<int>(a.batch), static_cast<int>(h), &one, a.recurrent_weights,
                                     static_cast<int>(h), g, static_cast<int>(h), &zero, grad_z_recurrent.data(),
                                     static_cast<int>(h)));
    }
  });
  NORSE_CUDA_CHECK(cudaGetLastError());
  NORSE_CUDA_CHECK(cudaMemcpy(a.grad_z0, grad_z_recurrent.data(), n * sizeof(float), cudaMemcpyDeviceToDevice));
  for (int s = 0; s < Dm::kS; ++s) {
    NORSE_CUDA_CHECK(
        cudaMemcpy(a.grad_state0[s], grad_state.data() + s * n, n * sizeof(float), cudaMemcpyDeviceToDevice));
  }
  NORSE_CUDA_CHECK(cudaDeviceSynchronize());
}

#define NORSE_INSTANTIATE_CUDA_RECURRENT(Model)                                                                  \
  template void cuda_recurrent_sequence_forward<Model>(const NeuronParams<Model>&, const RecurrentForwardArgs&); \
  template void cuda_recurrent_sequence_backward<Model>(const NeuronParams<Model>&, const RecurrentBackwardArgs&);

NORSE_INSTANTIATE_CUDA_RECURRENT(LIFModel)
NORSE_INSTANTIATE_CUDA_RECURRENT(LSNNModel)
NORSE_INSTANTIATE_CUDA_RECURRENT(IAFModel)
NORSE_INSTANTIATE_CUDA_RECURRENT(LIFRefracModel)
NORSE_INSTANTIATE_CUDA_RECURRENT(LIFExModel)
NORSE_INSTANTIATE_CUDA_RECURRENT(LIFAdExModel)
NORSE_INSTANTIATE_CUDA_RECURRENT(LIFAdExRefracModel)
NORSE_INSTANTIATE_CUDA_RECURRENT(IzhikevichModel)

#undef NORSE_INSTANTIATE_CUDA_RECURRENT

namespace {

template <class Model>
bool register_recurrent() {
  CudaRecurrentEntryPoints<Model>& e = CudaRecurrentEntryPoints<Model>::slot();
  e.forward = &cuda_recurrent_sequence_forward<Model>;
  e.backward = &cuda_recurrent_sequence_backward<Model>;
  return true;
}

// Makes the loops reachable from models/recurrent_op.h when this library is linked.
const bool g_registered = register_recurrent<LIFModel>() && register_recurrent<LSNNModel>() &&
                          register_recurrent<IAFModel>() && register_recurrent<LIFRefracModel>() &&
                          register_recurrent<LIFExModel>() && register_recurrent<LIFAdExModel>() &&
                          register_recurrent<LIFAdExRefracModel>() && register_recurrent<IzhikevichModel>();

}  // namespace

}  // namespace kernels
}  // namespace norse
