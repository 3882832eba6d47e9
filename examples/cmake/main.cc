// Trains a spiking network through norse/norse.h alone: Poisson-encoded inputs, Linear -> LIF ->
// Linear -> LI in an nn::SequentialState, the read-out's maximum voltage over time as logits,
// cross-entropy, surrogate-gradient backprop through time and Adam. The task: which half of 20
// input channels fires faster. Exit status 0 when the trained network classifies held-out
// samples with at least 90% accuracy. With an argument, also draws the loss curve there (.png
// or .svg, through the library's plots).
//
// Built three ways, each in the test suite: CMake (CMakeLists.txt, find_package(norse)),
// Bazel (BUILD, @norse_cpp//:norse_lib), and, as examples/embed shows, pkg-config.
#include <cstdio>
#include <memory>
#include <vector>

#include "norse/norse.h"

namespace {

constexpr int64_t kInputs = 20, kHidden = 32, kClasses = 2, kSteps = 20, kBatch = 32;

struct Batch {
  norse::Tensor spikes;  // [T, B, kInputs]
  norse::Tensor labels;  // [B]
};

// Class c: channels of half c fire at a high rate, the others at a low one.
Batch make_batch(norse::Generator& gen) {
  using namespace norse;
  std::vector<float> rates(kBatch * kInputs), labels(kBatch);
  const Tensor coin = rand({kBatch}, gen);
  for (int64_t b = 0; b < kBatch; ++b) {
    const int label = coin.data()[b] < 0.5f ? 0 : 1;
    labels[b] = static_cast<float>(label);
    for (int64_t k = 0; k < kInputs; ++k) rates[b * kInputs + k] = (k < kInputs / 2) == (label == 0) ? 0.25f : 0.15f;
  }
  const Tensor rate = from_vector(rates, {kBatch, kInputs});
  // f_max * dt = 1: a channel with rate r spikes with probability r per step.
  return Batch{encode::PoissonEncoder(kSteps, 1000.0f).forward(rate, gen), from_vector(labels, {kBatch})};
}

// Logits [B, kClasses]: the read-out's largest voltage over the time steps.
norse::Variable logits_of(norse::nn::SequentialState& net, const norse::Tensor& spikes) {
  using namespace norse;
  std::vector<nn::LayerState> state;
  std::vector<Variable> voltages;
  for (int64_t t = 0; t < spikes.size(0); ++t) voltages.push_back(net.forward(Variable(spikes.select(0, t)), state));
  return max(stack(voltages, 0), 0).values;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace norse;
  const Version v = library_version();
  std::printf("norse-cpp library %d.%d.%d, headers %s\n", v.major, v.minor, v.patch, NORSE_VERSION_STRING);
  if (v.major != NORSE_VERSION_MAJOR || v.minor != NORSE_VERSION_MINOR || v.patch != NORSE_VERSION_PATCH) {
    std::printf("FAILED: the library is %d.%d.%d, the headers %s\n", v.major, v.minor, v.patch, NORSE_VERSION_STRING);
    return 1;
  }
  Generator gen(7);
  nn::SequentialState net;
  net.add(std::make_shared<nn::Linear>(kInputs, kHidden, gen))
      .add(std::make_shared<nn::LIFCellLayer>())
      .add(std::make_shared<nn::Linear>(kHidden, kClasses, gen))
      .add(std::make_shared<nn::LICellLayer>());
  optim::AdamOptions options;
  options.lr = 2e-2f;
  optim::Adam adam(net.named_parameters(), options);

  float first_loss = 0.0f, last_loss = 0.0f;
  plot::Series curve;
  curve.label = "training loss";
  for (int step = 0; step < 60; ++step) {
    const Batch batch = make_batch(gen);
    adam.zero_grad();
    const Variable loss = cross_entropy(logits_of(net, batch.spikes), batch.labels);
    loss.backward();
    adam.step();
    last_loss = loss.item();
    if (step == 0) first_loss = last_loss;
    curve.add(step, last_loss);
  }
  if (argc > 1) {
    plot::LineOptions o;
    o.title = "examples/cmake: training loss";
    o.x_label = "Adam step";
    o.y_label = "cross-entropy";
    plot::line_plot(argv[1], {curve}, o);
    std::printf("loss curve: %s\n", argv[1]);
  }

  int correct = 0, total = 0;
  {
    NoGradGuard no_grad;
    for (int k = 0; k < 4; ++k) {
      const Batch batch = make_batch(gen);
      const Tensor predicted = max(logits_of(net, batch.spikes), 1).indices;
      correct += static_cast<int>(sum(eq(predicted, batch.labels)).item());
      total += static_cast<int>(kBatch);
    }
  }
  const double accuracy = static_cast<double>(correct) / total;
  std::printf("loss %.4f -> %.4f over 60 Adam steps; held-out accuracy %.3f (%d/%d)\n", first_loss, last_loss, accuracy,
              correct, total);
  const bool ok = accuracy >= 0.9 && last_loss < first_loss;
  std::printf("%s\n", ok ? "cmake example OK" : "cmake example FAILED");
  return ok ? 0 : 1;
}
