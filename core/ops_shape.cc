// Differentiable matmul, shape ops and reductions: each forward followed by its backward.
#include <algorithm>

#include "core/cuda_tensor_ops.h"
#include "core/error.h"
#include "core/ops.h"
#include "core/tensor_ops_device.h"

namespace norse {

using Grads = std::vector<Tensor>;
using Needs = std::vector<bool>;

// --- matmul -------------------------------------------------------------------------------------

Variable matmul(const Variable& a, const Variable& b) {
  const Tensor av = a.value(), bv = b.value();
  return record_op("matmul", matmul(av, bv), {a, b}, [av, bv](const Grads& g, const Needs& n) {
    // dA = G @ B^T, dB = A^T @ G; transposed views are read in place by the GEMM. Broadcast
    // batch dimensions are summed back.
    Tensor ga, gb;
    if (n[0]) ga = sum_to(matmul(g[0], bv.transpose(-1, -2)), av.shape());
    if (n[1]) gb = sum_to(matmul(av.transpose(-1, -2), g[0]), bv.shape());
    return Grads{ga, gb};
  });
}

// --- shape ----------------------------------------------------------------------------------------

Variable reshape(const Variable& x, const Shape& shape) {
  const Shape in_shape = x.shape();
  return record_op("reshape", x.value().reshape(shape), {x},
                   [in_shape](const Grads& g, const Needs&) { return Grads{g[0].reshape(in_shape)}; });
}

Variable permute(const Variable& x, const std::vector<int64_t>& dims) {
  Tensor out = x.value().permute(dims);  // validates dims
  std::vector<int64_t> inverse(dims.size());
  for (size_t i = 0; i < dims.size(); ++i) {
    inverse[static_cast<size_t>(wrap_dim("permute", dims[i], x.dim()))] = static_cast<int64_t>(i);
  }
  return record_op("permute", out, {x},
                   [inverse](const Grads& g, const Needs&) { return Grads{g[0].permute(inverse)}; });
}

Variable transpose(const Variable& x, int64_t dim0, int64_t dim1) {
  return record_op("transpose", x.value().transpose(dim0, dim1), {x},
                   [dim0, dim1](const Grads& g, const Needs&) { return Grads{g[0].transpose(dim0, dim1)}; });
}

Variable slice(const Variable& x, int64_t dim, int64_t start, int64_t end, int64_t step) {
  const Shape in_shape = x.shape();
  return record_op("slice", x.value().slice(dim, start, end, step), {x},
                   [in_shape, dim, start, end, step](const Grads& g, const Needs&) {
                     Tensor grad = zeros(in_shape, g[0].device());
                     grad.slice(dim, start, end, step).copy_(g[0]);
                     return Grads{grad};
                   });
}

Variable select(const Variable& x, int64_t dim, int64_t index) {
  const Shape in_shape = x.shape();
  return record_op("select", x.value().select(dim, index), {x}, [in_shape, dim, index](const Grads& g, const Needs&) {
    Tensor grad = zeros(in_shape, g[0].device());
    grad.select(dim, index).copy_(g[0]);
    return Grads{grad};
  });
}

Variable concat(const std::vector<Variable>& xs, int64_t dim) {
  std::vector<Tensor> values;
  for (const Variable& x : xs) values.push_back(x.value());
  Tensor out = concat(values, dim);  // validates
  const int64_t d = wrap_dim("concat", dim, out.dim());
  std::vector<int64_t> sizes;
  for (const Tensor& v : values) sizes.push_back(v.size(d));
  return record_op("concat", out, xs, [d, sizes](const Grads& g, const Needs& n) {
    Grads grads(sizes.size());
    int64_t at = 0;
    for (size_t i = 0; i < sizes.size(); ++i) {
      if (n[i]) grads[i] = g[0].slice(d, at, at + sizes[i]).contiguous();
      at += sizes[i];
    }
    return grads;
  });
}

Variable stack(const std::vector<Variable>& xs, int64_t dim) {
  std::vector<Tensor> values;
  for (const Variable& x : xs) values.push_back(x.value());
  Tensor out = stack(values, dim);  // validates
  const int64_t d = wrap_dim("stack", dim, out.dim());
  return record_op("stack", out, xs, [d](const Grads& g, const Needs& n) {
    Grads grads(n.size());
    for (size_t i = 0; i < n.size(); ++i) {
      if (n[i]) grads[i] = g[0].select(d, static_cast<int64_t>(i)).contiguous();
    }
    return grads;
  });
}

// --- reductions -----------------------------------------------------------------------------------

namespace {
// The shape `x` has after reducing `dims` with keepdim=true.
Shape keepdim_shape(const char* op, const Shape& x, const std::vector<int64_t>& dims) {
  Shape out = x;
  if (dims.empty()) {
    std::fill(out.begin(), out.end(), 1);
  } else {
    for (int64_t d : dims) out[static_cast<size_t>(wrap_dim(op, d, static_cast<int64_t>(x.size())))] = 1;
  }
  return out;
}
}  // namespace

Variable sum(const Variable& x) {
  const Shape in_shape = x.shape();
  return record_op("sum", sum(x.value()), {x}, [in_shape](const Grads& g, const Needs&) {
    return Grads{full(in_shape, g[0].item(), g[0].device())};
  });
}

Variable sum(const Variable& x, const std::vector<int64_t>& dims, bool keepdim) {
  const Shape in_shape = x.shape();
  Tensor out = sum(x.value(), dims, keepdim);
  const Shape kept = keepdim_shape("sum", in_shape, dims);
  return record_op("sum_dims", out, {x}, [in_shape, kept](const Grads& g, const Needs&) {
    return Grads{g[0].reshape(kept).expand(in_shape).contiguous()};
  });
}

Variable mean(const Variable& x) {
  const Shape in_shape = x.shape();
  const float inv = 1.0f / static_cast<float>(x.numel());
  return record_op("mean", mean(x.value()), {x}, [in_shape, inv](const Grads& g, const Needs&) {
    return Grads{full(in_shape, g[0].item() * inv, g[0].device())};
  });
}

Variable mean(const Variable& x, const std::vector<int64_t>& dims, bool keepdim) {
  const Shape in_shape = x.shape();
  Tensor out = mean(x.value(), dims, keepdim);
  const Shape kept = keepdim_shape("mean", in_shape, dims);
  const float inv = static_cast<float>(shape_numel(kept)) / static_cast<float>(std::max<int64_t>(1, x.numel()));
  return record_op("mean_dims", out, {x}, [in_shape, kept, inv](const Grads& g, const Needs&) {
    return Grads{mul(g[0].reshape(kept).expand(in_shape), inv)};
  });
}

VariableMax max(const Variable& x, int64_t dim, bool keepdim) {
  MaxResult r = max(x.value(), dim, keepdim);
  const Shape in_shape = x.shape();
  const int64_t d = wrap_dim("max", dim, x.dim());
  const Tensor indices = r.indices;
  Variable values = record_op("max", r.values, {x}, [in_shape, d, indices](const Grads& g, const Needs&) {
    // Scatter each gradient to the position of its maximum along `d`.
    Shape kept = in_shape;
    kept[static_cast<size_t>(d)] = 1;
    const Tensor gk = g[0].reshape(kept).contiguous();
    const Tensor ik = indices.reshape(kept).contiguous();
    int64_t outer = 1, inner = 1;
    for (int64_t i = 0; i < d; ++i) outer *= in_shape[static_cast<size_t>(i)];
    for (size_t i = static_cast<size_t>(d) + 1; i < in_shape.size(); ++i) inner *= in_shape[i];
    const int64_t size = in_shape[static_cast<size_t>(d)];
    if (gk.device() == Device::kCUDA) {
      Tensor grad = Tensor::empty(in_shape, Device::kCUDA);  // every element written
      cuda_tensor_ops("max").max_dim_backward(gk.device_data(), ik.device_data(), outer, size, inner,
                                              grad.device_data());
      return Grads{grad};
    }
    // The same gather as the CUDA kernel (core/tensor_ops_device.h).
    Tensor grad = Tensor::empty(in_shape);
    const float* gp = gk.data();
    const float* ip = ik.data();
    float* dst = grad.data();
    for (int64_t k = 0; k < outer * size * inner; ++k)
      dst[k] = device_math::max_dim_backward_at(gp, ip, size, inner, k);
    return Grads{grad};
  });
  return VariableMax{values, indices};
}

}  // namespace norse
