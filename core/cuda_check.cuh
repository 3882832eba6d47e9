// NORSE_CUDA_CHECK(call): throws norse::CudaError naming the call, file, line and the CUDA
// error string when a runtime call fails (STYLE.md section 7). For .cu files only.
#ifndef NORSE_CORE_CUDA_CHECK_CUH_
#define NORSE_CORE_CUDA_CHECK_CUH_

#include <cuda_runtime.h>

#include "core/error.h"

#define NORSE_CUDA_CHECK(call)                                                                                       \
  do {                                                                                                               \
    const cudaError_t norse_status_ = (call);                                                                        \
    if (norse_status_ != cudaSuccess) {                                                                              \
      throw ::norse::CudaError(                                                                                      \
          ::norse::str_cat(#call, " failed at ", __FILE__, ":", __LINE__, ": ", cudaGetErrorString(norse_status_))); \
    }                                                                                                                \
  } while (false)

#endif  // NORSE_CORE_CUDA_CHECK_CUH_
