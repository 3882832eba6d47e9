// What this process can see of CUDA: device count and names, with every runtime call checked.
// Only in builds with --config=cuda (target //core:cuda_runtime). The header itself needs no
// CUDA headers, so C++ code can call it without nvcc.
#ifndef NORSE_CORE_CUDA_RUNTIME_H_
#define NORSE_CORE_CUDA_RUNTIME_H_

#include <string>

namespace norse {
namespace cuda {

// Number of usable CUDA devices; 0 when there is no driver or no device (never throws for
// that: "no GPU" is an answer, not an error). `reason` receives the CUDA error text then.
int device_count(std::string* reason = nullptr);

// "NVIDIA H200 (sm_90, 139 GiB)". Throws CudaError if the query fails.
std::string device_description(int device);

// Runs a tiny saxpy kernel on `device` and returns the max abs error against the host result:
// proves that kernels launch and memory round-trips. Throws CudaError on any CUDA failure.
float self_test(int device);

}  // namespace cuda
}  // namespace norse

#endif  // NORSE_CORE_CUDA_RUNTIME_H_
