#include "core/stream_copy.h"

#include <algorithm>
#include <cstdint>

#include "core/cpu_features.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define NORSE_STREAMING_STORES 1
#else
#define NORSE_STREAMING_STORES 0
#endif

namespace norse {
namespace {
#if NORSE_STREAMING_STORES
// Whole 64-byte lines per store where the CPU has AVX-512: one store fills a line's
// write-combining buffer at once (the ConvNet4 conv1 LIF forward, T=32 B=32, ran 12.5/9.3,
// 10.7/8.6, 11.5/9.3 ms with 16-byte / 64-byte streaming stores).
__attribute__((target("avx512f"))) int64_t copy_lines_avx512(const float* src, int64_t n, float* dst) {
  int64_t k = 0;
  for (; k + 16 <= n; k += 16) _mm512_stream_ps(dst + k, _mm512_loadu_ps(src + k));
  return k;
}
// Half lines where it has only AVX2 (AMD before Zen 4).
__attribute__((target("avx2"))) int64_t copy_halves_avx2(const float* src, int64_t n, float* dst) {
  int64_t k = 0;
  for (; k + 8 <= n; k += 8) _mm256_stream_ps(dst + k, _mm256_loadu_ps(src + k));
  return k;
}
#endif
}  // namespace

bool worth_streaming(int64_t bytes) {
  if (bytes < kStreamingBytes) return false;
  (void)cpu_has_avx512();  // may throw (bad environment): here, not inside the threads
  (void)cpu_has_avx2_fma();
  return true;
}

void copy_streaming(const float* src, int64_t n, float* dst) {
#if NORSE_STREAMING_STORES
  const uintptr_t misaligned = reinterpret_cast<uintptr_t>(dst) & 63;
  if (cpu_has_avx512() && misaligned == 0) {
    const int64_t k = copy_lines_avx512(src, n, dst);
    src += k, dst += k, n -= k;
  } else if (cpu_has_avx2_fma() && (misaligned & 31) == 0) {
    const int64_t k = copy_halves_avx2(src, n, dst);
    src += k, dst += k, n -= k;
  }
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
