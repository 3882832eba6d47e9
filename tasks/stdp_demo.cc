// STDP demo: one LIF neuron receives 100 Poisson inputs (20 Hz). Inputs 0-19 fire together
// (a correlated group, one shared 20 Hz source); the others fire independently. With additive
// STDP (slightly stronger depression than potentiation) the correlated inputs, which reliably
// precede the neuron's spikes, grow to the upper bound while the uncorrelated ones decay.
//
//   bazel run //tasks:stdp_demo -- [--steps=20000] [--output_dir=stdp_output] [--no_plots]
//
// Prints the mean weight of both groups over time and draws the weight evolution (a heat map:
// x time, y input, bright = strong) and each group's mean weight over time.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <sys/stat.h>

#include <CLI/CLI.hpp>

#include "core/core.h"
#include "models/lif.h"
#include "plasticity/stdp.h"
#include "plot/plot.h"
#include "tasks/run_util.h"

using namespace norse;

int main(int argc, char** argv) {
  int64_t steps = 20000;
  std::string output_dir = "stdp_output";
  bool plots = true;
  uint64_t seed = 3;
  CLI::App app{"norse-cpp STDP demo: a LIF neuron learns to prefer a correlated input group."};
  app.set_version_flag("--version", norse::tasks::version_line());
  app.add_option("--steps", steps, "time steps of 1 ms")->check(CLI::PositiveNumber)->capture_default_str();
  app.add_option("--output_dir", output_dir, "where the pictures go")->capture_default_str();
  app.add_flag("--plots,!--no_plots", plots, "draw the weights over time into --output_dir (default on)");
  app.add_option("--seed", seed, "random seed")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  output_dir = tasks::user_path(output_dir);

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
  std::vector<std::string> plots_written;
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
      std::printf("%8lld %10.3f %10.3f %12.1f\n", static_cast<long long>(t + 1), group / kGroup,
                  others / (kInputs - kGroup), 1000.0 * static_cast<double>(post_spikes) / static_cast<double>(t + 1));
    }
  }
  if (plots) {
    ::mkdir(output_dir.c_str(), 0755);
    // Weights [input, snapshot]: one column per snapshot, time in ms on the x axis.
    const int64_t columns_taken = static_cast<int64_t>(snapshots.size());
    Tensor weights = Tensor::empty({kInputs, columns_taken});
    plot::Series group_mean, others_mean;
    group_mean.label = "correlated inputs 0-" + std::to_string(kGroup - 1);
    others_mean.label = "the others";
    for (int64_t c = 0; c < columns_taken; ++c) {
      double g = 0, o = 0;
      for (int64_t k = 0; k < kInputs; ++k) {
        const float wk = snapshots[static_cast<size_t>(c)][static_cast<size_t>(k)];
        weights.at({k, c}) = wk;
        (k < kGroup ? g : o) += wk;
      }
      group_mean.add(static_cast<double>(c * every), g / kGroup);
      others_mean.add(static_cast<double>(c * every), o / (kInputs - kGroup));
    }
    plot::HeatmapOptions h;
    h.title = "STDP: the weight of every input over time";
    h.x_label = "time (ms)";
    h.y_label = "input (0-" + std::to_string(kGroup - 1) + " correlated)";
    h.x_range = std::make_pair(0.0, static_cast<double>(columns_taken * every));
    plots_written.push_back(output_dir + "/stdp_weights.png");
    plot::heatmap(plots_written.back(), weights, h);
    plot::LineOptions l;
    l.title = "STDP: mean weight per input group";
    l.x_label = "time (ms)";
    l.y_label = "weight";
    plots_written.push_back(output_dir + "/stdp_mean_weights.png");
    plot::line_plot(plots_written.back(), {group_mean, others_mean}, l);
  }
  const std::vector<float> v = w.to_vector();
  double group = 0, others = 0;
  for (int64_t k = 0; k < kInputs; ++k) (k < kGroup ? group : others) += v[static_cast<size_t>(k)];
  for (const std::string& f : plots_written) std::printf("plot: %s\n", f.c_str());
  std::printf("final mean weight: correlated group %.3f, others %.3f\n", group / kGroup, others / (kInputs - kGroup));
  return 0;
}
