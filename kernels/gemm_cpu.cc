#include "kernels/gemm.h"

#include <algorithm>

#include "core/gemm_cpu.h"

namespace norse {
namespace kernels {

void gemm(bool transpose_a, bool transpose_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
          const float* b, float beta, float* c) {
  if (beta != 1.0f && beta != 0.0f) {
    for (int64_t e = 0; e < m * n; ++e) c[e] *= beta;
  }
  if (k == 0 || alpha == 0.0f) {
    if (beta == 0.0f) std::fill(c, c + m * n, 0.0f);
    return;
  }
  // A row-major [K, M] matrix read transposed is a column-major [M, K] one: no copy.
  const GemmOperand op_a{a, transpose_a ? m : k, transpose_a};
  const GemmOperand op_b{b, transpose_b ? k : n, transpose_b};
  gemm_cpu(m, k, n, alpha, op_a, op_b, c, n, beta != 0.0f);
}

}  // namespace kernels
}  // namespace norse
