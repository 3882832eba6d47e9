// Where the models find the CUDA LIF kernels without depending on CUDA: //kernels:lif_cuda
// registers its entry points at start-up (kernels/lif_cuda.cu); in a build without it nothing
// is registered and models/lif.cc refuses cuda inputs with a DeviceError saying how to build.
#ifndef NORSE_KERNELS_LIF_DISPATCH_H_
#define NORSE_KERNELS_LIF_DISPATCH_H_

#include "kernels/lif.h"

namespace norse {
namespace kernels {
namespace lif {

struct CudaEntryPoints {
  void (*forward)(const SequenceParams&, const SequenceForwardArgs&, void* stream) = nullptr;
  void (*backward)(const SequenceParams&, const SequenceBackwardArgs&, void* stream) = nullptr;
};

void register_cuda_entry_points(const CudaEntryPoints& entry_points);
// The registered entry points, or nullptr.
const CudaEntryPoints* cuda_entry_points();

}  // namespace lif
}  // namespace kernels
}  // namespace norse

#endif  // NORSE_KERNELS_LIF_DISPATCH_H_
