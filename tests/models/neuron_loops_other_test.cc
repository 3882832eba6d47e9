// neuron_loops_check.h for AdEx with refractoriness, Izhikevich, COBA LIF, the encoder and the filter: the CPU block
// loop and the CUDA per-thread bodies agree bit for bit in every variant.
#include <catch2/catch.hpp>

#include "tests/models/neuron_loops_check.h"

using namespace norse;
using namespace norse::neuron_loops_check;

TEST_CASE(
    "fused loops: the CPU block loop equals the CUDA per-thread bodies: AdEx with refractoriness, Izhikevich, COBA "
    "LIF, the encoder and the filter",
    "[kernels][loops]") {
  check_model<LIFAdExRefracModel>("lif_adex_refrac", defaults<lif_adex_refrac::Spec>(), 1.5f, 0.0f, 0.5f);
  check_model<IzhikevichModel>("izhikevich", defaults<izhikevich::Spec>(), 10.0f, -70.0f, -60.0f);
  check_model<CobaLIFModel>("coba_lif", defaults<coba_lif::Spec>(), 3.0f, 0.0f, 0.5f);
  // The constant-current LIF encoder and the exponential filter (Norse's defaults).
  check_model<LIFCurrentEncoderModel>("lif_current_encoder", {100.0f, 0.0f, 1.0f, 0.0f}, 3.0f, 0.0f, 0.5f);
  check_model<ExpFilterModel>("exp_filter", {0.9f}, 1.0f, 0.0f, 0.5f);
}
