// The NCCL communicator on a real GPU (--config=cuda; SKIPPED without a device): a one-rank
// communicator (a machine with one GPU cannot hold two NCCL ranks) reduces and broadcasts cuda
// memory, and DataParallel over it leaves cuda gradients as backward gives them. The two-rank
// NCCL path needs two GPUs and has not run (docs/distributed.md).
#include <catch2/catch.hpp>

#include "core/core.h"
#include "distributed/data_parallel.h"
#include "models/layers.h"
#include "tests/testing/gpu.h"
#include "tests/testing/skip.h"

using namespace norse;

TEST_CASE("NCCL reduces cuda memory and DataParallel keeps cuda gradients", "[distributed][cuda]") {
  NORSE_REQUIRE_GPU();
  REQUIRE(dist::built_with_nccl());
  const auto comm = dist::detail::nccl_factory()(0, 1, dist::detail::nccl_unique_id()(), 0);
  REQUIRE(comm->backend() == "nccl");
  REQUIRE(comm->device() == Device::kCUDA);
  Tensor x = from_vector({1, 2, 3, 4}, {4}).to(Device::kCUDA);
  comm->start_allreduce(x.device_data(), 4);
  comm->wait_all("nccl_test");
  REQUIRE(x.to(Device::kCPU).to_vector() == std::vector<float>{1, 2, 3, 4});  // a sum over one rank
  double d[2] = {1.5, -2};
  comm->allreduce_sum(d, 2, "nccl_test");
  REQUIRE(d[1] == -2);

  Generator gen(3);
  nn::Linear plain(5, 3, gen);
  Generator gen2(3);
  nn::Linear parallel(5, 3, gen2);
  plain.to(Device::kCUDA);
  parallel.to(Device::kCUDA);
  Generator data(4);
  const Tensor input = randn({2, 5}, data).to(Device::kCUDA);
  mean(plain.forward(Variable(input))).backward();
  dist::DataParallel dp(*comm, parallel.named_parameters());
  dp.backward(mean(parallel.forward(Variable(input))), 2, 2);
  REQUIRE(parallel.weight.grad().device() == Device::kCUDA);
  REQUIRE(parallel.weight.grad().to(Device::kCPU).to_vector() == plain.weight.grad().to(Device::kCPU).to_vector());
}
