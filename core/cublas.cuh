// cuBLAS for the CUDA libraries: NORSE_CUBLAS_CHECK(call) throws norse::CudaError naming the call
// and cuBLAS's status string, and cuda::cublas_handle() is the process's one handle (created on
// first use, on the default stream, in pedantic FP32 math: no TF32, so GPU GEMMs agree with the
// CPU's to float rounding). Defined in //core:cuda_tensor_ops. For .cu files only.
#ifndef NORSE_CORE_CUBLAS_CUH_
#define NORSE_CORE_CUBLAS_CUH_

#include <cublas_v2.h>

#include "core/error.h"

#define NORSE_CUBLAS_CHECK(call)                                                                     \
  do {                                                                                               \
    const cublasStatus_t norse_cublas_status_ = (call);                                              \
    if (norse_cublas_status_ != CUBLAS_STATUS_SUCCESS) {                                             \
      throw ::norse::CudaError(::norse::str_cat(#call, " failed at ", __FILE__, ":", __LINE__, ": ", \
                                                cublasGetStatusString(norse_cublas_status_)));       \
    }                                                                                                \
  } while (false)

namespace norse {
namespace cuda {

cublasHandle_t cublas_handle();

}  // namespace cuda
}  // namespace norse

#endif  // NORSE_CORE_CUBLAS_CUH_
