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
#include <vector>

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

// Sets the thread count for its scope and restores the previous one at its end.
class ThreadCountGuard {
 public:
  explicit ThreadCountGuard(int threads) : previous_(num_threads()) { set_num_threads(threads); }
  ~ThreadCountGuard() { set_num_threads(previous_); }
  ThreadCountGuard(const ThreadCountGuard&) = delete;
  ThreadCountGuard& operator=(const ThreadCountGuard&) = delete;

 private:
  int previous_;
};

// parallel_for with chunks of about equal total weight(i) (an int64_t >= 0: the item's work)
// instead of equal length: for loops whose items differ in work, such as the event kernels'
// samples (the first time steps of a spike train hold few spikes, the last many: equal counts
// gave one thread twice the other's work). Still one contiguous chunk per thread, fixed by n,
// the weights and the team size; use it where the result does not depend on the chunking.
template <typename W, typename F>
void parallel_for_weighted(int64_t n, W&& weight, F&& f) {
  if (n <= 0) return;
#ifdef _OPENMP
  const int threads = static_cast<int>(std::min<int64_t>(num_threads(), n));
  if (threads > 1 && !omp_in_parallel()) {
    std::vector<int64_t> prefix(static_cast<size_t>(n + 1), 0);  // prefix[i] = weight of items [0, i)
    for (int64_t i = 0; i < n; ++i) prefix[static_cast<size_t>(i + 1)] = prefix[static_cast<size_t>(i)] + weight(i);
    const int64_t total = prefix.back();
    // The first item whose start lies at or past the share `part` of `team` parts.
    const auto boundary = [&](int64_t part, int64_t team) {
      if (part >= team) return n;
      if (total == 0) return n * part / team;
      const int64_t goal = total / team * part + total % team * part / team;
      return static_cast<int64_t>(std::lower_bound(prefix.begin(), prefix.end() - 1, goal) - prefix.begin());
    };
#pragma omp parallel num_threads(threads)
    {
      const int64_t t = omp_get_thread_num();
      const int64_t team = omp_get_num_threads();
      const int64_t begin = t == 0 ? 0 : boundary(t, team);
      const int64_t end = boundary(t + 1, team);
      if (begin < end) f(begin, end);
    }
    return;
  }
#endif
  (void)weight;
  f(int64_t{0}, n);
}

}  // namespace norse

#endif  // NORSE_CORE_PARALLEL_H_
