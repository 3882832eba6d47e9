#include "models/layers.h"

#include <cmath>

#include "models/event_ops.h"

namespace norse {
namespace nn {

void Module::zero_grad() {
  for (auto& [name, p] : named_parameters()) {
    (void)name;
    if (p->defined()) p->zero_grad();
  }
}

void Module::to(Device device) {
  for (auto& [name, p] : named_parameters()) {
    (void)name;
    if (!p->defined()) continue;
    p->zero_grad();
    p->mutable_value() = p->value().to(device);
  }
}

namespace {
// PyTorch's default: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weight (kaiming_uniform_ with
// a = sqrt(5): gain sqrt(2/(1+5)), bound gain*sqrt(3/fan_in) = 1/sqrt(fan_in)) and bias.
Variable uniform_parameter(const Shape& shape, int64_t fan_in, Generator& init) {
  const float bound = 1.0f / std::sqrt(static_cast<float>(fan_in));
  return Variable(rand(shape, init, -bound, bound), true);
}
}  // namespace

Linear::Linear(int64_t in_features, int64_t out_features, Generator& init, bool with_bias) {
  NORSE_CHECK(in_features > 0 && out_features > 0, InvalidArgument, "Linear",
              "in_features and out_features must be > 0, got ", in_features, " and ", out_features);
  weight = uniform_parameter({out_features, in_features}, in_features, init);
  if (with_bias) bias = uniform_parameter({out_features}, in_features, init);
}

Variable Linear::forward(const Variable& input) {
  NORSE_CHECK(input.defined() && input.dim() >= 1 && input.size(-1) == weight.size(1), ShapeError, "Linear",
              "argument 'input' must be [..., ", weight.size(1), "], got ",
              input.defined() ? shape_to_string(input.shape()) : std::string("undefined"));
  if (spike_input && input.dim() >= 2) return spike_linear(input, weight, bias);
  Variable y = matmul(input.dim() == 1 ? reshape(input, {1, input.size(0)}) : input, transpose(weight, 0, 1));
  if (input.dim() == 1) y = reshape(y, {weight.size(0)});
  return bias.defined() ? y + bias : y;
}

std::vector<NamedParameter> Linear::named_parameters() {
  std::vector<NamedParameter> out = {{"weight", &weight}};
  if (bias.defined()) out.emplace_back("bias", &bias);
  return out;
}

Conv2d::Conv2d(int64_t in_channels, int64_t out_channels, int64_t kernel_size, Generator& init, int64_t stride,
               int64_t padding, bool with_bias)
    : options{stride, padding, 1, 1} {
  NORSE_CHECK(in_channels > 0 && out_channels > 0 && kernel_size > 0, InvalidArgument, "Conv2d",
              "channels and kernel_size must be > 0, got ", in_channels, ", ", out_channels, ", ", kernel_size);
  const int64_t fan_in = in_channels * kernel_size * kernel_size;
  weight = uniform_parameter({out_channels, in_channels, kernel_size, kernel_size}, fan_in, init);
  if (with_bias) bias = uniform_parameter({out_channels}, fan_in, init);
}

Variable Conv2d::forward(const Variable& input) {
  return spike_input ? spike_conv2d(input, weight, bias, options) : conv2d(input, weight, bias, options);
}

std::vector<NamedParameter> Conv2d::named_parameters() {
  std::vector<NamedParameter> out = {{"weight", &weight}};
  if (bias.defined()) out.emplace_back("bias", &bias);
  return out;
}

Dropout::Dropout(float p, Generator& gen) : Dropout(p) { gen_ = &gen; }

Dropout::Dropout(float p) : p_(p) {
  NORSE_CHECK(p >= 0.0f && p < 1.0f, InvalidArgument, "Dropout", "argument 'p' must be in [0, 1), got ", p);
}

Variable Dropout::forward(const Variable& input) {
  if (!is_training() || p_ == 0.0f) return input;
  NORSE_CHECK(gen_ != nullptr, InvalidArgument, "Dropout",
              "no generator: construct it with one or call set_generator on it or its container");
  return dropout(input, p_, true, *gen_);
}

Variable Flatten::forward(const Variable& input) {
  const int64_t rank = input.dim();
  const int64_t s = wrap_dim("Flatten", start_, rank), e = wrap_dim("Flatten", end_, rank);
  NORSE_CHECK(s <= e, InvalidArgument, "Flatten", "start_dim ", start_, " comes after end_dim ", end_);
  Shape shape;
  for (int64_t d = 0; d < s; ++d) shape.push_back(input.size(d));
  int64_t merged = 1;
  for (int64_t d = s; d <= e; ++d) merged *= input.size(d);
  shape.push_back(merged);
  for (int64_t d = e + 1; d < rank; ++d) shape.push_back(input.size(d));
  return reshape(input, shape);
}

Variable Lift::forward(const Variable& input) {
  NORSE_CHECK(input.defined() && input.dim() >= 2, ShapeError, "Lift", "argument 'input' must be [T, B, ...], got ",
              input.defined() ? shape_to_string(input.shape()) : std::string("undefined"));
  const int64_t t = input.size(0), b = input.size(1);
  Shape merged = {t * b};
  for (int64_t d = 2; d < input.dim(); ++d) merged.push_back(input.size(d));
  const Variable y = layer_->forward(reshape(input, merged));
  Shape out = {t, b};
  for (int64_t d = 1; d < y.dim(); ++d) out.push_back(y.size(d));
  return reshape(y, out);
}

void Lift::train(bool on) {
  Module::train(on);
  layer_->train(on);
}

}  // namespace nn
}  // namespace norse
