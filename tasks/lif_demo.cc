// The Quick start's first program until the MNIST task exists: Norse's first example, a LIF
// neuron (Norse's default parameters) driven by a constant input current, for three currents.
//
//   bazel run //tasks:lif_demo
//
// With the defaults (dt = 1 ms, tau_syn = 5 ms, tau_mem = 10 ms, v_th = 1) the synaptic
// current of a constant input x settles at x / (dt * tau_syn_inv) = 5x, so the membrane
// approaches 5x: 0.0 and 0.1 stay below threshold, 0.3 drives v towards 1.5 and fires
// regularly. The program prints, per current, the spike count, the spike times and a summary of
// the voltage trace, and a small text plot of the three traces.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "kernels/lif_math.h"

namespace {

constexpr int kSteps = 100;
constexpr float kDt = 1e-3f;

struct Trace {
  float current;
  std::vector<float> voltage;  // v1 (pre-reset), what a neuroscientist plots
  std::vector<int> spike_steps;
};

Trace simulate(float current) {
  namespace lif = norse::kernels::lif;
  const lif::StepParams<float> params;  // Norse's LIFParameters() defaults
  lif::StepState<float> state{params.v_leak, 0.0f};
  Trace trace{current, {}, {}};
  for (int t = 0; t < kSteps; ++t) {
    const lif::StepForward<float> out = lif::step<norse::Surrogate::kSuper>(params, state, current, kDt);
    state = out.next;
    trace.voltage.push_back(out.v1);
    if (out.z > 0.0f) trace.spike_steps.push_back(t);
  }
  return trace;
}

// One text row per voltage band, one column per 2 ms; a top row marks the spikes.
void plot(const std::vector<Trace>& traces) {
  const char* marks = "o+*";
  const int rows = 12;
  const float top = 1.2f;
  const float half_band = top / rows / 2;
  std::printf("\n  voltage traces (o: 0.0, +: 0.1, *: 0.3), threshold v_th = 1 as '-', spikes as '|'\n");
  std::string spikes(kSteps / 2, ' ');
  for (const Trace& tr : traces) {
    for (int s : tr.spike_steps) spikes[static_cast<size_t>(s / 2)] = '|';
  }
  std::printf("spikes %s\n", spikes.c_str());
  for (int r = rows; r >= 0; --r) {
    const float level = top * static_cast<float>(r) / rows;
    std::string line(kSteps / 2, ' ');
    if (std::fabs(level - 1.0f) < half_band) std::fill(line.begin(), line.end(), '-');
    for (size_t k = 0; k < traces.size(); ++k) {
      for (int t = 0; t < kSteps; t += 2) {
        const float v = traces[k].voltage[static_cast<size_t>(t)];
        if (v >= level - half_band && v < level + half_band) line[static_cast<size_t>(t / 2)] = marks[k];
      }
    }
    std::printf("%5.2f  %s\n", level, line.c_str());
  }
  std::printf("       t = 0 ms%*st = %d ms\n", kSteps / 2 - 22, "", kSteps);
}

}  // namespace

int main() {
  std::printf(
      "LIF neuron, Norse default parameters (tau_syn_inv=200, tau_mem_inv=100, v_th=1, "
      "v_reset=0), dt=1 ms, %d steps\n\n",
      kSteps);
  std::vector<Trace> traces;
  for (float current : {0.0f, 0.1f, 0.3f}) traces.push_back(simulate(current));
  std::printf("%-8s %-7s %-10s %-10s %-10s %s\n", "current", "spikes", "v_min", "v_max", "v_mean", "spike times (ms)");
  for (const Trace& tr : traces) {
    const auto [lo, hi] = std::minmax_element(tr.voltage.begin(), tr.voltage.end());
    double mean = 0.0;
    for (float v : tr.voltage) mean += v;
    mean /= static_cast<double>(tr.voltage.size());
    std::string times;
    for (int s : tr.spike_steps) times += std::to_string(s + 1) + " ";
    std::printf("%-8.1f %-7zu %-10.4f %-10.4f %-10.4f %s\n", tr.current, tr.spike_steps.size(), *lo, *hi, mean,
                times.empty() ? "-" : times.c_str());
  }
  plot(traces);
  return 0;
}
