// Adam's update (PyTorch's torch.optim.Adam, L2 weight decay added to the gradient) as one pure
// per-element function used by the CPU loop and the CUDA kernel alike, and the two loops.
// models/optim.cc runs the loop of the parameter's device; the CUDA one is registered by
// //kernels:adam_cuda (kernels/adam_cuda.cu) when it is linked.
#ifndef NORSE_KERNELS_ADAM_H_
#define NORSE_KERNELS_ADAM_H_

#include <cmath>
#include <cstdint>

#include "core/host_device.h"

namespace norse {
namespace kernels {

struct AdamStepArgs {
  float* param = nullptr;       // [n], updated in place
  float* exp_avg = nullptr;     // [n], first moment, updated in place
  float* exp_avg_sq = nullptr;  // [n], second moment, updated in place
  const float* grad = nullptr;  // [n]
  int64_t n = 0;
  float step_size = 0.0f;              // lr / (1 - beta1^step)
  float bias_correction2_sqrt = 1.0f;  // sqrt(1 - beta2^step)
  float beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f, weight_decay = 0.0f;
};

NORSE_HD inline void adam_update(const AdamStepArgs& a, int64_t j) {
  const float grad = a.weight_decay != 0.0f ? a.grad[j] + a.weight_decay * a.param[j] : a.grad[j];
  const float m = a.beta1 * a.exp_avg[j] + (1.0f - a.beta1) * grad;
  const float v = a.beta2 * a.exp_avg_sq[j] + (1.0f - a.beta2) * grad * grad;
  a.exp_avg[j] = m;
  a.exp_avg_sq[j] = v;
  const float denom = sqrtf(v) / a.bias_correction2_sqrt + a.eps;
  a.param[j] -= a.step_size * m / denom;
}

// Host pointers; split over the threads. Subnormal moments and updates are flushed to zero
// (x86: they cost a microcode assist per operation; see adam.cc).
void adam_step_cpu(const AdamStepArgs& args);

// Device pointers; one launch on the default stream. nullptr until //kernels:adam_cuda is linked.
using CudaAdamStep = void (*)(const AdamStepArgs& args);
void register_cuda_adam_step(CudaAdamStep step);
CudaAdamStep cuda_adam_step();

}  // namespace kernels
}  // namespace norse

#endif  // NORSE_KERNELS_ADAM_H_
