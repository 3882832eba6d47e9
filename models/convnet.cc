#include "models/convnet.h"

namespace norse {
namespace nn {
namespace {
lif::Params lif_params(Surrogate method, float v_th) {
  lif::Params p;
  p.method = method;
  p.alpha = 100.0f;
  p.v_th = Variable(scalar_tensor(v_th));
  return p;
}

int64_t pooled_features(int64_t feature_size) {
  NORSE_CHECK(feature_size >= 12, InvalidArgument, "ConvNet", "argument 'feature_size' must be >= 12, got ",
              feature_size);
  return ((feature_size - 4) / 2 - 4) / 2;
}
}  // namespace

ConvNetBase::ConvNetBase(const ConvNetOptions& options, int64_t channels1, int64_t channels2, int64_t hidden,
                         float conv_threshold, Generator& init)
    : conv1(std::make_shared<Conv2d>(options.num_channels, channels1, 5, init)),
      conv2(std::make_shared<Conv2d>(channels1, channels2, 5, init)),
      fc1(std::make_shared<Linear>(
          pooled_features(options.feature_size) * pooled_features(options.feature_size) * channels2, hidden, init)),
      out(hidden, 10, init),
      lif0(lif_params(options.method, conv_threshold)),
      lif1(lif_params(options.method, conv_threshold)),
      lif2(lif_params(options.method, 1.0f)),
      features_(pooled_features(options.feature_size)),
      lift_conv1_(conv1),
      lift_conv2_(conv2),
      lift_fc1_(fc1),
      lift_pool_(std::make_shared<MaxPool2d>(2)) {
  // conv2 and fc1 read max-pooled spikes: event-driven while they are sparse
  // (models/event_ops.h). Not the read-out: with 10 outputs its dense GEMM is cheaper than
  // listing the spikes (//kernels:event_linear_benchmark).
  conv2->spike_input = true;
  fc1->spike_input = true;
}

ConvNet::ConvNet(Generator& init, const ConvNetOptions& options) : ConvNetBase(options, 20, 50, 500, 1.0f, init) {}

ConvNet4::ConvNet4(Generator& init, const ConvNetOptions& options) : ConvNetBase(options, 32, 64, 1024, 0.7f, init) {}

void ConvNetBase::set_spike_input(bool spikes) { conv1->spike_input = spikes; }

Variable ConvNetBase::forward(const Variable& input, std::vector<std::pair<std::string, Variable>>* trace) {
  NORSE_CHECK(input.defined() && input.dim() == 5, ShapeError, "ConvNet::forward",
              "argument 'input' must be [T, B, C, H, W], got ",
              input.defined() ? shape_to_string(input.shape()) : std::string("undefined"));
  auto record = [trace](const char* name, const Variable& x) {
    if (trace) trace->emplace_back(name, x);
  };
  const int64_t t = input.size(0), b = input.size(1);
  LayerState s0, s1, s2, so;
  Variable z = lif0.forward(lift_conv1_.forward(input), s0);
  record("conv1 LIF", z);
  z = lift_pool_.forward(z);
  record("conv2 input", z);
  z = lif1.forward(mul(lift_conv2_.forward(z), 10.0f), s1);
  record("conv2 LIF", z);
  z = reshape(lift_pool_.forward(z), {t, b, features_ * features_ * conv2->weight.size(0)});
  record("fc1 input", z);
  z = relu(lif2.forward(lift_fc1_.forward(z), s2));
  record("fc1 LIF", z);
  return out.forward(z, so);
}

std::vector<NamedParameter> ConvNetBase::named_parameters() {
  std::vector<NamedParameter> all;
  auto add = [&all](const char* prefix, Module& m) {
    for (auto& [name, p] : m.named_parameters()) all.emplace_back(std::string(prefix) + name, p);
  };
  add("conv1.", *conv1);
  add("conv2.", *conv2);
  add("fc1.", *fc1);
  add("out.", out);
  add("lif0.", lif0);
  add("lif1.", lif1);
  add("lif2.", lif2);
  return all;
}

void ConvNetBase::set_generator(Generator* gen) {
  lif0.set_generator(gen);
  lif1.set_generator(gen);
  lif2.set_generator(gen);
}

}  // namespace nn
}  // namespace norse
