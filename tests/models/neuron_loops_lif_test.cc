// neuron_loops_check.h for LIF, LI and LSNN: the CPU block loop and the CUDA per-thread bodies
// agree bit for bit in every variant.
#include <catch2/catch.hpp>

#include "tests/models/neuron_loops_check.h"

using namespace norse;
using namespace norse::neuron_loops_check;

TEST_CASE("fused loops: the CPU block loop equals the CUDA per-thread bodies: LIF, LI and LSNN", "[kernels][loops]") {
  check_model<LIFModel>("lif", defaults<norse::lif::Spec>(), 3.0f, 0.0f, 0.5f);
  check_model<LIFBoxModel>("lif_box", defaults<lif_box::Spec>(), 3.0f, 0.0f, 0.5f);
  check_model<LIModel>("li", defaults<li::Spec>(), 1.0f, 0.0f, 0.5f);
  check_model<LIBoxModel>("li_box", defaults<li_box::Spec>(), 1.0f, 0.0f, 0.5f);
  check_model<LSNNModel>("lsnn", defaults<lsnn::Spec>(), 3.0f, 0.0f, 0.5f);
}

TEST_CASE("fused loops above the streaming threshold: the CPU block loop equals the per-thread bodies",
          "[kernels][loops]") {
  REQUIRE(kLarge.steps * kLarge.elements * static_cast<int64_t>(sizeof(float)) >= kStreamingBytes);
  check_model<LIFModel>("lif", defaults<norse::lif::Spec>(), 3.0f, 0.0f, 0.5f, kLarge);
  check_model<LIModel>("li", defaults<li::Spec>(), 1.0f, 0.0f, 0.5f, kLarge);  // no spikes: state and gradient
}

TEST_CASE("fused loops: a compact record with parameter gradients is refused, naming saved_kind", "[kernels][loops]") {
  NeuronParams<LIFModel> p;
  const float one = 1.0f;
  for (int q = 0; q < LIFModel::kParams; ++q) p.params[q] = ParamRef{&one, 1};
  float buffer[4] = {};
  NeuronBackwardArgs b;
  b.steps = 1;
  b.elements = 1;
  b.saved = buffer;
  b.saved_kind = SavedKind::kCompact;
  b.grad_z = buffer;
  b.grad_params[0] = buffer;
  REQUIRE_THROWS_WITH(neuron_sequence_backward(p, b), Catch::Contains("saved_kind"));
  NeuronParams<LSNNModel> lsnn;
  NeuronForwardArgs f;
  f.saved = buffer;
  f.saved_kind = SavedKind::kCompact;
  REQUIRE_THROWS_WITH(neuron_sequence_forward(lsnn, f), Catch::Contains("no compact record"));
}
