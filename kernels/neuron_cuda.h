// The generic fused neuron loops (kernels/neuron_sequence.h) on a CUDA device: the SAME
// arguments, every pointer (ParamRef data included) in device memory; ONE launch for the whole
// forward and ONE for the backward, each thread owning one neuron and walking time with its
// state in registers. Each thread runs forward_thread / backward_thread, whose per-step body
// (forward_element / backward_element) is the CPU loop's; the emulated CUDA backend of the tests
// runs those same thread bodies on the host.
//
// Instantiated for every model (kernels/neuron_cuda.cu): LIF, LIFBox, LI, LIBox, LSNN, IAF,
// LIFRefrac, LIFEx, LIFAdEx, LIFAdExRefrac, Izhikevich, CobaLIF, ExpFilter and the
// constant-current LIF encoder. Bytes per neuron-step: forward reads x, writes z (spiking
// models) and the saved record (4 * kStates, LIF's compact one 4); backward reads the saved
// record, grad_z and (from the state) x, writes grad_x. Only with --config=cuda (target
// //kernels:neuron_cuda).
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
