// CUDA generic fused neuron loops: one thread per neuron, time inside, Model::step of
// kernels/<model>_math.h forward and its dual-number adjoint backward, as the CPU loops of
// kernels/neuron_sequence.h.
#include <cuda_runtime.h>

#include "core/cuda_check.cuh"
#include "kernels/li_math.h"
#include "kernels/neuron_cuda.h"
#include "kernels/neuron_dispatch.h"
#include "kernels/spiking_math.h"

namespace norse {
namespace kernels {
namespace {

using detail::BackwardDims;
using detail::Dims;
using detail::load_params;
using detail::step_adjoint;
using detail::uniform_at;

constexpr int kThreads = 128;  // the dual-number backward keeps kDirs floats per state in registers

// Kernels take NeuronParams by value (trivially copyable: parameter pointers are device
// pointers) and read it through the CPU loops' helpers (kernels/neuron_sequence.h).
template <class Model, Surrogate S>
__global__ void neuron_forward_kernel(NeuronParams<Model> p, NeuronForwardArgs a) {
  using Dm = Dims<Model>;
  const int64_t e = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const int64_t n = a.elements;
  if (e >= n) return;
  float prm[Dm::kPArray];
  load_params(p, e, prm);
  float st[Dm::kS];
  for (int s = 0; s < Dm::kS; ++s) st[s] = a.state0[s][e];
  for (int64_t t = 0; t < a.steps; ++t) {
    const int64_t j = t * n + e;
    if (a.saved != nullptr) {
      for (int s = 0; s < Dm::kS; ++s) a.saved[(t * Dm::kS + s) * n + e] = st[s];
    }
    const float z =
        Model::template step<S>(prm, st, a.input[j], p.dt, p.alpha, uniform_at<S>(a.seed, a.offset, j), p.options);
    if (Model::kSpiking) a.z[j] = z;
    for (int s = 0; s < Dm::kS; ++s) {
      if (a.record[s] != nullptr) a.record[s][j] = st[s];
    }
  }
  for (int s = 0; s < Dm::kS; ++s) a.final_state[s][e] = st[s];
}

template <class Model, Surrogate S, bool kWantParams>
__global__ void neuron_backward_kernel(NeuronParams<Model> p, NeuronBackwardArgs a) {
  using Dm = BackwardDims<Model, kWantParams>;
  const int64_t e = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const int64_t n = a.elements;
  if (e >= n) return;
  float prm[Dm::kPArray];
  load_params(p, e, prm);
  float grad[Dm::kS];
  for (int s = 0; s < Dm::kS; ++s) grad[s] = a.grad_final[s] ? a.grad_final[s][e] : 0.0f;
  float grad_prm[Dm::kPArray];
  for (int q = 0; q < Dm::kPArray; ++q) grad_prm[q] = 0.0f;
  for (int64_t t = a.steps; t-- > 0;) {
    const int64_t j = t * n + e;
    float st[Dm::kS], g_out[Dm::kS], g_state[Dm::kS], g_x;
    for (int s = 0; s < Dm::kS; ++s) {
      st[s] = a.saved[(t * Dm::kS + s) * n + e];
      g_out[s] = grad[s] + (a.grad_record[s] ? a.grad_record[s][j] : 0.0f);
    }
    const float g_z = (Model::kSpiking && a.grad_z) ? a.grad_z[j] : 0.0f;
    step_adjoint<Model, S, kWantParams>(prm, st, a.input[j], p.dt, p.alpha, uniform_at<S>(a.seed, a.offset, j),
                                        p.options, g_z, g_out, g_state, &g_x, grad_prm);
    for (int s = 0; s < Dm::kS; ++s) grad[s] = g_state[s];
    a.grad_input[j] = g_x;
  }
  for (int s = 0; s < Dm::kS; ++s) a.grad_state0[s][e] = grad[s];
  if constexpr (kWantParams) {
    for (int q = 0; q < Dm::kP; ++q) a.grad_params[q][e] = grad_prm[q];
  }
}

template <class Model>
void check_params(const char* op, const NeuronParams<Model>& p, int64_t steps, int64_t elements) {
  NORSE_CHECK(steps >= 0 && elements >= 0, InvalidArgument, op, "steps and elements must be >= 0, got ", steps, " and ",
              elements);
  for (int q = 0; q < Model::kParams; ++q) {
    NORSE_CHECK(p.params[q].data != nullptr && p.params[q].size >= 1, InvalidArgument, op, "parameter ", q,
                " must be a device pointer with size >= 1, got size ", p.params[q].size);
  }
}

unsigned grid_for(int64_t elements) { return static_cast<unsigned>((elements + kThreads - 1) / kThreads); }

}  // namespace

template <class Model>
void cuda_neuron_sequence_forward(const NeuronParams<Model>& params, const NeuronForwardArgs& args, void* stream) {
  check_params("cuda_neuron_sequence_forward", params, args.steps, args.elements);
  if (args.elements == 0) return;
  with_surrogate(params.method, [&](auto tag) {
    neuron_forward_kernel<Model, decltype(tag)::value>
        <<<grid_for(args.elements), kThreads, 0, static_cast<cudaStream_t>(stream)>>>(params, args);
  });
  NORSE_CUDA_CHECK(cudaGetLastError());
}

template <class Model>
void cuda_neuron_sequence_backward(const NeuronParams<Model>& params, const NeuronBackwardArgs& args, void* stream) {
  check_params("cuda_neuron_sequence_backward", params, args.steps, args.elements);
  if (args.elements == 0) return;
  const bool want_params = Model::kParams > 0 && args.grad_params[0] != nullptr;
  with_surrogate(params.method, [&](auto tag) {
    if (want_params) {
      neuron_backward_kernel<Model, decltype(tag)::value, true>
          <<<grid_for(args.elements), kThreads, 0, static_cast<cudaStream_t>(stream)>>>(params, args);
    } else {
      neuron_backward_kernel<Model, decltype(tag)::value, false>
          <<<grid_for(args.elements), kThreads, 0, static_cast<cudaStream_t>(stream)>>>(params, args);
    }
  });
  NORSE_CUDA_CHECK(cudaGetLastError());
}

#define NORSE_INSTANTIATE_CUDA_NEURON(Model)                                                                      \
  template void cuda_neuron_sequence_forward<Model>(const NeuronParams<Model>&, const NeuronForwardArgs&, void*); \
  template void cuda_neuron_sequence_backward<Model>(const NeuronParams<Model>&, const NeuronBackwardArgs&, void*);

NORSE_INSTANTIATE_CUDA_NEURON(LIFBoxModel)
NORSE_INSTANTIATE_CUDA_NEURON(LIModel)
NORSE_INSTANTIATE_CUDA_NEURON(LSNNModel)
NORSE_INSTANTIATE_CUDA_NEURON(LIFCurrentEncoderModel)
NORSE_INSTANTIATE_CUDA_NEURON(LIBoxModel)
NORSE_INSTANTIATE_CUDA_NEURON(ExpFilterModel)
NORSE_INSTANTIATE_CUDA_NEURON(IAFModel)
NORSE_INSTANTIATE_CUDA_NEURON(LIFRefracModel)
NORSE_INSTANTIATE_CUDA_NEURON(LIFExModel)
NORSE_INSTANTIATE_CUDA_NEURON(LIFAdExModel)
NORSE_INSTANTIATE_CUDA_NEURON(LIFAdExRefracModel)
NORSE_INSTANTIATE_CUDA_NEURON(IzhikevichModel)
NORSE_INSTANTIATE_CUDA_NEURON(CobaLIFModel)

#undef NORSE_INSTANTIATE_CUDA_NEURON

namespace {

template <class Model>
bool register_model() {
  CudaNeuronEntryPoints<Model>& e = CudaNeuronEntryPoints<Model>::slot();
  e.forward = &cuda_neuron_sequence_forward<Model>;
  e.backward = &cuda_neuron_sequence_backward<Model>;
  return true;
}

// Makes the loops reachable from models/neuron_op.h when this library is linked.
const bool g_registered = register_model<LIFBoxModel>() && register_model<LIModel>() && register_model<LSNNModel>() &&
                          register_model<LIFCurrentEncoderModel>() && register_model<LIBoxModel>() &&
                          register_model<ExpFilterModel>() && register_model<IAFModel>() &&
                          register_model<LIFRefracModel>() && register_model<LIFExModel>() &&
                          register_model<LIFAdExModel>() && register_model<LIFAdExRefracModel>() &&
                          register_model<IzhikevichModel>() && register_model<CobaLIFModel>();

}  // namespace

}  // namespace kernels
}  // namespace norse
