#include "tasks/mnist_model.h"

#include <algorithm>

namespace norse {
namespace mnist {
namespace {

// MNIST's mean and standard deviation, the normalisation of Norse's task (torchvision's
// Normalize((0.1307,), (0.3081,))).
constexpr float kMnistMean = 0.1307f, kMnistStd = 0.3081f;

// The encoder's input current for images [B, 28, 28] in [0, 1]: input_scale * (pixel - mean) / std,
// [B, 784] (Norse's normalisation).
Tensor input_current(const Tensor& images, const NetworkOptions& o) {
  const int64_t batch = images.size(0);
  const Tensor normalised = mul(add(images.reshape({batch, 784}), -kMnistMean), 1.0f / kMnistStd);
  return mul(normalised, o.input_scale);
}

// Spikes [T, B, 784] of the constant-current LIF encoder for images [B, 28, 28].
Variable encode_images(const Tensor& images, const NetworkOptions& o) {
  return encode::constant_current_lif_encode(Variable(input_current(images, o)), o.time_steps);
}

void record_input(Activity* activity, const char* layer, const Variable& input) {
  if (activity) activity->layer_inputs.emplace_back(layer, input.value());
}

void record(Activity* activity, const char* name, const Variable& spikes) {
  if (activity) activity->spikes.emplace_back(name, spikes.value());
}

// Max over time of the read-out voltage, then log_softmax.
Variable decode(const Variable& voltages) { return log_softmax(max(voltages, 0).values, 1); }

// The conv network: the encoder, then the library's ConvNet4 (models/convnet.h).
class ConvNet : public Network {
 public:
  ConvNet(const NetworkOptions& o, Generator& init) : options_(o), net_(init) {
    net_.set_spike_input(true);  // the encoder's spikes
  }

  Variable forward(const Tensor& images, Activity* activity) override {
    const int64_t t = options_.time_steps, b = images.size(0);
    const Variable z = reshape(encode_images(images, options_), {t, b, 1, 28, 28});
    record(activity, "encoder", z);
    record_input(activity, "conv1", z);
    std::vector<std::pair<std::string, Variable>> trace;
    const Variable v = net_.forward(z, activity ? &trace : nullptr);
    for (const auto& [name, x] : trace) {
      if (name == "conv2 input") {
        record_input(activity, "conv2", x);
      } else if (name == "fc1 input") {
        record_input(activity, "fc1", x);
      } else {
        record(activity, name.c_str(), x);
        if (name == "fc1 LIF") record_input(activity, "out", x);
      }
    }
    if (activity) activity->readout_v = v.value();
    return decode(v);
  }
  Tensor first_layer_kernels() const override { return net_.conv1->weight.value(); }
  std::vector<std::string> spike_input_layers() const override { return {"conv1", "conv2", "fc1", "out"}; }
  std::vector<nn::NamedParameter> named_parameters() override { return net_.named_parameters(); }

 private:
  NetworkOptions options_;
  nn::ConvNet4 net_;
};

class FcNet : public Network {
 public:
  FcNet(const NetworkOptions& o, Generator& init)
      : options_(o),
        fc1_(std::make_shared<nn::Linear>(784, o.hidden, init)),
        out_(o.hidden, 10, init),
        lift_fc1_(fc1_) {}

  Variable forward(const Tensor& images, Activity* activity) override {
    nn::LayerState s1, so;
    const Variable x = encode_images(images, options_);
    record(activity, "encoder", x);
    record_input(activity, "fc1", x);
    const Variable z = relu(lif1_.forward(lift_fc1_.forward(x), s1));
    record(activity, "fc1 LIF", z);
    record_input(activity, "out", z);
    const Variable v = out_.forward(z, so);
    if (activity) activity->readout_v = v.value();
    return decode(v);
  }
  std::vector<std::string> spike_input_layers() const override { return {"fc1", "out"}; }
  // The first 16 hidden neurons' input weights as 28 x 28 images.
  Tensor first_layer_kernels() const override {
    const int64_t k = std::min<int64_t>(16, fc1_->weight.size(0));
    return fc1_->weight.value().slice(0, 0, k).contiguous().reshape({k, 1, 28, 28});
  }

