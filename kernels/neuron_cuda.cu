// CUDA generic fused neuron loops: one thread per neuron, time inside, running the per-element
// bodies of kernels/neuron_sequence.h that the CPU loops run.
#include <cuda_runtime.h>

#include "core/cuda_check.cuh"
#include "kernels/li_math.h"
#include "kernels/neuron_cuda.h"
#include "kernels/neuron_dispatch.h"
#include "kernels/spiking_math.h"

namespace norse {
namespace kernels {
namespace {

constexpr int kThreads = 128;  // the dual-number backward keeps kDirs floats per state in registers

// Each thread runs the per-thread body of kernels/neuron_sequence.h (forward_thread /
// backward_thread), whose per-step body is the CPU loop's: the same source on both devices.
// Kernels take NeuronParams by value (trivially copyable: parameter pointers are device pointers).
template <class Model, Surrogate S, detail::Saving kSave>
__global__ void neuron_forward_kernel(NeuronParams<Model> p, NeuronForwardArgs a) {
  const int64_t e = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (e < a.elements) detail::forward_thread<Model, S, kSave>(p, a, e);
}

template <class Model, Surrogate S, detail::Saving kSaved, bool kWantParams>
__global__ void neuron_backward_kernel(NeuronParams<Model> p, NeuronBackwardArgs a) {
  const int64_t e = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (e < a.elements) detail::backward_thread<Model, S, kSaved, kWantParams>(p, a, e);
}

template <class Model>
void check_params(const char* op, const NeuronParams<Model>& p) {
  for (int q = 0; q < Model::kParams; ++q) {
    NORSE_CHECK(p.params[q].data != nullptr && p.params[q].size >= 1, InvalidArgument, op, "parameter ", q,
                " must be a device pointer with size >= 1, got size ", p.params[q].size);
  }
}

unsigned grid_for(int64_t elements) { return static_cast<unsigned>((elements + kThreads - 1) / kThreads); }

}  // namespace

template <class Model>
void cuda_neuron_sequence_forward(const NeuronParams<Model>& params, const NeuronForwardArgs& args, void* stream) {
  const char* op = "cuda_neuron_sequence_forward";
  detail::check_forward_args<Model>(op, args);
  detail::check_gpu_method(op, params.method);
  check_params(op, params);
  if (args.elements == 0) return;
  detail::with_forward_variant(params, args, [&](auto method, auto save, auto) {
    if constexpr (decltype(method)::value != Surrogate::kUser) {  // refused above: no kernel for it
      neuron_forward_kernel<Model, decltype(method)::value, decltype(save)::value>
          <<<grid_for(args.elements), kThreads, 0, static_cast<cudaStream_t>(stream)>>>(params, args);
    }
  });
  NORSE_CUDA_CHECK(cudaGetLastError());
}

template <class Model>
void cuda_neuron_sequence_backward(const NeuronParams<Model>& params, const NeuronBackwardArgs& args, void* stream) {
  const char* op = "cuda_neuron_sequence_backward";
  detail::check_backward_args<Model>(op, args);
  detail::check_gpu_method(op, params.method);
  check_params(op, params);
  if (args.elements == 0) return;
  detail::with_backward_variant(params, args, [&](auto method, auto saved, auto want, auto) {
    if constexpr (decltype(method)::value != Surrogate::kUser) {  // refused above: no kernel for it
      neuron_backward_kernel<Model, decltype(method)::value, decltype(saved)::value, decltype(want)::value>
          <<<grid_for(args.elements), kThreads, 0, static_cast<cudaStream_t>(stream)>>>(params, args);
    }
  });
  NORSE_CUDA_CHECK(cudaGetLastError());
}

#define NORSE_INSTANTIATE_CUDA_NEURON(Model)                                                                      \
  template void cuda_neuron_sequence_forward<Model>(const NeuronParams<Model>&, const NeuronForwardArgs&, void*); \
  template void cuda_neuron_sequence_backward<Model>(const NeuronParams<Model>&, const NeuronBackwardArgs&, void*);

NORSE_INSTANTIATE_CUDA_NEURON(LIFModel)
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
const bool g_registered =
    register_model<LIFModel>() && register_model<LIFBoxModel>() && register_model<LIModel>() &&
    register_model<LSNNModel>() && register_model<LIFCurrentEncoderModel>() && register_model<LIBoxModel>() &&
    register_model<ExpFilterModel>() && register_model<IAFModel>() && register_model<LIFRefracModel>() &&
    register_model<LIFExModel>() && register_model<LIFAdExModel>() && register_model<LIFAdExRefracModel>() &&
    register_model<IzhikevichModel>() && register_model<CobaLIFModel>();

}  // namespace

}  // namespace kernels
}  // namespace norse
