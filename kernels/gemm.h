// C = alpha * op(A) @ op(B) + beta * C on row-major raw pointers, through Eigen's GEMM (the CPU
// counterpart of cuBLAS for the kernels). op(X) is X or X^T. Shapes: op(A) [M, K], op(B) [K, N],
// C [M, N]. Deterministic for any thread count.
#ifndef NORSE_KERNELS_GEMM_H_
#define NORSE_KERNELS_GEMM_H_

#include <cstdint>

namespace norse {
namespace kernels {

void gemm(bool transpose_a, bool transpose_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
          const float* b, float beta, float* c);

}  // namespace kernels
}  // namespace norse

#endif  // NORSE_KERNELS_GEMM_H_
