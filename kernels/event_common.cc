#include "kernels/event_common.h"

#include <algorithm>
#include <vector>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

#include "core/parallel.h"

namespace norse {
namespace kernels {
namespace {
// Segments per thread chunk: enough work to be worth a thread for the smallest segments.
int64_t grain(int64_t segment_size) { return std::max<int64_t>(1, 4096 / std::max<int64_t>(segment_size, 1)); }

// Masks of a run of floats: bit k of nonzero / not_one for element k (NaN is neither 0 nor 1).
// Vector compares and a popcount or a bit walk instead of a branchy scalar loop per float (the
// scalar count was 2% of a training step).
#if defined(__AVX__)
constexpr int64_t kLanes = 8;
inline unsigned nonzero_mask(const float* p) {
  return static_cast<unsigned>(_mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(p), _mm256_setzero_ps(), _CMP_NEQ_UQ)));
}
inline unsigned not_one_mask(const float* p) {
  return static_cast<unsigned>(
      _mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(p), _mm256_set1_ps(1.0f), _CMP_NEQ_UQ)));
}
#elif defined(__SSE2__)
constexpr int64_t kLanes = 4;
inline unsigned nonzero_mask(const float* p) {
  return static_cast<unsigned>(_mm_movemask_ps(_mm_cmpneq_ps(_mm_loadu_ps(p), _mm_setzero_ps())));
}
inline unsigned not_one_mask(const float* p) {
  return static_cast<unsigned>(_mm_movemask_ps(_mm_cmpneq_ps(_mm_loadu_ps(p), _mm_set1_ps(1.0f))));
}
#else
constexpr int64_t kLanes = 1;
inline unsigned nonzero_mask(const float* p) { return *p != 0.0f ? 1u : 0u; }
inline unsigned not_one_mask(const float* p) { return *p != 1.0f ? 1u : 0u; }
#endif
}  // namespace

int64_t count_segment_spikes(const float* x, int64_t segments, int64_t segment_size, int64_t* offsets,
                             bool* non_binary) {
  std::vector<unsigned char> odd(static_cast<size_t>(segments), 0);
  offsets[0] = 0;
  parallel_for(segments, grain(segment_size), [&](int64_t begin, int64_t end) {
    for (int64_t k = begin; k < end; ++k) {
      const float* src = x + k * segment_size;
      int64_t count = 0;
      unsigned o = 0;
      int64_t j = 0;
      for (; j + kLanes <= segment_size; j += kLanes) {
        const unsigned nz = nonzero_mask(src + j);
        count += __builtin_popcount(nz);
        o |= nz & not_one_mask(src + j);
      }
      for (; j < segment_size; ++j) {
        count += src[j] != 0.0f;
        o |= src[j] != 0.0f && src[j] != 1.0f;
      }
      offsets[k + 1] = count;
      odd[static_cast<size_t>(k)] = o != 0;
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
      int64_t j = 0;
      for (; j + kLanes <= segment_size; j += kLanes) {
        for (unsigned nz = nonzero_mask(src + j); nz != 0; nz &= nz - 1) {
          *dst++ = static_cast<int32_t>(j + __builtin_ctz(nz));
        }
      }
      for (; j < segment_size; ++j) {
        if (src[j] != 0.0f) *dst++ = static_cast<int32_t>(j);
      }
    }
  });
}

}  // namespace kernels
}  // namespace norse
