#include "kernels/adam.h"

#include "core/parallel.h"

namespace norse {
namespace kernels {
namespace {
CudaAdamStep g_cuda_adam_step = nullptr;
}  // namespace

void adam_step_cpu(const AdamStepArgs& args) {
  parallel_for(args.n, 1 << 14, [&](int64_t begin, int64_t end) {
    for (int64_t j = begin; j < end; ++j) adam_update(args, j);
  });
}

void register_cuda_adam_step(CudaAdamStep step) { g_cuda_adam_step = step; }
CudaAdamStep cuda_adam_step() { return g_cuda_adam_step; }

}  // namespace kernels
}  // namespace norse
