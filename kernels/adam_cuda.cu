// Adam on the GPU: one thread per element running kernels/adam.h's adam_update, registered
// with kernels::register_cuda_adam_step at start-up (the library is linked whole).
#include <cuda_runtime.h>

#include "core/cuda_check.cuh"
#include "kernels/adam.h"

namespace norse {
namespace kernels {
namespace {

__global__ void adam_kernel(AdamStepArgs a) {
  for (int64_t j = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; j < a.n;
       j += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    adam_update(a, j);
  }
}

void cuda_adam(const AdamStepArgs& args) {
  if (args.n == 0) return;
  const int64_t blocks = (args.n + 255) / 256;
  adam_kernel<<<static_cast<unsigned>(blocks < 65535 * 16 ? blocks : 65535 * 16), 256>>>(args);
  NORSE_CUDA_CHECK(cudaGetLastError());
}

const bool g_registered = [] {
  register_cuda_adam_step(&cuda_adam);
  return true;
}();

}  // namespace
}  // namespace kernels
}  // namespace norse
