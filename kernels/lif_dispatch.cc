#include "kernels/lif_dispatch.h"

namespace norse {
namespace kernels {
namespace lif {
namespace {
const CudaEntryPoints* g_entry_points = nullptr;
}  // namespace

void register_cuda_entry_points(const CudaEntryPoints& entry_points) {
  static CudaEntryPoints stored;
  stored = entry_points;
  g_entry_points = &stored;
}

const CudaEntryPoints* cuda_entry_points() { return g_entry_points; }

}  // namespace lif
}  // namespace kernels
}  // namespace norse
