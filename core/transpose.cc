#include "core/transpose.h"

#include <algorithm>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

#include "core/parallel.h"

namespace norse {
namespace {
// One kBlock x kBlock block: s (row stride ss) -> d (row stride ds) transposed, in registers.
// Scalar stores to dst's columns were the whole cost: a strided store per float.
#if defined(__AVX__)
constexpr int64_t kBlock = 8;
inline void transpose_block(const float* s, int64_t ss, float* d, int64_t ds) {
  __m256 r[8], t[8];
  for (int k = 0; k < 8; ++k) r[k] = _mm256_loadu_ps(s + k * ss);
  for (int k = 0; k < 8; k += 2) {
    t[k] = _mm256_unpacklo_ps(r[k], r[k + 1]);
    t[k + 1] = _mm256_unpackhi_ps(r[k], r[k + 1]);
  }
  for (int k = 0; k < 8; k += 4) {
    r[k] = _mm256_shuffle_ps(t[k], t[k + 2], _MM_SHUFFLE(1, 0, 1, 0));
    r[k + 1] = _mm256_shuffle_ps(t[k], t[k + 2], _MM_SHUFFLE(3, 2, 3, 2));
    r[k + 2] = _mm256_shuffle_ps(t[k + 1], t[k + 3], _MM_SHUFFLE(1, 0, 1, 0));
    r[k + 3] = _mm256_shuffle_ps(t[k + 1], t[k + 3], _MM_SHUFFLE(3, 2, 3, 2));
  }
  for (int k = 0; k < 4; ++k) {
    _mm256_storeu_ps(d + k * ds, _mm256_permute2f128_ps(r[k], r[k + 4], 0x20));
    _mm256_storeu_ps(d + (k + 4) * ds, _mm256_permute2f128_ps(r[k], r[k + 4], 0x31));
  }
}
#elif defined(__SSE2__)
constexpr int64_t kBlock = 4;
inline void transpose_block(const float* s, int64_t ss, float* d, int64_t ds) {
  __m128 r0 = _mm_loadu_ps(s), r1 = _mm_loadu_ps(s + ss), r2 = _mm_loadu_ps(s + 2 * ss), r3 = _mm_loadu_ps(s + 3 * ss);
  _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
  _mm_storeu_ps(d, r0);
  _mm_storeu_ps(d + ds, r1);
  _mm_storeu_ps(d + 2 * ds, r2);
  _mm_storeu_ps(d + 3 * ds, r3);
}
#else
constexpr int64_t kBlock = 1;
inline void transpose_block(const float* s, int64_t, float* d, int64_t) { *d = *s; }
#endif
}  // namespace

void transpose_matrix(const float* src, int64_t rows, int64_t cols, float* dst) {
  constexpr int64_t kTile = 64;
  // Rows [r0, r1) of src: whole blocks in registers, the ragged edges element by element.
  const auto tile_rows = [&](int64_t r0, int64_t r1) {
    for (int64_t c0 = 0; c0 < cols; c0 += kTile) {
      const int64_t c1 = std::min(cols, c0 + kTile);
      int64_t r = r0;
      for (; r + kBlock <= r1; r += kBlock) {
        int64_t c = c0;
        for (; c + kBlock <= c1; c += kBlock) transpose_block(src + r * cols + c, cols, dst + c * rows + r, rows);
        for (; c < c1; ++c) {
          for (int64_t k = 0; k < kBlock; ++k) dst[c * rows + r + k] = src[(r + k) * cols + c];
        }
      }
      for (; r < r1; ++r) {
        for (int64_t c = c0; c < c1; ++c) dst[c * rows + r] = src[r * cols + c];
      }
    }
  };
  // Small matrices (the per-sample ones, called inside the kernels' parallel loops) directly.
  if (rows * cols <= kTile * kTile * 16) {
    tile_rows(0, rows);
    return;
  }
  parallel_for((rows + kTile - 1) / kTile, 1, [&](int64_t begin, int64_t end) {
    for (int64_t t = begin; t < end; ++t) tile_rows(t * kTile, std::min(rows, (t + 1) * kTile));
  });
}

}  // namespace norse
