// The tile product for CPUs with AVX2 and FMA (built with -mavx2 -mfma; chosen at run time).
#if !defined(__AVX2__) || !defined(__FMA__)
#error "gemm_tile_avx2.cc must be compiled with -mavx2 -mfma (core/BUILD)"
#endif
#define Eigen norse_eigen_avx2  // this file's own Eigen (core/gemm_tile.h says why)
#define NORSE_GEMM_TILE_NAME gemm_tile_avx2
#include <Eigen/Core>

#include "core/gemm_tile_impl.h"  // NOLINT(build/include_order): after Eigen, as it says
