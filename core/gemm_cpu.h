// The one CPU matrix product of the library: matmul, Linear, conv2d and both of its gradients,
// and the recurrent loops (through kernels/gemm.h) all run it.
//
//   C[M, N] (row-major, leading dimension ldc)  =  alpha * A[M, K] @ B[K, N]   (accumulate = false)
//                                               +=  alpha * A[M, K] @ B[K, N]   (accumulate = true)
//
// A and B may each be row- or column-major with any outer stride (a transposed view is read in
// place). Bitwise deterministic for any thread count: the output is cut into fixed tiles of
// kGemmTile rows, or columns when N > M, that depend on the shape only; each tile is one
// single-threaded Eigen product and threads (parallel_for) take whole tiles. Eigen's own
// multithreaded GEMM is never used: its blocking, and so its rounding, depends on the number of
// threads (measured: 64x800x4096 differs between 1 and 2 threads), which made a training run
// depend on --threads. On 2 cores the tiles are also faster than Eigen's threading
// (64x800x4096: 1.9 ms against 4.7 ms; 512x1024x1024: 4.0 against 4.7 ms; AMD EPYC, -march=native).
#ifndef NORSE_CORE_GEMM_CPU_H_
#define NORSE_CORE_GEMM_CPU_H_

#include <cstdint>

namespace norse {

// Output rows (or columns) per tile: 128-512 measured within 10% of each other on the MNIST
// task's shapes; 256 keeps a tile's re-packing of the other operand under ~5% of its work.
constexpr int64_t kGemmTile = 256;

struct GemmOperand {
  const float* data = nullptr;
  int64_t outer_stride = 0;   // distance between rows (row-major) or columns (column-major)
  bool column_major = false;
};

void gemm_cpu(int64_t m, int64_t k, int64_t n, float alpha, const GemmOperand& a, const GemmOperand& b, float* c,
              int64_t ldc, bool accumulate);

}  // namespace norse

#endif  // NORSE_CORE_GEMM_CPU_H_
