#include "kernels/adam.h"

#if defined(__SSE__)
#include <xmmintrin.h>
#endif

#include "core/parallel.h"

namespace norse {
namespace kernels {
namespace {
CudaAdamStep g_cuda_adam_step = nullptr;

// Subnormal floats as zero on the calling thread while it lives (x86's flush-to-zero and
// denormals-are-zero bits; nothing elsewhere). A parameter whose gradient stays 0 (a weight
// from an input that never spikes) has its first moment decay by beta1 every step, into the
// subnormal range after some hundred steps: on x86 every operation on such a value takes a
// microcode assist (~100x slower), and Adam became a fifth of a trained MNIST epoch. Flushing
// changes only values below 1.2e-38 (as torch.set_flush_denormal(True) does).
class FlushSubnormals {
 public:
#if defined(__SSE__)
  FlushSubnormals() : saved_(_mm_getcsr()) { _mm_setcsr(saved_ | kFlushToZero | kDenormalsAreZero); }
  ~FlushSubnormals() { _mm_setcsr(saved_); }

 private:
  static constexpr unsigned kFlushToZero = 0x8000, kDenormalsAreZero = 0x0040;
  unsigned saved_;
#endif
};
}  // namespace

void adam_step_cpu(const AdamStepArgs& args) {
  parallel_for(args.n, 1 << 14, [&](int64_t begin, int64_t end) {
    const FlushSubnormals flush;
    for (int64_t j = begin; j < end; ++j) adam_update(args, j);
  });
}

void register_cuda_adam_step(CudaAdamStep step) { g_cuda_adam_step = step; }
CudaAdamStep cuda_adam_step() { return g_cuda_adam_step; }

}  // namespace kernels
}  // namespace norse
