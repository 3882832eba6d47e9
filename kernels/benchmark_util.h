// Shared pieces of the kernel benchmarks (*_benchmark.cc): timing, the machine's measured copy
// bandwidth, and the one-line BENCH report. Benchmarks validate before they time (STYLE.md 9).
#ifndef NORSE_KERNELS_BENCHMARK_UTIL_H_
#define NORSE_KERNELS_BENCHMARK_UTIL_H_

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "core/parallel.h"

namespace norse {
namespace bench {

// Best wall time in milliseconds over `repeats` runs after one warm-up run.
inline double best_ms(const std::function<void()>& f, int repeats) {
  f();
  double best = 1e300;
  for (int r = 0; r < repeats; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    const auto t1 = std::chrono::steady_clock::now();
    best = std::min(best, std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
  return best;
}

// max |a - b| / max |b| over n floats: how far a result computed in another order is from the
// reference, relative to the reference's scale.
inline float max_relative_difference(const float* a, const float* b, int64_t n) {
  float diff = 0.0f, scale = 1e-30f;
  for (int64_t k = 0; k < n; ++k) {
    diff = std::max(diff, std::fabs(a[k] - b[k]));
    scale = std::max(scale, std::fabs(b[k]));
  }
  return diff / scale;
}

// This machine's copy bandwidth in GB/s (read + write bytes per second) with all threads,
// copying 256 MiB buffers: the memory limit the fused loops are compared against.
inline double copy_bandwidth_gbps() {
  const size_t n = size_t{64} << 20;  // floats
  std::vector<float> src(n, 1.0f), dst(n, 0.0f);
  const double ms = best_ms(
      [&] {
        parallel_for(static_cast<int64_t>(n), 1 << 20, [&](int64_t begin, int64_t end) {
          std::memcpy(dst.data() + begin, src.data() + begin, static_cast<size_t>(end - begin) * sizeof(float));
        });
      },
      5);
  return 2.0 * static_cast<double>(n * sizeof(float)) / (ms * 1e-3) / 1e9;
}

// BENCH name=<..> T=<..> B=<..> N=<..> ms=<best> neuron_steps_per_s=<..> gbps=<..> bandwidth_fraction=<..>
// `bytes_per_neuron_step` is the declared memory-traffic model of the measured code.
inline void report(const std::string& name, int64_t t, int64_t b, int64_t n, double ms, double bytes_per_neuron_step,
                   double machine_gbps) {
  const double neuron_steps = static_cast<double>(t) * static_cast<double>(b) * static_cast<double>(n);
  const double rate = neuron_steps / (ms * 1e-3);
  const double gbps = rate * bytes_per_neuron_step / 1e9;
  std::printf("BENCH name=%s T=%lld B=%lld N=%lld ms=%.3f neuron_steps_per_s=%.4g gbps=%.3f bandwidth_fraction=%.3f\n",
              name.c_str(), static_cast<long long>(t), static_cast<long long>(b), static_cast<long long>(n), ms, rate,
              gbps, gbps / machine_gbps);
  std::fflush(stdout);
}

}  // namespace bench
}  // namespace norse

#endif  // NORSE_KERNELS_BENCHMARK_UTIL_H_
