#include "core/cuda_tensor_ops.h"

#include "core/error.h"

namespace norse {
namespace {
const CudaTensorOps* g_cuda_tensor_ops = nullptr;
}  // namespace

void register_cuda_tensor_ops(const CudaTensorOps* ops) { g_cuda_tensor_ops = ops; }

const CudaTensorOps& cuda_tensor_ops(const char* op) {
  NORSE_CHECK(g_cuda_tensor_ops != nullptr, DeviceError, op,
              "the input is on cuda but this program does not link the CUDA tensor ops (build with --config=cuda and "
              "depend on //core:cuda_tensor_ops)");
  return *g_cuda_tensor_ops;
}

}  // namespace norse
