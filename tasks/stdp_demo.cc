// STDP demo: one LIF neuron receives 100 Poisson inputs (20 Hz). Inputs 0-19 fire together
// (a correlated group, one shared 20 Hz source); the others fire independently. With additive
// STDP (slightly stronger depression than potentiation) the correlated inputs, which reliably
// precede the neuron's spikes, grow to the upper bound while the uncorrelated ones decay.
//
//   bazel run //tasks:stdp_demo -- [--steps=20000] [--png=stdp_weights.png]
//
// Prints the mean weight of both groups over time and writes a picture of the weight evolution
// (x: time, y: input index, bright = strong).
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/core.h"
#include "models/lif.h"
#include "plasticity/stdp.h"
#include "tasks/png.h"
#include "tasks/run_util.h"

using namespace norse;

int main(int argc, char** argv) {
  int64_t steps = 20000;
  std::string png_path = "stdp_weights.png";
  uint64_t seed = 3;
  CLI::App app{"norse-cpp STDP demo: a LIF neuron learns to prefer a correlated input group."};
  app.set_version_flag("--version", norse::tasks::version_line());
  app.add_option("--steps", steps, "time steps of 1 ms")->check(CLI::PositiveNumber)->capture_default_str();
  app.add_option("--png", png_path, "where the weight picture goes")->capture_default_str();
  app.add_option("--seed", seed, "random seed")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (const char* cwd = std::getenv("BUILD_WORKING_DIRECTORY"); cwd && !png_path.empty() && png_path[0] != '/') {
    png_path = std::string(cwd) + "/" + png_path;
  }

  constexpr int64_t kInputs = 100, kGroup = 20;
  constexpr float kRate = 0.02f;        // 20 Hz at dt = 1 ms
  constexpr float kInputScale = 0.15f;  // weight -> synaptic current
  Generator gen(seed);
  stdp::Params p;
  p.eta_plus = 0.05f;
  p.eta_minus = 0.06f;
  p.tau_pre_inv = p.tau_post_inv = 1.0f / 20e-3f;
  stdp::State trace;
  Tensor w = full({1, kInputs}, 0.5f);
  lif::State neuron;
  NoGradGuard no_grad;

  const int64_t columns = 200, every = std::max<int64_t>(1, steps / columns);
  std::vector<std::vector<float>> snapshots;
  int64_t post_spikes = 0;
  std::printf("%8s %10s %10s %12s\n", "time_ms", "w_group", "w_others", "post_rate_hz");
  for (int64_t t = 0; t < steps; ++t) {
    const float shared = gen.uniform() < kRate ? 1.0f : 0.0f;
    Tensor z_pre = bernoulli({1, kInputs}, kRate, gen);
    for (int64_t k = 0; k < kGroup; ++k) z_pre.at({0, k}) = shared;
    const Variable current(mul(matmul(z_pre, w.transpose(0, 1)), kInputScale));  // [1, 1]
    const lif::StepResult r = lif::lif_step(current, neuron, lif::Params{});
    neuron = r.state;
    post_spikes += static_cast<int64_t>(r.z.item());
    w = stdp::stdp_step_linear(z_pre, r.z.value(), w, trace, p);
    if (t % every == 0) snapshots.push_back(w.to_vector());
    if ((t + 1) % (steps / 10 > 0 ? steps / 10 : 1) == 0) {
      const std::vector<float> v = w.to_vector();
      double group = 0, others = 0;
      for (int64_t k = 0; k < kInputs; ++k) (k < kGroup ? group : others) += v[static_cast<size_t>(k)];
      std::printf("%8lld %10.3f %10.3f %12.1f\n", static_cast<long long>(t + 1), group / kGroup, others / (kInputs - kGroup),
                  1000.0 * static_cast<double>(post_spikes) / static_cast<double>(t + 1));
    }
  }
  // Picture: one column per snapshot (3 px wide), one row per input (3 px high).
  const int scale = 3, width = static_cast<int>(snapshots.size()) * scale, height = static_cast<int>(kInputs) * scale;
  std::vector<uint8_t> pixels(static_cast<size_t>(width) * height);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const float v = snapshots[static_cast<size_t>(x / scale)][static_cast<size_t>(y / scale)];
      pixels[static_cast<size_t>(y) * width + x] = static_cast<uint8_t>(255.0f * std::min(1.0f, std::max(0.0f, v)));
    }
  }
  png::write(png_path, width, height, 1, pixels);
  const std::vector<float> v = w.to_vector();
  double group = 0, others = 0;
  for (int64_t k = 0; k < kInputs; ++k) (k < kGroup ? group : others) += v[static_cast<size_t>(k)];
  std::printf("weight picture: %s (%dx%d; x = time, y = input, inputs 0-%lld correlated)\n", png_path.c_str(), width,
              height, static_cast<long long>(kGroup - 1));
  std::printf("final mean weight: correlated group %.3f, others %.3f\n", group / kGroup, others / (kInputs - kGroup));
  return 0;
}
