// How the CPU-only core reaches CUDA memory without depending on CUDA: the CUDA library
// (//core:cuda_runtime, linked with --config=cuda) registers these functions at start-up;
// without it, none are registered and asking for a CUDA tensor throws DeviceError saying how to
// build with CUDA.
#ifndef NORSE_CORE_DEVICE_HOOKS_H_
#define NORSE_CORE_DEVICE_HOOKS_H_

#include <cstddef>
#include <cstdint>

namespace norse {

enum class CopyKind { kHostToDevice, kDeviceToHost, kDeviceToDevice };

struct CudaHooks {
  void* (*alloc)(size_t bytes);                                           // throws CudaError on failure
  void (*free)(void* ptr);                                                // must not throw
  void (*copy)(void* dst, const void* src, size_t bytes, CopyKind kind);  // synchronous; throws CudaError
  // Device-to-device copy between strided views of `rank` dimensions (at most 8) of `shape`:
  // element k (row-major) goes from src[offset by src_strides] to dst[offset by dst_strides].
  // Stream-ordered (asynchronous); the views must not overlap.
  void (*copy_strided)(float* dst, const int64_t* dst_strides, const float* src, const int64_t* src_strides,
                       const int64_t* shape, int rank);
  // Sets every element of a strided device view to `value` (stream-ordered).
  void (*fill)(float* dst, const int64_t* strides, const int64_t* shape, int rank, float value);
};

// Registers the CUDA backend (called once by //core:cuda_runtime's static initialiser).
void register_cuda_hooks(const CudaHooks& hooks);
// The registered hooks, or nullptr in a build without CUDA.
const CudaHooks* cuda_hooks();

}  // namespace norse

#endif  // NORSE_CORE_DEVICE_HOOKS_H_
