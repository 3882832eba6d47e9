// The one CPU matrix product of the library: matmul, Linear, conv2d and both of its gradients,
// and the recurrent loops (through kernels/gemm.h) all run it.
//
//   C[M, N] (row-major, leading dimension ldc)  =  alpha * A[M, K] @ B[K, N]   (accumulate = false)
//                                               +=  alpha * A[M, K] @ B[K, N]   (accumulate = true)
//
// A and B may each be row- or column-major with any outer stride (a transposed view is read in
// place). Bitwise deterministic for any thread count: the output is cut into fixed tiles of
// kGemmTile rows, or columns when N > M, that depend on the shape only; each tile is one
// single-threaded Eigen product (core/gemm_tile.h) and threads (parallel_for) take whole tiles. Eigen's own
// multithreaded GEMM is never used: its blocking, and so its rounding, depends on the number of
// threads (measured: 64x800x4096 differs between 1 and 2 threads), which made a training run
// depend on --threads. Speed on 2 cores (//kernels:gemm_benchmark, AMD EPYC, 2026-11-30): within
// 10% of Eigen's threading on the MNIST shapes, 7x faster on conv1's flat one (32x25x589824).
#ifndef NORSE_CORE_GEMM_CPU_H_
#define NORSE_CORE_GEMM_CPU_H_

#include <cstdint>
#include <string>

namespace norse {

// Output rows (or columns) per tile: 128, 256 and 512 were timed within 10% of each other on the
// MNIST task's shapes (a one-off comparison, not kept as a benchmark); 256 keeps a tile's
// re-packing of the other operand under ~5% of its work.
constexpr int64_t kGemmTile = 256;

struct GemmOperand {
  const float* data = nullptr;
  int64_t outer_stride = 0;  // distance between rows (row-major) or columns (column-major)
  bool column_major = false;
};

void gemm_cpu(int64_t m, int64_t k, int64_t n, float alpha, const GemmOperand& a, const GemmOperand& b, float* c,
              int64_t ldc, bool accumulate);

// Whether gemm_cpu cuts C [m, n] into tiles of kGemmTile columns (else of kGemmTile rows).
inline bool gemm_cpu_tiles_columns(int64_t m, int64_t n) { return n > m; }

// One tile's product on the calling thread, the same Eigen product (and so the same bits) that
// gemm_cpu computes for each of its tiles: a caller that cuts C as gemm_cpu does can use each
// tile while it is in cache instead of writing the whole product out first (conv2d's input
// gradient adds each tile of columns into the image, col2im, right away). k >= 1. Inside a
// parallel loop, call gemm_isa() before it (the first call reads NORSE_GEMM_ISA and may throw).
void gemm_cpu_tile(int64_t m, int64_t k, int64_t n, float alpha, const GemmOperand& a, const GemmOperand& b, float* c,
                   int64_t ldc, bool accumulate);

// The tiles' instruction set. Every x86-64 build carries an AVX2+FMA variant of the tile product
// beside the one built with the build's own flags ("generic": SSE2 in the portable build, all the
// CPU has with --config=native), and uses AVX2 where the CPU has it and the build's own flags are
// narrower. Results differ between the two in the last bits (FMA, the blocking), never between
// thread counts; pin one (set_gemm_isa or NORSE_GEMM_ISA) to reproduce bits on another machine.
// (An AVX-512 variant was measured 1.1x faster on the MNIST step but is not built: see
// docs/benchmarks.md.)
enum class GemmIsa { kGeneric, kAvx2 };
const char* gemm_isa_name(GemmIsa isa);  // "generic", "avx2"
// The inverse; throws InvalidArgument naming the value for any other name.
GemmIsa gemm_isa_from_name(const std::string& name);
// Whether this build has the variant and this CPU (and OS) can run it.
bool gemm_isa_available(GemmIsa isa);
// The one in use: set_gemm_isa's, else the environment variable NORSE_GEMM_ISA (generic or avx2),
// else avx2 where available and the build's own flags lack it, else generic. An unknown or
// unavailable NORSE_GEMM_ISA throws InvalidArgument (on the first product).
GemmIsa gemm_isa();
// Pins the instruction set; throws InvalidArgument when it is not available.
void set_gemm_isa(GemmIsa isa);

}  // namespace norse

#endif  // NORSE_CORE_GEMM_CPU_H_
