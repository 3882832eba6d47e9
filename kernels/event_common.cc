#include "kernels/event_common.h"

#include <algorithm>
#include <vector>

#include "core/parallel.h"

namespace norse {
namespace kernels {
namespace {
// Segments per thread chunk: enough work to be worth a thread for the smallest segments.
int64_t grain(int64_t segment_size) { return std::max<int64_t>(1, 4096 / std::max<int64_t>(segment_size, 1)); }
}  // namespace

int64_t count_segment_spikes(const float* x, int64_t segments, int64_t segment_size, int64_t* offsets,
                             bool* non_binary) {
  std::vector<unsigned char> odd(static_cast<size_t>(segments), 0);
  offsets[0] = 0;
  parallel_for(segments, grain(segment_size), [&](int64_t begin, int64_t end) {
    for (int64_t k = begin; k < end; ++k) {
      const float* src = x + k * segment_size;
      int64_t count = 0;
      bool o = false;
      for (int64_t j = 0; j < segment_size; ++j) {
        count += src[j] != 0.0f;
        o |= src[j] != 0.0f && src[j] != 1.0f;
      }
      offsets[k + 1] = count;
      odd[static_cast<size_t>(k)] = o;
    }
  });
  for (int64_t k = 0; k < segments; ++k) offsets[k + 1] += offsets[k];
  *non_binary = std::find(odd.begin(), odd.end(), 1) != odd.end();
  return offsets[segments];
}

void list_segment_spikes(const float* x, int64_t segments, int64_t segment_size, const int64_t* offsets,
                         int32_t* positions) {
  parallel_for(segments, grain(segment_size), [&](int64_t begin, int64_t end) {
    for (int64_t k = begin; k < end; ++k) {
      const float* src = x + k * segment_size;
      int32_t* dst = positions + offsets[k];
      for (int64_t j = 0; j < segment_size; ++j) {
        if (src[j] != 0.0f) *dst++ = static_cast<int32_t>(j);
      }
    }
  });
}

}  // namespace kernels
}  // namespace norse
