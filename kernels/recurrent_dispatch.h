// Where the recurrent models find the CUDA recurrent loops (kernels/recurrent_cuda.h) without
// depending on CUDA: //kernels:recurrent_cuda registers its entry points per model at start-up; without it the slots
// stay empty and models/recurrent_op.h refuses cuda inputs with a DeviceError.
#ifndef NORSE_KERNELS_RECURRENT_DISPATCH_H_
#define NORSE_KERNELS_RECURRENT_DISPATCH_H_

#include "kernels/recurrent_sequence.h"

namespace norse {
namespace kernels {

template <class Model>
struct CudaRecurrentEntryPoints {
  // Synchronous (the loops' scratch is released on return).
  void (*forward)(const NeuronParams<Model>&, const RecurrentForwardArgs&) = nullptr;
  void (*backward)(const NeuronParams<Model>&, const RecurrentBackwardArgs&) = nullptr;

  // The one slot per model (a function-local static of an inline template).
  static CudaRecurrentEntryPoints& slot() {
    static CudaRecurrentEntryPoints entry_points;
    return entry_points;
  }
};

}  // namespace kernels
}  // namespace norse

#endif  // NORSE_KERNELS_RECURRENT_DISPATCH_H_
