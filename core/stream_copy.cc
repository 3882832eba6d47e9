#include "core/stream_copy.h"

#include <algorithm>
#include <cstdint>

#if defined(__x86_64__) || defined(_M_X64)
#include <emmintrin.h>
#define NORSE_STREAMING_STORES 1
#else
#define NORSE_STREAMING_STORES 0
#endif

namespace norse {

void copy_streaming(const float* src, int64_t n, float* dst) {
#if NORSE_STREAMING_STORES
  int64_t k = 0;
  for (; k < n && (reinterpret_cast<uintptr_t>(dst + k) & 15) != 0; ++k) dst[k] = src[k];  // to 16 bytes
  for (; k + 4 <= n; k += 4) _mm_stream_ps(dst + k, _mm_loadu_ps(src + k));
  for (; k < n; ++k) dst[k] = src[k];
#else
  std::copy(src, src + n, dst);
#endif
}

void streaming_fence() {
#if NORSE_STREAMING_STORES
  _mm_sfence();
#endif
}

}  // namespace norse
