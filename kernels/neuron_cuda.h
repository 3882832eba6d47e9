// The generic fused neuron loops (kernels/neuron_sequence.h) on a CUDA device: the SAME
// arguments, every pointer (ParamRef data included) in device memory; ONE launch for the whole
// forward and ONE for the backward, each thread owning one neuron and walking time with its
// state in registers. The backward is the dual-number adjoint of the same Model::step the CPU
// runs (kernels/<model>_math.h), so the CPU tests cover the math the GPU runs.
//
// Instantiated for every generic model (kernels/neuron_cuda.cu): LIFBox, LI, LIBox, LSNN, IAF,
// LIFRefrac, LIFEx, LIFAdEx, LIFAdExRefrac, Izhikevich, CobaLIF, ExpFilter and the
// constant-current LIF encoder (LIF itself has kernels/lif_cuda.h). Bytes per neuron-step: forward reads x, writes z
// (spiking models) and the saved state (4 * kStates); backward reads the saved state, x and grad_z, writes grad_x. Only
// with --config=cuda (target //kernels:neuron_cuda).
#ifndef NORSE_KERNELS_NEURON_CUDA_H_
#define NORSE_KERNELS_NEURON_CUDA_H_

#include "kernels/neuron_sequence.h"

namespace norse {
namespace kernels {

// `stream` is a cudaStream_t (nullptr: the default stream). Asynchronous on that stream.
template <class Model>
void cuda_neuron_sequence_forward(const NeuronParams<Model>& params, const NeuronForwardArgs& args,
                                  void* stream = nullptr);
template <class Model>
void cuda_neuron_sequence_backward(const NeuronParams<Model>& params, const NeuronBackwardArgs& args,
                                   void* stream = nullptr);

}  // namespace kernels
}  // namespace norse

#endif  // NORSE_KERNELS_NEURON_CUDA_H_
