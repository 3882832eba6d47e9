#include "core/gemm_cpu.h"

#include <algorithm>

#include <Eigen/Core>

#include "core/parallel.h"

namespace norse {
namespace {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ColMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>;
template <typename M>
using ConstMap = Eigen::Map<const M, 0, Eigen::OuterStride<>>;
using OutMap = Eigen::Map<RowMatrix, 0, Eigen::OuterStride<>>;

// Element (r, c) of an operand.
const float* at(const GemmOperand& x, int64_t r, int64_t c) {
  return x.column_major ? x.data + c * x.outer_stride + r : x.data + r * x.outer_stride + c;
}

template <typename MA, typename MB>
void product(int64_t m, int64_t k, int64_t n, float alpha, const float* a, int64_t lda, const float* b, int64_t ldb,
             float* c, int64_t ldc, bool accumulate) {
  OutMap out(c, m, n, Eigen::OuterStride<>(ldc));
  const ConstMap<MA> ma(a, m, k, Eigen::OuterStride<>(lda));
  const ConstMap<MB> mb(b, k, n, Eigen::OuterStride<>(ldb));
  if (accumulate) {
    out.noalias() += alpha * (ma * mb);
  } else {
    out.noalias() = alpha * (ma * mb);
  }
}

// One tile: rows [r0, r1) and columns [c0, c1) of C, single-threaded.
void tile(int64_t r0, int64_t r1, int64_t c0, int64_t c1, int64_t k, float alpha, const GemmOperand& a,
          const GemmOperand& b, float* c, int64_t ldc, bool accumulate) {
  const int64_t m = r1 - r0, n = c1 - c0;
  const float* pa = at(a, r0, 0);
  const float* pb = at(b, 0, c0);
  float* pc = c + r0 * ldc + c0;
  if (!a.column_major && !b.column_major) {
    product<RowMatrix, RowMatrix>(m, k, n, alpha, pa, a.outer_stride, pb, b.outer_stride, pc, ldc, accumulate);
  } else if (!a.column_major) {
    product<RowMatrix, ColMatrix>(m, k, n, alpha, pa, a.outer_stride, pb, b.outer_stride, pc, ldc, accumulate);
  } else if (!b.column_major) {
    product<ColMatrix, RowMatrix>(m, k, n, alpha, pa, a.outer_stride, pb, b.outer_stride, pc, ldc, accumulate);
  } else {
    product<ColMatrix, ColMatrix>(m, k, n, alpha, pa, a.outer_stride, pb, b.outer_stride, pc, ldc, accumulate);
  }
}

}  // namespace

void gemm_cpu(int64_t m, int64_t k, int64_t n, float alpha, const GemmOperand& a, const GemmOperand& b, float* c,
              int64_t ldc, bool accumulate) {
  // Eigen single-threaded, once for the process: every product here is one tile, and a tile
  // must compute the same way whether it runs inside a thread team or alone.
  static const bool eigen_serial = (Eigen::setNbThreads(1), true);
  (void)eigen_serial;
  if (m <= 0 || n <= 0) return;
  if (k == 0) {
    if (!accumulate) {
      for (int64_t r = 0; r < m; ++r) std::fill(c + r * ldc, c + r * ldc + n, 0.0f);
    }
    return;
  }
  const bool by_rows = m >= n;
  const int64_t length = by_rows ? m : n;
  const int64_t tiles = (length + kGemmTile - 1) / kGemmTile;
  parallel_for(tiles, 1, [&](int64_t begin, int64_t end) {
    for (int64_t t = begin; t < end; ++t) {
      const int64_t lo = t * kGemmTile, hi = std::min(length, lo + kGemmTile);
      if (by_rows) {
        tile(lo, hi, 0, n, k, alpha, a, b, c, ldc, accumulate);
      } else {
        tile(0, m, lo, hi, k, alpha, a, b, c, ldc, accumulate);
      }
    }
  });
}

}  // namespace norse
