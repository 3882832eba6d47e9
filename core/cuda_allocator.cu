#include "core/cuda_allocator.h"

#include <map>
#include <mutex>
#include <unordered_map>

#include "core/cuda_check.cuh"

namespace norse {
namespace cuda {
namespace {

constexpr size_t kSmallRound = 512, kLargeRound = size_t{2} << 20, kLargeThreshold = size_t{1} << 20;

struct Cache {
  std::mutex mutex;
  std::multimap<size_t, void*> free_blocks;  // rounded size -> block
  std::unordered_map<void*, size_t> live;    // block -> rounded size
  AllocatorStats stats;
};

Cache& cache() {
  static Cache* c = new Cache();  // never destroyed: blocks may be freed during static teardown
  return *c;
}

// Frees every cached block; the caller holds the mutex.
void release_cached(Cache& c) {
  for (auto& [size, ptr] : c.free_blocks) {
    cudaFree(ptr);
    c.stats.bytes_cached -= size;
  }
  c.free_blocks.clear();
}

}  // namespace

size_t rounded_size(size_t bytes) {
  const size_t unit = bytes < kLargeThreshold ? kSmallRound : kLargeRound;
  return (bytes + unit - 1) / unit * unit;
}

void* device_alloc(size_t bytes) {
  if (bytes == 0) return nullptr;
  const size_t size = rounded_size(bytes);
  Cache& c = cache();
  std::lock_guard<std::mutex> lock(c.mutex);
  void* ptr = nullptr;
  auto it = c.free_blocks.find(size);
  if (it != c.free_blocks.end()) {
    ptr = it->second;
    c.free_blocks.erase(it);
    c.stats.bytes_cached -= size;
    ++c.stats.cache_hits;
  } else {
    cudaError_t status = cudaMalloc(&ptr, size);
    if (status == cudaErrorMemoryAllocation) {
      cudaGetLastError();  // clear, release the cache, try once more
      release_cached(c);
      status = cudaMalloc(&ptr, size);
    }
    if (status != cudaSuccess) {
      cudaGetLastError();
      throw CudaError(str_cat("cudaMalloc(", size, " bytes) failed: ", cudaGetErrorString(status), " (in use ",
                              c.stats.bytes_in_use, " bytes, cached ", c.stats.bytes_cached, " bytes)"));
    }
    ++c.stats.device_mallocs;
  }
  c.live.emplace(ptr, size);
  c.stats.bytes_in_use += size;
  if (c.stats.bytes_in_use > c.stats.peak_bytes_in_use) c.stats.peak_bytes_in_use = c.stats.bytes_in_use;
  return ptr;
}

void device_free(void* ptr) {
  if (ptr == nullptr) return;
  Cache& c = cache();
  std::lock_guard<std::mutex> lock(c.mutex);
  auto it = c.live.find(ptr);
  NORSE_CHECK(it != c.live.end(), InvalidArgument, "cuda::device_free", "pointer ", ptr,
              " was not allocated by cuda::device_alloc (or was freed twice)");
  const size_t size = it->second;
  c.live.erase(it);
  c.stats.bytes_in_use -= size;
  c.free_blocks.emplace(size, ptr);
  c.stats.bytes_cached += size;
}

AllocatorStats allocator_stats() {
  Cache& c = cache();
  std::lock_guard<std::mutex> lock(c.mutex);
  return c.stats;
}

void reset_peak_bytes_in_use() {
  Cache& c = cache();
  std::lock_guard<std::mutex> lock(c.mutex);
  c.stats.peak_bytes_in_use = c.stats.bytes_in_use;
}

void empty_cache() {
  Cache& c = cache();
  std::lock_guard<std::mutex> lock(c.mutex);
  NORSE_CUDA_CHECK(cudaDeviceSynchronize());  // no kernel may still use a block being returned
  release_cached(c);
}

}  // namespace cuda
}  // namespace norse
