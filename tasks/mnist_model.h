// The MNIST task's networks, as Norse's task defines them (norse/task/mnist.py), with every
// time-parallel layer lifted over [T, B, ...] and every neuron layer fused over time:
//
//   conv (Norse's ConvNet4, nn::ConvNet4 of models/convnet.h behind the encoder):
//     images [B, 28, 28] -> (x - 0.1307) / 0.3081 * input_scale (Norse's normalisation)
//     -> ConstantCurrentLIFEncoder(T) -> [T, B, 1, 28, 28]
//     -> Conv2d(1, 32, 5) -> LIF (v_th 0.7) -> MaxPool(2)
//     -> 10 * Conv2d(32, 64, 5) -> LIF (v_th 0.7) -> MaxPool(2) -> flatten [T, B, 1024]
//     -> Linear(1024, 1024) -> LIF -> relu -> LILinearCell(1024, 10)
//     -> max over time of the read-out voltage -> log_softmax
//   fc (a small fully connected SNN, --model=fc):
//     encoder -> Linear(784, hidden) -> LIF -> relu -> LILinearCell(hidden, 10) -> max over time
//   conv_box, fc_box (exportable to NIR, --export_nir): the same layers with NIR's neurons, one
//     nn::SequentialState: LIFBox encoder -> [Conv2d(1, 32, 5) -> LIFBox (v_th 0.7) -> AvgPool(2)
//     -> Conv2d(32, 64, 5) -> LIFBox (v_th 0.7) -> AvgPool(2) -> Flatten -> Linear(1024, 1024)
//     -> LIFBox] or [Linear(784, hidden) -> LIFBox] -> Linear(., 10) -> LIBox -> max over time.
//
// LIF layers use Norse's LIFParameters (SuperSpike, alpha 100; v_th 0.7 where Norse sets it).
// The relu on the last spikes keeps Norse's gradient (0 where no spike).
#ifndef NORSE_TASKS_MNIST_MODEL_H_
#define NORSE_TASKS_MNIST_MODEL_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "models/convnet.h"
#include "models/encoders.h"
#include "models/layers.h"
#include "models/neuron_layers.h"
#include "models/sequential.h"

namespace norse {
namespace mnist {

// What a forward pass did, for the plots: every spiking layer's output [T, B, ...] in order
// (the encoder first) and the read-out's voltage [T, B, 10].
struct Activity {
  std::vector<std::pair<std::string, Tensor>> spikes;
  Tensor readout_v;
  // What each weight layer reads when it reads spikes ("conv1": the encoder's spikes, "conv2":
  // max-pooled conv1 spikes, ..., "out": the last hidden layer's spikes), for the spike
  // densities the task reports: the work an event-driven layer would do.
  std::vector<std::pair<std::string, Tensor>> layer_inputs;
};

// The fraction of non-zero entries of each of `activity`'s layer inputs, in its order.
std::vector<std::pair<std::string, double>> input_densities(const Activity& activity);

class Network : public nn::Module {
 public:
  // images [B, 28, 28] in [0, 1] -> log-probabilities [B, 10]; fills `activity` when given.
  virtual Variable forward(const Tensor& images, Activity* activity) = 0;
  Variable forward(const Tensor& images) { return forward(images, nullptr); }
  // The first layer's weights as images [C_out, 1, h, w] (conv1's kernels; fc: 784-input rows).
  virtual Tensor first_layer_kernels() const = 0;
  // The network as one SequentialState of NIR-exportable modules over [T, B, *input_shape()]
  // (the encoder's current, sequence_current), or nullptr when it has layers NIR cannot hold.
  virtual nn::SequentialState* sequential() { return nullptr; }
  // The layers whose inputs forward() records in Activity::layer_inputs, in that order.
  virtual std::vector<std::string> spike_input_layers() const = 0;
  virtual Shape input_shape() const { return {784}; }
};

struct NetworkOptions {
  std::string model = "conv";  // "conv", "fc", or the NIR-exportable "conv_box", "fc_box"
  int64_t time_steps = 16;
  float input_scale = 6.0f;  // the MNIST task's default: enough drive for spikes within 16 steps
  int64_t hidden = 128;      // fc only
};

// The encoder's input current for images [B, 28, 28] in [0, 1] (input_scale * (pixel - mean) / std,
// Norse's normalisation), the same at every step: [T, B, *sample_shape] (the box networks' input).
Tensor sequence_current(const Tensor& images, const NetworkOptions& o, const Shape& sample_shape);

std::unique_ptr<Network> make_network(const NetworkOptions& options, Generator& init);

}  // namespace mnist
}  // namespace norse

#endif  // NORSE_TASKS_MNIST_MODEL_H_
