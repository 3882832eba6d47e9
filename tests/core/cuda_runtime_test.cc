// CUDA smoke test: a kernel launches and memory round-trips. Skipped, with the reason, where
// the process sees no CUDA device (e.g. this project's CI), never reported as passed.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/cuda_allocator.h"
#include "core/cuda_runtime.h"
#include "core/error.h"
#include "tests/testing/skip.h"

TEST_CASE("CUDA: a saxpy kernel matches the host result", "[cuda]") {
  std::string reason;
  if (norse::cuda::device_count(&reason) == 0) NORSE_SKIP("no CUDA device: " + reason);
  INFO(norse::cuda::device_description(0));
  REQUIRE(norse::cuda::self_test(0) == 0.0f);
}

TEST_CASE("CUDA: a failing runtime call becomes a CudaError naming the call", "[cuda]") {
  std::string reason;
  if (norse::cuda::device_count(&reason) == 0) NORSE_SKIP("no CUDA device: " + reason);
  REQUIRE_THROWS_AS(norse::cuda::device_description(999), norse::CudaError);
  REQUIRE_THROWS_WITH(norse::cuda::device_description(999), Catch::Contains("cudaGetDeviceProperties"));
}

TEST_CASE("CUDA caching allocator: reuse, statistics, release, errors", "[cuda][allocator]") {
  std::string reason;
  if (norse::cuda::device_count(&reason) == 0) NORSE_SKIP("no CUDA device: " + reason);
  using namespace norse::cuda;
  empty_cache();
  const AllocatorStats before = allocator_stats();
  REQUIRE(rounded_size(1) == 512);
  REQUIRE(rounded_size(513) == 1024);
  REQUIRE(rounded_size((size_t{1} << 20) + 1) == (size_t{2} << 20));
  void* a = device_alloc(3 << 20);  // rounds to 4 MiB
  AllocatorStats s = allocator_stats();
  REQUIRE(s.bytes_in_use == before.bytes_in_use + (4 << 20));
  REQUIRE(s.device_mallocs == before.device_mallocs + 1);
  device_free(a);
  s = allocator_stats();
  REQUIRE(s.bytes_in_use == before.bytes_in_use);
  REQUIRE(s.bytes_cached == before.bytes_cached + (4 << 20));
  void* b = device_alloc((4 << 20) - 100);  // the same rounded size: served from the cache
  REQUIRE(b == a);
  s = allocator_stats();
  REQUIRE(s.cache_hits == before.cache_hits + 1);
  REQUIRE(s.device_mallocs == before.device_mallocs + 1);
  REQUIRE(s.peak_bytes_in_use >= s.bytes_in_use);
  device_free(b);
  empty_cache();
  REQUIRE(allocator_stats().bytes_cached == 0);
  REQUIRE(device_alloc(0) == nullptr);
  int not_device = 0;
  REQUIRE_THROWS_WITH(device_free(&not_device), Catch::Contains("not allocated by cuda::device_alloc"));
  // A request no device can hold: a CudaError naming cudaMalloc and the size.
  REQUIRE_THROWS_WITH(device_alloc(size_t{1} << 50), Catch::Contains("cudaMalloc") && Catch::Contains("bytes"));
  // DeviceBuffer goes through the allocator and round-trips its contents.
  const std::vector<float> host = {1.0f, 2.0f, 3.0f};
  const DeviceBuffer buf(host);
  REQUIRE(buf.download() == host);
  REQUIRE(allocator_stats().bytes_in_use >= 512);
}
