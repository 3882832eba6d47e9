// Where the models find the generic CUDA loops (kernels/neuron_cuda.h) without depending on
// CUDA: //kernels:neuron_cuda registers its entry points per model at start-up; without it the
// slots stay empty and models/neuron_op.h refuses cuda inputs with a DeviceError.
#ifndef NORSE_KERNELS_NEURON_DISPATCH_H_
#define NORSE_KERNELS_NEURON_DISPATCH_H_

#include "kernels/neuron_sequence.h"

namespace norse {
namespace kernels {

template <class Model>
struct CudaNeuronEntryPoints {
  void (*forward)(const NeuronParams<Model>&, const NeuronForwardArgs&, void* stream) = nullptr;
  void (*backward)(const NeuronParams<Model>&, const NeuronBackwardArgs&, void* stream) = nullptr;

  // The one slot per model (a function-local static of an inline template: shared by every
  // translation unit of the program).
  static CudaNeuronEntryPoints& slot() {
    static CudaNeuronEntryPoints entry_points;
    return entry_points;
  }
};

}  // namespace kernels
}  // namespace norse

#endif  // NORSE_KERNELS_NEURON_DISPATCH_H_
