// Norse's convolutional SNNs (norse/torch/models/conv.py), as library models:
//
//   nn::ConvNet   Conv2d(C, 20, 5) -> LIF -> MaxPool(2) -> 10 * Conv2d(20, 50, 5) -> LIF -> MaxPool(2)
//                 -> Linear(f*f*50, 500) -> LIF -> relu -> LILinearCell(500, 10)
//   nn::ConvNet4  the same with 32 and 64 channels, Linear(f*f*64, 1024), and v_th = 0.7 in the
//                 two convolutional LIF layers (LILinearCell(1024, 10) read-out)
//
// f = ((feature_size - 4) / 2 - 4) / 2 (4 for MNIST's 28 x 28). LIF layers use Norse's
// LIFParameters with the given surrogate method and alpha 100. forward() takes the input of every
// step at once, [T, B, C, H, W] (an encoder's spikes or a current), and returns the read-out's
// voltage [T, B, 10], as Norse's forward does; where Norse steps every layer in a Python loop,
// here the convolutions and linear layers run on all T*B samples at once and every neuron layer
// is one fused sequence op (the same numbers, fewer and larger operations).
#ifndef NORSE_MODELS_CONVNET_H_
#define NORSE_MODELS_CONVNET_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "models/layers.h"
#include "models/neuron_layers.h"

namespace norse {
namespace nn {

struct ConvNetOptions {
  int64_t num_channels = 1;
  int64_t feature_size = 28;
  Surrogate method = Surrogate::kSuper;
};

// Both networks: the sizes and the convolutional layers' threshold differ.
class ConvNetBase : public Module {
 public:
  // input [T, B, C, H, W] -> read-out voltage [T, B, 10]. `trace`, when given, receives every
  // spiking layer's output and the pooled spikes the next layer reads, by name ("conv1 LIF",
  // "conv2 input", "conv2 LIF", "fc1 input", "fc1 LIF"), each [T, B, ...].
  Variable forward(const Variable& input, std::vector<std::pair<std::string, Variable>>* trace = nullptr);
  // Whether the input holds spikes (an encoder's 0/1 output, not a current): then conv1 runs
  // event-driven while they are sparse, as conv2 and fc1 always may (they read max-pooled
  // spikes).
  void set_spike_input(bool spikes);
  // conv1.weight, conv1.bias, conv2.*, fc1.*, out.weight (Norse's names), then the neuron
  // parameters (out.tau_syn_inv, ..., lif0.v_th, ...; they train only when marked requires_grad).
  std::vector<NamedParameter> named_parameters() override;
  void set_generator(Generator* gen) override;

  std::shared_ptr<Conv2d> conv1, conv2;
  std::shared_ptr<Linear> fc1;
  LILinearCell out;
  LIF lif0, lif1, lif2;

 protected:
  ConvNetBase(const ConvNetOptions& options, int64_t channels1, int64_t channels2, int64_t hidden, float conv_threshold,
              Generator& init);

 private:
  int64_t features_;  // f above
  Lift lift_conv1_, lift_conv2_, lift_fc1_, lift_pool_;
};

class ConvNet : public ConvNetBase {
 public:
  explicit ConvNet(Generator& init, const ConvNetOptions& options = {});
};

class ConvNet4 : public ConvNetBase {
 public:
  explicit ConvNet4(Generator& init, const ConvNetOptions& options = {});
};

}  // namespace nn
}  // namespace norse

#endif  // NORSE_MODELS_CONVNET_H_
