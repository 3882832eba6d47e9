#include "tasks/mnist_model.h"

#include <algorithm>

namespace norse {
namespace mnist {
namespace {

// MNIST's mean and standard deviation, the normalisation of Norse's task (torchvision's
// Normalize((0.1307,), (0.3081,))).
constexpr float kMnistMean = 0.1307f, kMnistStd = 0.3081f;

// Spikes [T, B, 784] of the constant-current LIF encoder for images [B, 28, 28]: the current is
// input_scale * (pixel - mean) / std.
Variable encode_images(const Tensor& images, const NetworkOptions& o) {
  const int64_t batch = images.size(0);
  const Tensor normalised = mul(add(images.reshape({batch, 784}), -kMnistMean), 1.0f / kMnistStd);
  const Tensor current = mul(normalised, o.input_scale);
  return encode::constant_current_lif_encode(Variable(current), o.time_steps);
}

void record(Activity* activity, const char* name, const Variable& spikes) {
  if (activity) activity->spikes.emplace_back(name, spikes.value());
}

// Max over time of the read-out voltage, then log_softmax.
Variable decode(const Variable& voltages) { return log_softmax(max(voltages, 0).values, 1); }

// Norse's ConvNet4 lowers the threshold of the two convolutional LIF layers to 0.7.
lif::Params threshold_07() {
  lif::Params p;
  p.v_th = Variable(scalar_tensor(0.7f));
  return p;
}

class ConvNet : public Network {
 public:
  ConvNet(const NetworkOptions& o, Generator& init)
      : options_(o),
        conv1_(std::make_shared<nn::Conv2d>(1, 32, 5, init)),
        conv2_(std::make_shared<nn::Conv2d>(32, 64, 5, init)),
        fc1_(std::make_shared<nn::Linear>(4 * 4 * 64, 1024, init)),
        out_(1024, 10, init),
        lift_conv1_(conv1_),
        lift_conv2_(conv2_),
        lift_fc1_(fc1_),
        lift_pool_(std::make_shared<nn::MaxPool2d>(2)),
        lif0_(threshold_07()),
        lif1_(threshold_07()) {}

  Variable forward(const Tensor& images, Activity* activity) override {
    const int64_t t = options_.time_steps, b = images.size(0);
    nn::LayerState s0, s1, s2, so;
    Variable z = reshape(encode_images(images, options_), {t, b, 1, 28, 28});
    record(activity, "encoder", z);
    z = lif0_.forward(lift_conv1_.forward(z), s0);
    record(activity, "conv1 LIF", z);
    z = lift_pool_.forward(z);
    z = lif1_.forward(mul(lift_conv2_.forward(z), 10.0f), s1);
    record(activity, "conv2 LIF", z);
    z = lift_pool_.forward(z);
    z = reshape(z, {t, b, 4 * 4 * 64});
    z = relu(lif2_.forward(lift_fc1_.forward(z), s2));
    record(activity, "fc1 LIF", z);
    const Variable v = out_.forward(z, so);
    if (activity) activity->readout_v = v.value();
    return decode(v);
  }
  Tensor first_layer_kernels() const override { return conv1_->weight.value(); }

  std::vector<nn::NamedParameter> named_parameters() override {
    std::vector<nn::NamedParameter> out;
    for (auto& [n, p] : conv1_->named_parameters()) out.emplace_back("conv1." + n, p);
    for (auto& [n, p] : conv2_->named_parameters()) out.emplace_back("conv2." + n, p);
    for (auto& [n, p] : fc1_->named_parameters()) out.emplace_back("fc1." + n, p);
    for (auto& [n, p] : out_.named_parameters()) out.emplace_back("out." + n, p);
    return out;
  }

 private:
  NetworkOptions options_;
  std::shared_ptr<nn::Conv2d> conv1_, conv2_;
  std::shared_ptr<nn::Linear> fc1_;
  nn::LILinearCell out_;
  nn::Lift lift_conv1_, lift_conv2_, lift_fc1_, lift_pool_;
  nn::LIFLayer lif0_, lif1_, lif2_;
};

class FcNet : public Network {
 public:
  FcNet(const NetworkOptions& o, Generator& init)
      : options_(o), fc1_(std::make_shared<nn::Linear>(784, o.hidden, init)), out_(o.hidden, 10, init), lift_fc1_(fc1_) {}

  Variable forward(const Tensor& images, Activity* activity) override {
    nn::LayerState s1, so;
    const Variable x = encode_images(images, options_);
    record(activity, "encoder", x);
    const Variable z = relu(lif1_.forward(lift_fc1_.forward(x), s1));
    record(activity, "fc1 LIF", z);
    const Variable v = out_.forward(z, so);
    if (activity) activity->readout_v = v.value();
    return decode(v);
  }
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

}  // namespace

std::unique_ptr<Network> make_network(const NetworkOptions& options, Generator& init) {
  NORSE_CHECK(options.time_steps >= 1, InvalidArgument, "mnist", "--time_steps must be >= 1, got ", options.time_steps);
  if (options.model == "conv") return std::make_unique<ConvNet>(options, init);
  if (options.model == "fc") return std::make_unique<FcNet>(options, init);
  throw InvalidArgument(str_cat("mnist: unknown --model '", options.model, "'; valid models are: conv, fc"));
}

}  // namespace mnist
}  // namespace norse
