// Differentiable neural-network ops: softmax family, losses, convolution, pooling, dropout.
// Each forward is followed by the backward it records.
#include <cmath>

#include "core/error.h"
#include "core/ops.h"

namespace norse {

using Grads = std::vector<Tensor>;
using Needs = std::vector<bool>;

Variable softmax(const Variable& x, int64_t dim) {
  const Tensor y = softmax(x.value(), dim);
  return record_op("softmax", y, {x}, [y, dim](const Grads& g, const Needs&) {
    // dx = y * (g - sum(g * y, dim))
    return Grads{mul(y, sub(g[0], sum(mul(g[0], y), {dim}, /*keepdim=*/true)))};
  });
}

Variable log_softmax(const Variable& x, int64_t dim) {
  const Tensor y = log_softmax(x.value(), dim);
  return record_op("log_softmax", y, {x}, [y, dim](const Grads& g, const Needs&) {
    // dx = g - softmax(x) * sum(g, dim)
    return Grads{sub(g[0], mul(exp(y), sum(g[0], {dim}, /*keepdim=*/true)))};
  });
}

namespace {
// Validates class targets for [N, C] scores and returns them as integers.
std::vector<int64_t> class_targets(const char* op, const Shape& scores, const Tensor& targets) {
  check_rank(op, "input", 2, scores, "[N, C]");
  NORSE_CHECK(targets.defined(), InvalidArgument, op, "argument 'targets' is undefined");
  check_shape(op, "targets", {scores[0]}, targets.shape());
  const Tensor t = targets.contiguous();
  std::vector<int64_t> out(static_cast<size_t>(scores[0]));
  for (int64_t i = 0; i < scores[0]; ++i) {
    const float v = t.data()[i];
    NORSE_CHECK(v == std::floor(v) && v >= 0.0f && v < static_cast<float>(scores[1]), InvalidArgument, op,
                "argument 'targets' must hold class indices in [0, ", scores[1], "), got ", v, " at index ", i);
    out[static_cast<size_t>(i)] = static_cast<int64_t>(v);
  }
  return out;
}
}  // namespace

Variable nll_loss(const Variable& log_probs, const Tensor& targets) {
  const Shape shape = log_probs.shape();
  // Targets are validated on the host (a cuda tensor is copied: N floats).
  const std::vector<int64_t> cls =
      class_targets("nll_loss", shape, targets.defined() ? targets.to(Device::kCPU) : targets);
  NORSE_CHECK(shape[0] > 0, ShapeError, "nll_loss", "argument 'input' has an empty batch");
  if (log_probs.value().device() == Device::kCUDA) {
    // loss = sum(log_probs * w) with w = -1/N at each target: the GPU's element-wise and
    // reduction kernels; the backward is g * w.
    Tensor weights = zeros(shape);
    const float w = -1.0f / static_cast<float>(shape[0]);
    for (int64_t i = 0; i < shape[0]; ++i) weights.data()[i * shape[1] + cls[static_cast<size_t>(i)]] = w;
    const Tensor wd = weights.to(Device::kCUDA);
    return record_op("nll_loss", sum(mul(log_probs.value(), wd)), {log_probs},
                     [wd](const Grads& g, const Needs&) { return Grads{mul(wd, g[0])}; });
  }
  const Tensor lp = log_probs.value().contiguous();
  double total = 0.0;
  for (int64_t i = 0; i < shape[0]; ++i) total -= lp.data()[i * shape[1] + cls[static_cast<size_t>(i)]];
  const float n = static_cast<float>(shape[0]);
  return record_op("nll_loss", scalar_tensor(static_cast<float>(total / n)), {log_probs},
                   [shape, cls, n](const Grads& g, const Needs&) {
                     Tensor grad = zeros(shape);
                     const float v = -g[0].item() / n;
                     for (int64_t i = 0; i < shape[0]; ++i) {
                       grad.data()[i * shape[1] + cls[static_cast<size_t>(i)]] = v;
                     }
                     return Grads{grad};
                   });
}

Variable cross_entropy(const Variable& logits, const Tensor& targets) {
  check_rank("cross_entropy", "logits", 2, logits.shape(), "[N, C]");
  return nll_loss(log_softmax(logits, 1), targets);
}

Variable mse_loss(const Variable& input, const Variable& target) {
  check_shape("mse_loss", "target", input.shape(), target.shape());
  NORSE_CHECK(input.numel() > 0, ShapeError, "mse_loss", "inputs are empty");
  const Tensor diff = sub(input.value(), target.value());
  const float n = static_cast<float>(diff.numel());
  return record_op("mse_loss", mean(pow(diff, 2.0f)), {input, target}, [diff, n](const Grads& g, const Needs& need) {
    const Tensor gi = mul(diff, 2.0f * g[0].item() / n);
    return Grads{need[0] ? gi : Tensor(), need[1] ? neg(gi) : Tensor()};
  });
}

Variable conv2d(const Variable& input, const Variable& weight, const Variable& bias, const Conv2dOptions& options) {
  const Tensor x = input.value(), w = weight.value();
  const Tensor b = bias.defined() ? bias.value() : Tensor();
  Tensor out = conv2d(x, w, b, options);
  return record_op("conv2d", out, {input, weight, bias}, [x, w, options](const Grads& g, const Needs& n) {
    Tensor gx, gw, gb;
    if (n[0]) gx = conv2d_grad_input(g[0], w, x.shape(), options);
    if (n[1]) gw = conv2d_grad_weight(g[0], x, w.shape(), options);
    if (n[2]) gb = sum(g[0], {0, 2, 3});
    return Grads{gx, gw, gb};
  });
}

Variable max_pool2d(const Variable& input, const Pool2dOptions& options) {
  MaxPool2dResult r = max_pool2d(input.value(), options);
  const Shape in_shape = input.shape();
  const Tensor indices = r.indices;
  return record_op("max_pool2d", r.values, {input}, [in_shape, indices, options](const Grads& g, const Needs&) {
    return Grads{max_pool2d_backward(g[0], indices, in_shape, options)};
  });
}

Variable avg_pool2d(const Variable& input, const Pool2dOptions& options) {
  const Shape in_shape = input.shape();
  return record_op("avg_pool2d", avg_pool2d(input.value(), options), {input},
                   [in_shape, options](const Grads& g, const Needs&) {
                     return Grads{avg_pool2d_backward(g[0], in_shape, options)};
                   });
}

Variable dropout(const Variable& x, float p, bool training, Generator& gen) {
  NORSE_CHECK(p >= 0.0f && p < 1.0f, InvalidArgument, "dropout", "argument 'p' must be in [0, 1), got ", p);
  if (!training || p == 0.0f) return x;
  // The mask is drawn on the host (the same Philox stream on any device) and copied over.
  const Tensor mask = mul(bernoulli(x.shape(), 1.0f - p, gen), 1.0f / (1.0f - p)).to(x.value().device());
  return record_op("dropout", mul(x.value(), mask), {x},
                   [mask](const Grads& g, const Needs&) { return Grads{mul(g[0], mask)}; });
}

}  // namespace norse
