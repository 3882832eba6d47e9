#include "models/izhikevich.h"

#include <cmath>

#include "kernels/spiking_math.h"
#include "models/neuron_functions.h"

namespace norse {
namespace izhikevich {

namespace {
struct Preset {
  const char* name;
  float a, b, c, d;
  float tau_inv;
  float v;  // initial v
  float u;  // initial u (NaN: b * v)
  float mn = 5.0f, bias = 140.0f;
};
// Norse's presets (norse/torch/functional/izhikevich.py).
const Preset kPresets[] = {
    {"tonic_spiking", 0.02f, 0.2f, -65.0f, 6.0f, 250.0f, -70.0f, NAN},
    {"phasic_spiking", 0.02f, 0.25f, -65.0f, 6.0f, 250.0f, -64.0f, NAN},
    {"tonic_bursting", 0.02f, 0.2f, -50.0f, 2.0f, 250.0f, -70.0f, NAN},
    {"phasic_bursting", 0.02f, 0.25f, -55.0f, 0.05f, 200.0f, -64.0f, NAN},
    {"mixed_mode", 0.02f, 0.2f, -55.0f, 4.0f, 250.0f, -70.0f, NAN},
    {"spike_frequency_adaptation", 0.01f, 0.2f, -65.0f, 8.0f, 250.0f, -70.0f, NAN},
    {"class_1_exc", 0.02f, -0.1f, -55.0f, 6.0f, 250.0f, -60.0f, NAN, 4.1f, 108.0f},
    {"class_2_exc", 0.2f, 0.26f, -65.0f, 0.0f, 250.0f, -64.0f, NAN},
    {"spike_latency", 0.02f, 0.2f, -65.0f, 6.0f, 250.0f, -70.0f, NAN},
    {"subthreshold_oscillation", 0.05f, 0.26f, -60.0f, 0.0f, 250.0f, -62.0f, NAN},
    {"resonator", 0.1f, 0.26f, -60.0f, -1.0f, 250.0f, -62.0f, NAN},
    {"integrator", 0.02f, -0.1f, -55.0f, 6.0f, 250.0f, -60.0f, NAN, 4.1f, 108.0f},
    {"rebound_spike", 0.03f, 0.25f, -60.0f, 4.0f, 200.0f, -64.0f, NAN},
    {"rebound_burst", 0.03f, 0.25f, -52.0f, 0.0f, 200.0f, -64.0f, NAN},
    {"threshold_variability", 0.03f, 0.25f, -60.0f, 4.0f, 250.0f, -64.0f, NAN},
    {"bistability", 0.1f, 0.26f, -60.0f, 0.0f, 250.0f, -61.0f, NAN},
    {"dap", 1.0f, 0.2f, -60.0f, -21.0f, 100.0f, -70.0f, NAN},
    {"accomodation", 0.02f, 1.0f, -55.0f, 4.0f, 500.0f, -65.0f, -16.0f},
    {"inhibition_induced_spiking", -0.02f, -1.0f, -60.0f, 8.0f, 250.0f, -63.8f, NAN},
    {"inhibition_induced_bursting", -0.026f, -1.0f, -45.0f, -2.0f, 250.0f, -63.8f, NAN},
};
}  // namespace

const std::vector<std::string>& behavior_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const Preset& p : kPresets) out.emplace_back(p.name);
    return out;
  }();
  return names;
}

Behavior behavior(const std::string& name) {
  for (const Preset& pr : kPresets) {
    if (name != pr.name) continue;
    Behavior b;
    b.p.a = Variable(scalar_tensor(pr.a));
    b.p.b = Variable(scalar_tensor(pr.b));
    b.p.c = Variable(scalar_tensor(pr.c));
    b.p.d = Variable(scalar_tensor(pr.d));
    b.p.mn = Variable(scalar_tensor(pr.mn));
    b.p.bias = Variable(scalar_tensor(pr.bias));
    b.p.tau_inv = Variable(scalar_tensor(pr.tau_inv));
    b.v = pr.v;
    b.u = std::isnan(pr.u) ? pr.v * pr.b : pr.u;
    return b;
  }
  std::string valid;
  for (const std::string& n : behavior_names()) valid += (valid.empty() ? "" : ", ") + n;
  throw InvalidArgument(str_cat("izhikevich::behavior: unknown behaviour '", name, "'; valid names are: ", valid));
}

State initial_state(const Behavior& behavior, const Shape& neuron_shape) {
  return State{Variable(full(neuron_shape, behavior.v)), Variable(full(neuron_shape, behavior.u))};
}

}  // namespace izhikevich

template struct detail::FeedForward<izhikevich::Spec>;
template struct detail::RecurrentFunctions<izhikevich::Spec, izhikevich::RecurrentState>;

}  // namespace norse
