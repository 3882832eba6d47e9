// CUDA tensors: memory from the caching allocator through the core's device hooks, copies
// between devices, and clear errors where host code meets a cuda tensor. Skipped, with the
// reason, where the process sees no CUDA device.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/core.h"
#include "core/cuda_allocator.h"
#include "core/cuda_runtime.h"
#include "tests/testing/gpu.h"
#include "tests/testing/skip.h"

using namespace norse;

TEST_CASE("CUDA tensors: round trips, device copies, allocator accounting", "[cuda][tensor]") {
  NORSE_REQUIRE_GPU();
  const Tensor host = from_vector({1.0f, -2.0f, 3.5f, 0.25f, 5.0f, 6.0f}, {2, 3});
  const size_t in_use_before = cuda::allocator_stats().bytes_in_use;
  {
    const Tensor dev = host.to(Device::kCUDA);
    REQUIRE(dev.device() == Device::kCUDA);
    REQUIRE(dev.shape() == host.shape());
    REQUIRE(cuda::allocator_stats().bytes_in_use > in_use_before);
    REQUIRE(dev.to(Device::kCPU).to_vector() == host.to_vector());
    REQUIRE(dev.to_vector() == host.to_vector());  // reads through a host copy
    REQUIRE(dev.to(Device::kCUDA).shares_storage_with(dev));
    const Tensor copy = dev.clone();  // device to device
    REQUIRE_FALSE(copy.shares_storage_with(dev));
    REQUIRE(copy.to_vector() == host.to_vector());
    // A non-contiguous host view goes over as its row-major elements.
    REQUIRE(host.transpose(0, 1).to(Device::kCUDA).to_vector() == host.transpose(0, 1).contiguous().to_vector());
    REQUIRE(dev.slice(1, 2, 3).select(0, 0).item() == 3.5f);
    REQUIRE(dev.to_string().find("device=cuda") != std::string::npos);
  }
  REQUIRE(cuda::allocator_stats().bytes_in_use == in_use_before);  // freed back to the cache
}

TEST_CASE("CUDA tensors: host code refuses them with a message", "[cuda][tensor][errors]") {
  NORSE_REQUIRE_GPU();
  Tensor dev = ones({4}).to(Device::kCUDA);
  REQUIRE_THROWS_AS(dev.data(), DeviceError);
  REQUIRE_THROWS_WITH(dev.data(), Catch::Contains("on cuda") && Catch::Contains("to(Device::kCPU)"));
  REQUIRE_THROWS_AS(dev.at({0}), DeviceError);
  // Without //core:cuda_tensor_ops linked (this test does not link it) the math refuses cuda
  // inputs with a message naming the op and the library, never reading device memory.
  REQUIRE_THROWS_WITH(exp(dev), Catch::Contains("exp") && Catch::Contains("//core:cuda_tensor_ops"));
  REQUIRE_THROWS_WITH(add(ones({4}), dev), Catch::Contains("different devices"));
  REQUIRE_THROWS_AS(matmul(ones({4, 4}), ones({4, 4}).to(Device::kCUDA)), DeviceError);
  REQUIRE(dev.device_data() != nullptr);
}