  std::vector<nn::NamedParameter> named_parameters() override {
    std::vector<nn::NamedParameter> out;
    for (auto& [n, p] : fc1_->named_parameters()) out.emplace_back("fc1." + n, p);
    for (auto& [n, p] : out_.named_parameters()) out.emplace_back("out." + n, p);
    return out;
  }

 private:
  NetworkOptions options_;
  std::shared_ptr<nn::Linear> fc1_;
  nn::LILinearCell out_;
  nn::Lift lift_fc1_;
  nn::LIFLayer lif1_;
};

// The NIR-exportable networks (--model=conv_box / fc_box): one nn::SequentialState of sequence
// modules whose every layer is a NIR node (nir::to_graph), so the trained network moves to any
// NIR tool and back bit for bit. Neurons without a synaptic current (LIFBox, LIBox read-out) and
// average pooling, as NIR's LIF, LI and AvgPool2d; the encoder is a LIFBox layer driven by the
// constant current (Norse's encoder parameters), so the graph's input is the current itself.
// A layer's initial weights and bias times `factor`. LIFBox and LIBox have no synaptic current,
// which in Norse's LIF and LI multiplies the steady-state drive by 1 / (dt * tau_syn_inv) = 5:
// the box networks start with 5x the weights, and conv2 with ConvNet4's extra factor 10 too, so
// every layer gets ConvNet4's drive while staying one NIR node.
template <class L>
std::shared_ptr<L> scaled(std::shared_ptr<L> layer, float factor) {
  layer->weight = Variable(mul(layer->weight.value(), factor), true);
  if (layer->bias.defined()) layer->bias = Variable(mul(layer->bias.value(), factor), true);
  return layer;
}
constexpr float kSynapseGain = 5.0f;

class BoxNet : public Network {
 public:
  BoxNet(const NetworkOptions& o, Generator& init) : options_(o), conv_(o.model == "conv_box") {
    lif_box::Params encoder;  // Norse's ConstantCurrentLIFEncoder: tau_mem_inv 100, v_th 1
    net_.add(std::make_shared<nn::LIFBox>(encoder));
    lif_box::Params hidden;
    hidden.v_th = Variable(scalar_tensor(conv_ ? 0.7f : 1.0f));  // ConvNet4's threshold in the conv layers
    if (conv_) {
      first_conv_ = scaled(std::make_shared<nn::Conv2d>(1, 32, 5, init), kSynapseGain);
      net_.add(std::make_shared<nn::Lift>(first_conv_))
          .add(std::make_shared<nn::LIFBox>(hidden))
          .add(std::make_shared<nn::Lift>(std::make_shared<nn::AvgPool2d>(2)))
          .add(std::make_shared<nn::Lift>(scaled(std::make_shared<nn::Conv2d>(32, 64, 5, init), 10 * kSynapseGain)))
          .add(std::make_shared<nn::LIFBox>(hidden))
          .add(std::make_shared<nn::Lift>(std::make_shared<nn::AvgPool2d>(2)))
          .add(std::make_shared<nn::Lift>(std::make_shared<nn::Flatten>()))
          .add(std::make_shared<nn::Lift>(scaled(std::make_shared<nn::Linear>(4 * 4 * 64, 1024, init), kSynapseGain)))
          .add(std::make_shared<nn::LIFBox>(lif_box::Params{}))
          .add(std::make_shared<nn::Lift>(scaled(std::make_shared<nn::Linear>(1024, 10, init), kSynapseGain)));
    } else {
      first_fc_ = scaled(std::make_shared<nn::Linear>(784, o.hidden, init), kSynapseGain);
      net_.add(std::make_shared<nn::Lift>(first_fc_))
          .add(std::make_shared<nn::LIFBox>(hidden))
          .add(std::make_shared<nn::Lift>(scaled(std::make_shared<nn::Linear>(o.hidden, 10, init), kSynapseGain)));
    }
    net_.add(std::make_shared<nn::LIBox>(li_box::Params{}));
  }

