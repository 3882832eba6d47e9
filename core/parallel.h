// Thread parallelism for CPU loops: OpenMP underneath, one entry point on top.
//
// parallel_for splits [0, n) into contiguous chunks of at least `grain` elements, one static
// chunk per thread. Work whose result does not depend on the chunking (element-wise ops, or
// reductions that each thread writes to its own slot) is therefore bitwise identical for any
// thread count. Nested calls run serially inside the outer team.
//
// `f(begin, end)` must not throw: an exception cannot leave an OpenMP region. Validate inputs
// (and throw norse::Error) before calling parallel_for.
#ifndef NORSE_CORE_PARALLEL_H_
#define NORSE_CORE_PARALLEL_H_

#include <algorithm>
#include <cstdint>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace norse {

// Number of threads parallel_for (and so the GEMM tiles of core/gemm_cpu.h) may use.
int num_threads();
// Sets it (>= 1). Throws InvalidArgument otherwise.
void set_num_threads(int threads);

template <typename F>
void parallel_for(int64_t n, int64_t grain, F&& f) {
  if (n <= 0) return;
#ifdef _OPENMP
  const int64_t max_chunks = std::max<int64_t>(1, n / std::max<int64_t>(grain, 1));
  const int threads = static_cast<int>(std::min<int64_t>(num_threads(), max_chunks));
  if (threads > 1 && !omp_in_parallel()) {
#pragma omp parallel num_threads(threads)
    {
      const int64_t t = omp_get_thread_num();
      const int64_t team = omp_get_num_threads();
      const int64_t begin = n * t / team;
      const int64_t end = n * (t + 1) / team;
      if (begin < end) f(begin, end);
    }
    return;
  }
#endif
  f(int64_t{0}, n);
}

}  // namespace norse

#endif  // NORSE_CORE_PARALLEL_H_
