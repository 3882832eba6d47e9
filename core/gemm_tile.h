// The single-threaded tile product behind gemm_cpu (core/gemm_cpu.cc), compiled with the build's
// flags and once more for AVX2 + FMA, so that the portable (SSE2) build still multiplies with
// 256-bit vectors where the CPU has them. Internal to core: callers use gemm_cpu.
//
// Each variant is core/gemm_tile_impl.h compiled with its own flags and its own copy of Eigen:
// the file renames Eigen's namespace first (`#define Eigen norse_eigen_<isa>`), because Eigen's
// templates instantiated under different flags would otherwise share their (mangled) names and
// the linker would keep one of them for all: AVX2 code reached from the generic path.
#ifndef NORSE_CORE_GEMM_TILE_H_
#define NORSE_CORE_GEMM_TILE_H_

#include <cstdint>

#include "core/gemm_cpu.h"

namespace norse {
namespace detail {

// C[m, n] (row-major, ldc) = or += alpha * A[m, k] @ B[k, n], A and B as GemmOperand says,
// starting at their first elements; one thread.
using GemmTileFn = void (*)(int64_t m, int64_t k, int64_t n, float alpha, const GemmOperand& a, const GemmOperand& b,
                            float* c, int64_t ldc, bool accumulate);

void gemm_tile_generic(int64_t m, int64_t k, int64_t n, float alpha, const GemmOperand& a, const GemmOperand& b,
                       float* c, int64_t ldc, bool accumulate);
#if defined(__x86_64__)
void gemm_tile_avx2(int64_t m, int64_t k, int64_t n, float alpha, const GemmOperand& a, const GemmOperand& b, float* c,
                    int64_t ldc, bool accumulate);
#endif

}  // namespace detail
}  // namespace norse

#endif  // NORSE_CORE_GEMM_TILE_H_