  Variable forward(const Tensor& images, Activity* activity) override {
    const int64_t t = options_.time_steps, b = images.size(0);
    const Variable x(sequence_current(images, options_, input_shape()));
    std::vector<nn::LayerState> states;
    std::vector<Variable> outputs;
    const Variable v = net_.forward(x, states, activity ? &outputs : nullptr);
    if (activity) {
      const char* names[] = {"encoder", "conv1 LIF", "conv2 LIF", "fc1 LIF"};
      size_t spiking = 0;
      for (size_t k = 0; k + 1 < outputs.size(); ++k) {
        if (dynamic_cast<nn::LIFBox*>(&net_.module(k)) == nullptr) continue;
        const char* name = conv_ ? names[spiking] : (spiking == 0 ? "encoder" : "fc1 LIF");
        const int64_t tb = outputs[k].size(0) * outputs[k].size(1);
        activity->spikes.emplace_back(name, outputs[k].value().reshape({t, b, outputs[k].numel() / tb}));
        ++spiking;
      }
      // The weight layers after the first (which reads the encoder's current, not spikes) read
      // spikes, average-pooled spikes or flattened ones: module k's input is output k - 1.
      const char* conv_layers[] = {"conv1", "conv2", "fc1", "out"};  // [0]: reads the current
      const char* fc_layers[] = {"fc1", "out"};
      size_t weight_layer = 0;
      for (size_t k = 0; k < outputs.size(); ++k) {
        auto* lift = dynamic_cast<nn::Lift*>(&net_.module(k));
        if (lift == nullptr || lift->named_parameters().empty()) continue;
        if (weight_layer > 0) {
          activity->layer_inputs.emplace_back(conv_ ? conv_layers[weight_layer] : fc_layers[weight_layer],
                                              outputs[k - 1].value());
        }
        ++weight_layer;
      }
      activity->readout_v = v.value();
    }
    return decode(v);
  }
  Tensor first_layer_kernels() const override {
    if (conv_) return first_conv_->weight.value();
    const int64_t k = std::min<int64_t>(16, first_fc_->weight.size(0));
    return first_fc_->weight.value().slice(0, 0, k).contiguous().reshape({k, 1, 28, 28});
  }
  std::vector<nn::NamedParameter> named_parameters() override { return net_.named_parameters(); }
  nn::SequentialState* sequential() override { return &net_; }
  // The first weight layer reads the encoder's current, not spikes.
  std::vector<std::string> spike_input_layers() const override {
    return conv_ ? std::vector<std::string>{"conv2", "fc1", "out"} : std::vector<std::string>{"out"};
  }
  Shape input_shape() const override { return conv_ ? Shape{1, 28, 28} : Shape{784}; }

 private:
  NetworkOptions options_;
  bool conv_;
  nn::SequentialState net_;
  std::shared_ptr<nn::Conv2d> first_conv_;
  std::shared_ptr<nn::Linear> first_fc_;
};

}  // namespace

Tensor sequence_current(const Tensor& images, const NetworkOptions& o, const Shape& sample_shape) {
  Shape step = sample_shape;
  step.insert(step.begin(), images.size(0));
  step.insert(step.begin(), 1);
  Shape steps = step;
  steps[0] = o.time_steps;
  return add(zeros(steps, images.device()), input_current(images, o).reshape(step));
}

std::unique_ptr<Network> make_network(const NetworkOptions& options, Generator& init) {
  NORSE_CHECK(options.time_steps >= 1, InvalidArgument, "mnist", "--time_steps must be >= 1, got ", options.time_steps);
  if (options.model == "conv") return std::make_unique<ConvNet>(options, init);
  if (options.model == "fc") return std::make_unique<FcNet>(options, init);
  if (options.model == "conv_box" || options.model == "fc_box") return std::make_unique<BoxNet>(options, init);
  throw InvalidArgument(
      str_cat("mnist: unknown --model '", options.model, "'; valid models are: conv, fc, conv_box, fc_box"));
}

std::vector<std::pair<std::string, double>> input_densities(const Activity& activity) {
  std::vector<std::pair<std::string, double>> out;
  for (const auto& [layer, input] : activity.layer_inputs) {
    out.emplace_back(
        layer, static_cast<double>(count_nonzero(input)) / static_cast<double>(std::max<int64_t>(input.numel(), 1)));
  }
  return out;
}

}  // namespace mnist
}  // namespace norse
