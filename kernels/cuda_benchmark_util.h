// What the CUDA benchmarks share: the skip without a device (reported, never passed), the device
// line, inputs that repeat a pattern, and SuperSpike as a tape op on any device (the spike of the
// unfused references on the GPU tape).
#ifndef NORSE_KERNELS_CUDA_BENCHMARK_UTIL_H_
#define NORSE_KERNELS_CUDA_BENCHMARK_UTIL_H_

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "core/core.h"
#include "core/cuda_runtime.h"

namespace norse {
namespace bench {

// Without a CUDA device: prints the skip and the suite's summary line and returns true.
// Otherwise prints the device and returns false.
inline bool skip_without_gpu(const char* benchmark) {
  std::string reason;
  if (cuda::device_count(&reason) == 0) {
    std::printf("SKIPPED %s: no CUDA device: %s\n", benchmark, reason.c_str());
    std::printf("NORSE_TEST_SUMMARY passed=0 failed=0 skipped=1\n");
    return true;
  }
  std::printf("device: %s\n", cuda::device_description(0).c_str());
  return false;
}

// Fills the contiguous `dst` with `pattern` repeated (device-to-device copies on their device):
// cheap large inputs without generating each element.
inline void fill_repeating(const Tensor& dst, const Tensor& pattern) {
  Tensor flat = dst.view({-1});
  for (int64_t off = 0; off < flat.numel(); off += pattern.numel()) {
    const int64_t len = std::min(pattern.numel(), flat.numel() - off);
    flat.slice(0, off, off + len).copy_(pattern.slice(0, 0, len));
  }
}

// SuperSpike (alpha 100) on any device: forward heaviside, backward g / (alpha |x| + 1)^2.
inline Variable device_superspike(const Variable& x) {
  const Tensor xv = x.value();
  return record_op("superspike", heaviside(xv), {x}, [xv](const std::vector<Tensor>& g, const std::vector<bool>&) {
    const Tensor d = add(mul(abs(xv), 100.0f), 1.0f);
    return std::vector<Tensor>{div(g[0], mul(d, d))};
  });
}

}  // namespace bench
}  // namespace norse

#endif  // NORSE_KERNELS_CUDA_BENCHMARK_UTIL_H_
