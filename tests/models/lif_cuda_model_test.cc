// lif_sequence on cuda tensors: the model dispatches to the fused CUDA kernels
// (kernels/lif_dispatch.h) and gives the CPU's results; training on cuda is refused with a
// message until the tape's CUDA ops exist. Skipped, with the reason, without a CUDA device.
#include <catch2/catch.hpp>

#include <string>

#include "core/core.h"
#include "core/cuda_runtime.h"
#include "models/li.h"
#include "models/lif.h"
#include "models/lsnn.h"
#include "tests/testing/skip.h"

using namespace norse;

TEST_CASE("lif_sequence on cuda equals the CPU (inference)", "[cuda][lif][models]") {
  std::string reason;
  if (cuda::device_count(&reason) == 0) NORSE_SKIP("no CUDA device: " + reason);
  Generator g(3);
  const Tensor x = mul(rand({40, 8, 300}, g), 3.0f);
  lif::Params p;
  p.v_th = Variable(rand({300}, g, 0.5f, 1.5f));  // per-neuron threshold
  NoGradGuard no_grad;
  const lif::SequenceResult cpu = lif::lif_sequence(Variable(x), {}, p, 1e-3f, true);
  const lif::SequenceResult gpu = lif::lif_sequence(Variable(x.to(Device::kCUDA)), {}, p, 1e-3f, true);
  REQUIRE(gpu.z.value().device() == Device::kCUDA);
  REQUIRE(gpu.z.value().to_vector() == cpu.z.value().to_vector());
  REQUIRE(gpu.v_record.value().to_vector() == cpu.v_record.value().to_vector());
  REQUIRE(gpu.state.v.value().to_vector() == cpu.state.v.value().to_vector());
  REQUIRE(gpu.state.i.value().to_vector() == cpu.state.i.value().to_vector());
}

TEST_CASE("lif_sequence on cuda refuses training with a message", "[cuda][lif][models][errors]") {
  std::string reason;
  if (cuda::device_count(&reason) == 0) NORSE_SKIP("no CUDA device: " + reason);
  Variable x(ones({4, 2, 3}).to(Device::kCUDA), true);
  REQUIRE_THROWS_AS(lif::lif_sequence(x, {}, lif::Params{}), DeviceError);
  REQUIRE_THROWS_WITH(lif::lif_sequence(x, {}, lif::Params{}), Catch::Contains("training on cuda"));
}

TEST_CASE("li_sequence and lsnn_sequence on cuda equal the CPU (inference)", "[cuda][models]") {
  std::string reason;
  if (cuda::device_count(&reason) == 0) NORSE_SKIP("no CUDA device: " + reason);
  Generator g(4);
  const Tensor x = mul(rand({30, 4, 200}, g), 3.0f);
  const Tensor xd = x.to(Device::kCUDA);
  NoGradGuard no_grad;
  const li::SequenceResult li_cpu = li::li_sequence(Variable(x), {}, li::Params{}, 1e-3f, true);
  const li::SequenceResult li_gpu = li::li_sequence(Variable(xd), {}, li::Params{}, 1e-3f, true);
  REQUIRE(li_gpu.record.v.value().to_vector() == li_cpu.record.v.value().to_vector());
  REQUIRE(li_gpu.state.i.value().to_vector() == li_cpu.state.i.value().to_vector());
  const lsnn::SequenceResult ls_cpu = lsnn::lsnn_sequence(Variable(x), {}, lsnn::Params{}, 1e-3f, false);
  const lsnn::SequenceResult ls_gpu = lsnn::lsnn_sequence(Variable(xd), {}, lsnn::Params{}, 1e-3f, false);
  REQUIRE(ls_gpu.z.value().to_vector() == ls_cpu.z.value().to_vector());
  REQUIRE(ls_gpu.state.b.value().to_vector() == ls_cpu.state.b.value().to_vector());
}
