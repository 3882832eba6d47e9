#include "kernels/gemm.h"

#include <Eigen/Core>

namespace norse {
namespace kernels {

void gemm(bool transpose_a, bool transpose_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
          const float* b, float beta, float* c) {
  using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  using ConstMap = Eigen::Map<const RowMatrix>;
  Eigen::Map<RowMatrix> out(c, m, n);
  if (beta == 0.0f) {
    out.setZero();
  } else if (beta != 1.0f) {
    out *= beta;
  }
  if (k == 0 || alpha == 0.0f) return;
  // A row-major [K, M] matrix read transposed is op(A) = A^T without a copy.
  if (!transpose_a && !transpose_b) {
    out.noalias() += alpha * (ConstMap(a, m, k) * ConstMap(b, k, n));
  } else if (!transpose_a && transpose_b) {
    out.noalias() += alpha * (ConstMap(a, m, k) * ConstMap(b, n, k).transpose());
  } else if (transpose_a && !transpose_b) {
    out.noalias() += alpha * (ConstMap(a, k, m).transpose() * ConstMap(b, k, n));
  } else {
    out.noalias() += alpha * (ConstMap(a, k, m).transpose() * ConstMap(b, n, k).transpose());
  }
}

}  // namespace kernels
}  // namespace norse
