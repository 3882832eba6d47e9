// The fused LIF time loops on a CUDA device: the SAME arguments as the CPU loops
// (kernels/lif.h), with every pointer (ParamRef data included) in device memory. The whole
// [T, ...] forward is ONE kernel launch and the backward ONE more: each thread owns one neuron
// and walks the time loop with its state in registers; a step reads and writes one contiguous
// row [elements] per array, so a warp's accesses coalesce. The per-element math is
// kernels/lif_math.h, the source the CPU loops run.
//
// Bytes per neuron-step moved (float32): forward reads x and writes z and v1 (12; + 8 when a
// parameter needs a gradient, + 8 when states are recorded); backward reads v1 and grad_z and
// writes grad_x (12; z is recomputed from v1 for the deterministic surrogates, read for the
// stochastic ones). Only with --config=cuda (target //kernels:lif_cuda). Errors of the launch
// or of the arguments become CudaError / InvalidArgument naming the call.
#ifndef NORSE_KERNELS_LIF_CUDA_H_
#define NORSE_KERNELS_LIF_CUDA_H_

#include "kernels/lif.h"

namespace norse {
namespace kernels {
namespace lif {

// `stream` is a cudaStream_t (nullptr: the default stream). Asynchronous on that stream.
void cuda_sequence_forward(const SequenceParams& params, const SequenceForwardArgs& args, void* stream = nullptr);
void cuda_sequence_backward(const SequenceParams& params, const SequenceBackwardArgs& args, void* stream = nullptr);

// The unfused baseline the benchmark compares against: Norse's step as the tape would run it on
// a device, one element-wise kernel per operation (i1 = i + x, v1 = ..., i2 = ..., z = H(...),
// v2 = ...) and per time step, the state round-tripping through device memory. Forward only,
// inference (writes z, v_final, i_final; ignores saved/record pointers); deterministic methods.
void cuda_unfused_forward(const SequenceParams& params, const SequenceForwardArgs& args, void* stream = nullptr);

}  // namespace lif
}  // namespace kernels
}  // namespace norse

#endif  // NORSE_KERNELS_LIF_CUDA_H_
