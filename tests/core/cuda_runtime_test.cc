// CUDA smoke test: a kernel launches and memory round-trips. Skipped, with the reason, where
// the process sees no CUDA device (e.g. this project's CI), never reported as passed.
#include <catch2/catch.hpp>

#include <string>

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
