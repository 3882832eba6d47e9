// The recurrent fused loops (kernels/recurrent_sequence.h) on a CUDA device: the SAME
// arguments, every pointer in device memory. Per step one cuBLAS GEMM (z_{t-1} @ R^T) and ONE
// fused element-wise kernel that adds the input projection and runs Model::step; the backward
// per step one element-wise kernel (the dual-number adjoint of the same step) and two GEMMs
// (dL/dR += G_t^T z_{t-1}, dL/dz_{t-1} = G_t R). The state lives in device scratch between
// steps. Instantiated for LIF, LSNN, IAF, LIFRefrac, LIFEx, LIFAdEx, LIFAdExRefrac and Izhikevich
// (kernels/recurrent_cuda.cu). Only with --config=cuda.
#ifndef NORSE_KERNELS_RECURRENT_CUDA_H_
#define NORSE_KERNELS_RECURRENT_CUDA_H_

#include "kernels/recurrent_sequence.h"

namespace norse {
namespace kernels {

// Synchronous: returns when the sequence is done (its scratch memory is released).
template <class Model>
void cuda_recurrent_sequence_forward(const NeuronParams<Model>& params, const RecurrentForwardArgs& args);
template <class Model>
void cuda_recurrent_sequence_backward(const NeuronParams<Model>& params, const RecurrentBackwardArgs& args);

}  // namespace kernels
}  // namespace norse

#endif  // NORSE_KERNELS_RECURRENT_CUDA_H_
