// The body of one gemm_tile_<isa> variant (core/gemm_tile.h). Included once by each
// gemm_tile_<isa>.cc after <Eigen/Core> (the file includes Eigen itself, after renaming its
// namespace where it does) and NORSE_GEMM_TILE_NAME. No include guard on purpose: one inclusion
// per file.
#include "core/gemm_tile.h"

namespace norse {
namespace detail {
namespace {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ColMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>;
template <typename M>
using ConstMap = Eigen::Map<const M, 0, Eigen::OuterStride<>>;
using OutMap = Eigen::Map<RowMatrix, 0, Eigen::OuterStride<>>;

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

}  // namespace

void NORSE_GEMM_TILE_NAME(int64_t m, int64_t k, int64_t n, float alpha, const GemmOperand& a, const GemmOperand& b,
                          float* c, int64_t ldc, bool accumulate) {
  // This copy of Eigen single-threaded, once: a tile must compute the same way whether it runs
  // inside a thread team or alone (each renamed Eigen has its own thread setting).
  static const bool eigen_serial = (Eigen::setNbThreads(1), true);
  (void)eigen_serial;
  if (!a.column_major && !b.column_major) {
    product<RowMatrix, RowMatrix>(m, k, n, alpha, a.data, a.outer_stride, b.data, b.outer_stride, c, ldc, accumulate);
  } else if (!a.column_major) {
    product<RowMatrix, ColMatrix>(m, k, n, alpha, a.data, a.outer_stride, b.data, b.outer_stride, c, ldc, accumulate);
  } else if (!b.column_major) {
    product<ColMatrix, RowMatrix>(m, k, n, alpha, a.data, a.outer_stride, b.data, b.outer_stride, c, ldc, accumulate);
  } else {
    product<ColMatrix, ColMatrix>(m, k, n, alpha, a.data, a.outer_stride, b.data, b.outer_stride, c, ldc, accumulate);
  }
}

}  // namespace detail
}  // namespace norse
