#include "models/event_ops.h"

#include <algorithm>
#include <memory>

#include "kernels/event_conv.h"
#include "kernels/event_linear.h"

namespace norse {
namespace {
// Whether a declared spike input with `count` non-zero entries out of `numel` is sparse enough
// for the event-driven path; a non-zero entry other than 1 is the caller's error.
bool sparse_enough(const char* op, const char* dense_op, int64_t count, bool non_binary, int64_t numel,
                   float max_density) {
  NORSE_CHECK(!non_binary, InvalidArgument, op,
              "argument 'spikes' must hold only 0 and 1 (it was declared a spike input), but has other non-zero "
              "values; use ",
              dense_op, " for it");
  return static_cast<double>(count) / static_cast<double>(std::max<int64_t>(numel, 1)) <= max_density;
}
}  // namespace

Variable spike_conv2d(const Variable& spikes, const Variable& weight, const Variable& bias,
                      const Conv2dOptions& options, float max_density, bool* used_events) {
  if (used_events) *used_events = false;
  NORSE_CHECK(spikes.defined() && spikes.dim() == 4, ShapeError, "spike_conv2d",
              "argument 'spikes' must be [B, C, H, W], got ",
              spikes.defined() ? shape_to_string(spikes.shape()) : std::string("undefined"));
  NORSE_CHECK(weight.defined() && weight.dim() == 4, ShapeError, "spike_conv2d",
              "argument 'weight' must be [C_out, C_in, kh, kw], got ",
              weight.defined() ? shape_to_string(weight.shape()) : std::string("undefined"));
  const bool supported = options.stride == Size2(1) && options.dilation == Size2(1) && options.groups == 1 &&
                         options.padding.h == options.padding.w && spikes.value().device() == Device::kCPU &&
                         weight.size(1) == spikes.size(1);
  if (!supported || max_density <= 0.0f || spikes.numel() == 0) return conv2d(spikes, weight, bias, options);

  const Tensor x = spikes.value().contiguous();
  const kernels::EventConvShape shape{x.size(0),      x.size(1),      x.size(2),      x.size(3),
                                      weight.size(0), weight.size(2), weight.size(3), options.padding.h};
  // The dense convolution checks the output size; so must this path before it writes.
  conv_output_size("spike_conv2d", shape.height, shape.kernel_h, 1, shape.padding);
  conv_output_size("spike_conv2d", shape.width, shape.kernel_w, 1, shape.padding);
  NORSE_CHECK(!bias.defined() || bias.shape() == Shape{shape.out_channels}, ShapeError, "spike_conv2d",
              "argument 'bias' must be [", shape.out_channels, "], got ", shape_to_string(bias.shape()));
  auto events = std::make_shared<kernels::SpikeEvents>();
  bool non_binary = false;
  const int64_t count = kernels::count_spike_events(x.data(), shape, events.get(), &non_binary);
  if (!sparse_enough("spike_conv2d", "conv2d", count, non_binary, x.numel(), max_density)) {
    return conv2d(spikes, weight, bias, options);
  }
  kernels::fill_spike_events(x.data(), shape, events.get());

  const Tensor w = weight.value().contiguous();
  const Tensor b = bias.defined() ? bias.value().contiguous() : Tensor();
  Tensor out = Tensor::empty({shape.batch, shape.out_channels, shape.out_h(), shape.out_w()});
  kernels::event_conv2d_forward(*events, w.data(), b.defined() ? b.data() : nullptr, shape, out.data());
  if (used_events) *used_events = true;
  const Shape x_shape = x.shape();
  return record_op("spike_conv2d", out, {spikes, weight, bias},
                   [events, w, x_shape, shape, options](const std::vector<Tensor>& g, const std::vector<bool>& needs) {
                     const Tensor go = g[0].contiguous();
                     Tensor gx, gw, gb;
                     if (needs[0]) gx = conv2d_grad_input(go, w, x_shape, options);
                     if (needs[2]) gb = Tensor::empty({shape.out_channels});
                     if (needs[1]) {
                       gw = Tensor::empty(w.shape());
                       kernels::event_conv2d_grad_weight(*events, go.data(), shape, gw.data(),
                                                         needs[2] ? gb.data() : nullptr);
                     } else if (needs[2]) {
                       gb = sum(go, {0, 2, 3});
                     }
                     return std::vector<Tensor>{gx, gw, gb};
                   });
}

namespace {
Variable dense_linear(const Variable& x, const Variable& weight, const Variable& bias) {
  const Variable y = matmul(x, transpose(weight, 0, 1));
  return bias.defined() ? y + bias : y;
}
}  // namespace

Variable spike_linear(const Variable& spikes, const Variable& weight, const Variable& bias, float max_density,
                      bool* used_events) {
  if (used_events) *used_events = false;
  NORSE_CHECK(weight.defined() && weight.dim() == 2, ShapeError, "spike_linear",
              "argument 'weight' must be [out, in], got ",
              weight.defined() ? shape_to_string(weight.shape()) : std::string("undefined"));
  const int64_t in = weight.size(1), out = weight.size(0);
  NORSE_CHECK(spikes.defined() && spikes.dim() >= 2 && spikes.size(-1) == in, ShapeError, "spike_linear",
              "argument 'spikes' must be [..., ", in, "], got ",
              spikes.defined() ? shape_to_string(spikes.shape()) : std::string("undefined"));
  NORSE_CHECK(!bias.defined() || bias.shape() == Shape{out}, ShapeError, "spike_linear", "argument 'bias' must be [",
              out, "], got ", bias.defined() ? shape_to_string(bias.shape()) : std::string());
  if (spikes.value().device() != Device::kCPU || max_density <= 0.0f || spikes.numel() == 0) {
    return dense_linear(spikes, weight, bias);
  }
  const Tensor x = spikes.value().contiguous();
  const int64_t rows = x.numel() / in;
  auto events = std::make_shared<kernels::LinearEvents>();
  bool non_binary = false;
  const int64_t count = kernels::count_linear_events(x.data(), rows, in, events.get(), &non_binary);
  if (!sparse_enough("spike_linear", "a dense Linear", count, non_binary, x.numel(), max_density)) {
    return dense_linear(spikes, weight, bias);
  }
  kernels::fill_linear_events(x.data(), rows, in, events.get());
  const Tensor w = weight.value().contiguous();
  const Tensor b = bias.defined() ? bias.value().contiguous() : Tensor();
  Shape out_shape = x.shape();
  out_shape.back() = out;
  Tensor y = Tensor::empty(out_shape);
  kernels::event_linear_forward(*events, w.data(), b.defined() ? b.data() : nullptr, rows, in, out, y.data());
  if (used_events) *used_events = true;
  const Shape x_shape = x.shape();
  return record_op("spike_linear", y, {spikes, weight, bias},
                   [events, w, x_shape, rows, in, out](const std::vector<Tensor>& g, const std::vector<bool>& needs) {
                     const Tensor gy = g[0].contiguous().reshape({rows, out});
                     Tensor gx, gw, gb;
                     if (needs[0]) gx = matmul(gy, w).reshape(x_shape);
                     if (needs[1]) {
                       gw = Tensor::empty(w.shape());
                       kernels::event_linear_grad_weight(*events, gy.data(), rows, in, out, gw.data());
                     }
                     if (needs[2]) gb = sum(gy, {0});
                     return std::vector<Tensor>{gx, gw, gb};
                   });
}

}  // namespace norse
