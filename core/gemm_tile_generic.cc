// The tile product with the build's own flags (SSE2 in the portable build, everything the CPU
// has with --config=native) and the library's one Eigen.
#define NORSE_GEMM_TILE_NAME gemm_tile_generic
#include <Eigen/Core>

#include "core/gemm_tile_impl.h"  // NOLINT(build/include_order): after Eigen, as it says
