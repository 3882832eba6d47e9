// neuron_loops_check.h for IAF, refractory and exponential LIF: the CPU block loop and the CUDA per-thread bodies
// agree bit for bit in every variant.
#include <catch2/catch.hpp>

#include "tests/models/neuron_loops_check.h"

using namespace norse;
using namespace norse::neuron_loops_check;

TEST_CASE("fused loops: the CPU block loop equals the CUDA per-thread bodies: IAF, refractory and exponential LIF",
          "[kernels][loops]") {
  check_model<IAFModel>("iaf", defaults<iaf::Spec>(), 0.3f, 0.0f, 0.5f);
  check_model<LIFRefracModel>("lif_refrac", defaults<lif_refrac::Spec>(), 3.0f, 0.0f, 0.5f);
  check_model<LIFExModel>("lif_ex", defaults<lif_ex::Spec>(), 1.5f, 0.0f, 0.5f);
  check_model<LIFAdExModel>("lif_adex", defaults<lif_adex::Spec>(), 1.5f, 0.0f, 0.5f);
}
