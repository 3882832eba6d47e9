// A caching allocator over cudaMalloc (no managed memory): freed blocks are kept, keyed by
// their rounded size, and handed to the next request of that size, so training loops do not
// pay cudaMalloc/cudaFree (which synchronise the device) on every batch. cudaMalloc is called
// only on a miss; when it reports out-of-memory, the cache is released and the call retried
// once, and a second failure throws CudaError naming the call, the size and the statistics.
//
// Sizes round up to a multiple of 512 bytes below 1 MiB and of 2 MiB above (fewer distinct
// sizes, more reuse). Blocks are reused in stream order on the default stream: a block freed
// while a kernel still reads it is only handed to work enqueued after that kernel. Thread-safe.
// The header needs no CUDA headers. Only in builds with --config=cuda (//core:cuda_runtime).
#ifndef NORSE_CORE_CUDA_ALLOCATOR_H_
#define NORSE_CORE_CUDA_ALLOCATOR_H_

#include <cstddef>
#include <cstdint>

namespace norse {
namespace cuda {

struct AllocatorStats {
  size_t bytes_in_use = 0;       // handed out and not yet freed (rounded sizes)
  size_t peak_bytes_in_use = 0;  // the maximum of bytes_in_use since start (or reset_peak)
  size_t bytes_cached = 0;       // freed, kept for reuse
  int64_t device_mallocs = 0;    // cudaMalloc calls made
  int64_t cache_hits = 0;        // requests served from the cache
};

// `bytes` == 0 returns nullptr. Throws CudaError when the device has no room even after the
// cache was released.
void* device_alloc(size_t bytes);
// Returns a block to the cache. nullptr is ignored; a pointer not from device_alloc throws
// InvalidArgument.
void device_free(void* ptr);
// The size a request is rounded to.
size_t rounded_size(size_t bytes);

AllocatorStats allocator_stats();
void reset_peak_bytes_in_use();
// cudaFree every cached block (blocks in use stay).
void empty_cache();

}  // namespace cuda
}  // namespace norse

#endif  // NORSE_CORE_CUDA_ALLOCATOR_H_
