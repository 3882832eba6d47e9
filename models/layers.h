// Stateless layers with PyTorch's parameter layouts and default initialisation
// (torch.nn.Linear / Conv2d: weight and bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)), i.e.
// kaiming_uniform_(a=sqrt(5)) for the weight), and Norse's Lift.
#ifndef NORSE_MODELS_LAYERS_H_
#define NORSE_MODELS_LAYERS_H_

#include <memory>

#include "models/module.h"

namespace norse {
namespace nn {

// y = x @ W^T + b; x [..., in], W [out, in], b [out].
class Linear : public Layer {
 public:
  Linear(int64_t in_features, int64_t out_features, Generator& init, bool bias = true);
  Variable forward(const Variable& input) override;
  std::vector<NamedParameter> named_parameters() override;
  Variable weight, bias;  // bias undefined when constructed with bias = false
  // The input holds spikes (0 and 1): forward runs event-driven when they are sparse enough
  // (models/event_ops.h).
  bool spike_input = false;
};

// x [B, C_in, H, W] -> [B, C_out, Ho, Wo]; weight [C_out, C_in, k, k], bias [C_out].
class Conv2d : public Layer {
 public:
  Conv2d(int64_t in_channels, int64_t out_channels, int64_t kernel_size, Generator& init, int64_t stride = 1,
         int64_t padding = 0, bool bias = true);
  Variable forward(const Variable& input) override;
  std::vector<NamedParameter> named_parameters() override;
  Variable weight, bias;
  Conv2dOptions options;
  // The input holds spikes (0 and 1: a spike function's output, max-pooled spikes): forward
  // runs event-driven when they are sparse enough (models/event_ops.h).
  bool spike_input = false;
};

class MaxPool2d : public Layer {
 public:
  explicit MaxPool2d(int64_t kernel_size, int64_t stride = 0, int64_t padding = 0)
      : options_{kernel_size, stride, padding} {}
  Variable forward(const Variable& input) override { return max_pool2d(input, options_); }

 private:
  Pool2dOptions options_;
};

class AvgPool2d : public Layer {
 public:
  explicit AvgPool2d(int64_t kernel_size, int64_t stride = 0, int64_t padding = 0)
      : options_{kernel_size, stride, padding} {}
  Variable forward(const Variable& input) override { return avg_pool2d(input, options_); }
  const Pool2dOptions& options() const { return options_; }

 private:
  Pool2dOptions options_;
};

// Inverted dropout in training mode, identity in evaluation mode. Draws from `gen`, which
// must outlive the layer, or from the generator its container passes (set_generator).
class Dropout : public Layer {
 public:
  Dropout(float p, Generator& gen);
  explicit Dropout(float p);
  Variable forward(const Variable& input) override;
  void set_generator(Generator* gen) override { gen_ = gen; }

 private:
  float p_;
  Generator* gen_ = nullptr;
};

// Flattens dimensions start_dim..end_dim into one (PyTorch's defaults: 1 and -1).
class Flatten : public Layer {
 public:
  explicit Flatten(int64_t start_dim = 1, int64_t end_dim = -1) : start_(start_dim), end_(end_dim) {}
  Variable forward(const Variable& input) override;
  int64_t start_dim() const { return start_; }
  int64_t end_dim() const { return end_; }

 private:
  int64_t start_, end_;
};

// y = relu(x), as a layer.
class ReLU : public Layer {
 public:
  Variable forward(const Variable& input) override { return relu(input); }
};

// Norse's Lift: applies a stateless layer to every time step of a [T, B, ...] input. The layer
// runs ONCE on the [T*B, ...] batch (one GEMM / one im2col for all steps), then the result is
// reshaped back to [T, B, ...].
class Lift : public Layer {
 public:
  explicit Lift(std::shared_ptr<Layer> layer) : layer_(std::move(layer)) {}
  Variable forward(const Variable& input) override;
  std::vector<NamedParameter> named_parameters() override { return layer_->named_parameters(); }
  void train(bool on = true) override;
  void set_generator(Generator* gen) override { layer_->set_generator(gen); }
  Layer& layer() { return *layer_; }

 private:
  std::shared_ptr<Layer> layer_;
};

}  // namespace nn
}  // namespace norse

#endif  // NORSE_MODELS_LAYERS_H_
