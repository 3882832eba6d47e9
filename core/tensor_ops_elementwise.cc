// Element-wise Tensor math: unary maps through Eigen array expressions (vectorised exp, tanh,
// log), binary ops with NumPy broadcasting. Work is split over threads in contiguous chunks.
#include <cmath>

#include <Eigen/Core>

#include "core/cuda_tensor_ops.h"
#include "core/error.h"
#include "core/parallel.h"
#include "core/tensor_ops.h"

namespace norse {
namespace {

using ArrayMap = Eigen::Map<Eigen::ArrayXf>;
using ConstArrayMap = Eigen::Map<const Eigen::ArrayXf>;

constexpr int64_t kElementwiseGrain = 16384;  // below this, threads cost more than they save

// out = expr(x) chunk by chunk, with `expr` an Eigen array expression builder; on cuda, the
// kernel of core/elementwise_math.h's `op` (with its scalars a, b).
template <typename Expr>
Tensor map_unary(const char* name, const Tensor& x, UnaryOp op, float a, float b, Expr expr) {
  NORSE_CHECK(x.defined(), InvalidArgument, name, "the input tensor is undefined");
  if (x.device() == Device::kCUDA) {
    const Tensor in = x.contiguous();
    Tensor out = Tensor::empty(in.shape(), Device::kCUDA);
    cuda_tensor_ops(name).unary(op, in.device_data(), out.device_data(), in.numel(), a, b);
    return out;
  }
  const Tensor in = x.contiguous();
  Tensor out = Tensor::empty(in.shape());
  const float* src = in.data();
  float* dst = out.data();
  parallel_for(in.numel(), kElementwiseGrain, [&](int64_t begin, int64_t end) {
    ArrayMap(dst + begin, end - begin) = expr(ConstArrayMap(src + begin, end - begin));
  });
  return out;
}

// Walks the output of a broadcast binary op row by row, tracking the offsets into a and b.
// Each thread starts its own odometer, so any [row_begin, row_end) range can be processed.
template <typename F>
void broadcast_rows(const Shape& out_shape, const std::vector<int64_t>& a_strides, int64_t a_base,
                    const std::vector<int64_t>& b_strides, int64_t b_base, int64_t row_begin, int64_t row_end, F&& f) {
  const size_t rank = out_shape.size();
  const int64_t inner = out_shape[rank - 1];
  std::vector<int64_t> counter(rank, 0);
  int64_t a_off = a_base, b_off = b_base;
  int64_t rem = row_begin;
  for (size_t d = rank - 1; d-- > 0;) {
    counter[d] = rem % out_shape[d];
    rem /= out_shape[d];
    a_off += counter[d] * a_strides[d];
    b_off += counter[d] * b_strides[d];
  }
  for (int64_t row = row_begin; row < row_end; ++row) {
    f(row * inner, a_off, b_off);
    for (size_t d = rank - 1; d-- > 0;) {
      ++counter[d];
      a_off += a_strides[d];
      b_off += b_strides[d];
      if (counter[d] < out_shape[d]) break;
      a_off -= a_strides[d] * out_shape[d];
      b_off -= b_strides[d] * out_shape[d];
      counter[d] = 0;
    }
  }
}

// out = op(a, b) with broadcasting. `fast` is the Eigen expression for equal shapes, `scalar`
// the per-element function for the general strided path.
template <typename Fast, typename Scalar>
Tensor map_binary(const char* name, BinaryOp op, const Tensor& a, const Tensor& b, Fast fast, Scalar scalar) {
  NORSE_CHECK(a.defined() && b.defined(), InvalidArgument, name, "an input tensor is undefined");
  NORSE_CHECK(a.device() == b.device(), DeviceError, name, "inputs are on different devices (", device_name(a.device()),
              " and ", device_name(b.device()), ")");
  const Shape out_shape = broadcast_shapes(name, a.shape(), b.shape());
  if (a.device() == Device::kCUDA) {
    NORSE_CHECK(out_shape.size() <= static_cast<size_t>(kCudaMaxDims), ShapeError, name, "cuda tensors of at most ",
                kCudaMaxDims, " dimensions, got shape ", shape_to_string(out_shape));
    Tensor out = Tensor::empty(out_shape, Device::kCUDA);
    const Tensor ea = a.expand(out_shape), eb = b.expand(out_shape);
    cuda_tensor_ops(name).binary(op, ea.device_data(), ea.strides().data(), eb.device_data(), eb.strides().data(),
                                 out_shape.data(), static_cast<int>(out_shape.size()), out.device_data());
    return out;
  }
  Tensor out = Tensor::empty(out_shape);
  float* dst = out.data();
  if (a.shape() == b.shape() && a.is_contiguous() && b.is_contiguous()) {
    const float* pa = a.data();
    const float* pb = b.data();
    parallel_for(out.numel(), kElementwiseGrain, [&](int64_t begin, int64_t end) {
      const int64_t n = end - begin;
      ArrayMap(dst + begin, n) = fast(ConstArrayMap(pa + begin, n), ConstArrayMap(pb + begin, n));
    });
    return out;
  }
  if (out.numel() == 0) return out;
  if (out_shape.empty()) {
    dst[0] = scalar(a.item(), b.item());
    return out;
  }
  const Tensor ea = a.expand(out_shape);
  const Tensor eb = b.expand(out_shape);
  const float* base_a = ea.data() - ea.offset();
  const float* base_b = eb.data() - eb.offset();
  const int64_t inner = out_shape.back();
  const int64_t rows = out.numel() / inner;
  const int64_t sa = ea.strides().back(), sb = eb.strides().back();
  const int64_t row_grain = std::max<int64_t>(1, kElementwiseGrain / std::max<int64_t>(inner, 1));
  parallel_for(rows, row_grain, [&](int64_t begin, int64_t end) {
    broadcast_rows(out_shape, ea.strides(), ea.offset(), eb.strides(), eb.offset(), begin, end,
                   [&](int64_t out_off, int64_t a_off, int64_t b_off) {
                     const float* pa = base_a + a_off;
                     const float* pb = base_b + b_off;
                     float* po = dst + out_off;
                     for (int64_t j = 0; j < inner; ++j) po[j] = scalar(pa[j * sa], pb[j * sb]);
                   });
  });
  return out;
}

}  // namespace

// --- unary ------------------------------------------------------------------------------------

Tensor neg(const Tensor& x) {
  return map_unary("neg", x, UnaryOp::kNeg, 0.0f, 0.0f, [](const ConstArrayMap& v) { return -v; });
}
Tensor exp(const Tensor& x) {
  return map_unary("exp", x, UnaryOp::kExp, 0.0f, 0.0f, [](const ConstArrayMap& v) { return v.exp(); });
}
Tensor log(const Tensor& x) {
  return map_unary("log", x, UnaryOp::kLog, 0.0f, 0.0f, [](const ConstArrayMap& v) { return v.log(); });
}
Tensor tanh(const Tensor& x) {
  return map_unary("tanh", x, UnaryOp::kTanh, 0.0f, 0.0f, [](const ConstArrayMap& v) { return v.tanh(); });
}
Tensor sigmoid(const Tensor& x) {
  // 1 / (1 + exp(-x)) overflows gracefully: exp(-x) = inf gives 0.
  return map_unary("sigmoid", x, UnaryOp::kSigmoid, 0.0f, 0.0f,
                   [](const ConstArrayMap& v) { return (1.0f + (-v).exp()).inverse(); });
}
Tensor relu(const Tensor& x) {
  return map_unary("relu", x, UnaryOp::kRelu, 0.0f, 0.0f, [](const ConstArrayMap& v) { return v.max(0.0f); });
}
Tensor abs(const Tensor& x) {
  return map_unary("abs", x, UnaryOp::kAbs, 0.0f, 0.0f, [](const ConstArrayMap& v) { return v.abs(); });
}
Tensor sqrt(const Tensor& x) {
  return map_unary("sqrt", x, UnaryOp::kSqrt, 0.0f, 0.0f, [](const ConstArrayMap& v) { return v.sqrt(); });
}
Tensor sin(const Tensor& x) {
  return map_unary("sin", x, UnaryOp::kSin, 0.0f, 0.0f, [](const ConstArrayMap& v) { return v.sin(); });
}
Tensor cos(const Tensor& x) {
  return map_unary("cos", x, UnaryOp::kCos, 0.0f, 0.0f, [](const ConstArrayMap& v) { return v.cos(); });
}
Tensor sign(const Tensor& x) {
  return map_unary("sign", x, UnaryOp::kSign, 0.0f, 0.0f,
                   [](const ConstArrayMap& v) { return (v > 0.0f).cast<float>() - (v < 0.0f).cast<float>(); });
}
Tensor pow(const Tensor& x, float exponent) {
  if (exponent == 2.0f) {
    return map_unary("pow", x, UnaryOp::kSquare, 0.0f, 0.0f, [](const ConstArrayMap& v) { return v.square(); });
  }
  return map_unary("pow", x, UnaryOp::kPow, exponent, 0.0f,
                   [exponent](const ConstArrayMap& v) { return v.pow(exponent); });
}
Tensor clamp(const Tensor& x, float low, float high) {
  NORSE_CHECK(!(low > high), InvalidArgument, "clamp", "argument 'low' (", low, ") must not exceed 'high' (", high,
              ")");
  return map_unary("clamp", x, UnaryOp::kClamp, low, high,
                   [low, high](const ConstArrayMap& v) { return v.max(low).min(high); });
}
Tensor heaviside(const Tensor& x) {
  return map_unary("heaviside", x, UnaryOp::kHeaviside, 0.0f, 0.0f,
                   [](const ConstArrayMap& v) { return (v > 0.0f).cast<float>(); });
}
Tensor in_range(const Tensor& x, float low, float high) {
  return map_unary("in_range", x, UnaryOp::kInRange, low, high,
                   [low, high](const ConstArrayMap& v) { return ((v >= low) && (v <= high)).cast<float>(); });
}
Tensor add(const Tensor& x, float s) {
  return map_unary("add", x, UnaryOp::kAddScalar, s, 0.0f, [s](const ConstArrayMap& v) { return v + s; });
}
Tensor mul(const Tensor& x, float s) {
  return map_unary("mul", x, UnaryOp::kMulScalar, s, 0.0f, [s](const ConstArrayMap& v) { return v * s; });
}

// --- binary -----------------------------------------------------------------------------------

Tensor add(const Tensor& a, const Tensor& b) {
  return map_binary(
      "add", BinaryOp::kAdd, a, b, [](const ConstArrayMap& x, const ConstArrayMap& y) { return x + y; },
      [](float x, float y) { return x + y; });
}
Tensor sub(const Tensor& a, const Tensor& b) {
  return map_binary(
      "sub", BinaryOp::kSub, a, b, [](const ConstArrayMap& x, const ConstArrayMap& y) { return x - y; },
      [](float x, float y) { return x - y; });
}
Tensor mul(const Tensor& a, const Tensor& b) {
  return map_binary(
      "mul", BinaryOp::kMul, a, b, [](const ConstArrayMap& x, const ConstArrayMap& y) { return x * y; },
      [](float x, float y) { return x * y; });
}
Tensor div(const Tensor& a, const Tensor& b) {
  return map_binary(
      "div", BinaryOp::kDiv, a, b, [](const ConstArrayMap& x, const ConstArrayMap& y) { return x / y; },
      [](float x, float y) { return x / y; });
}
Tensor pow(const Tensor& a, const Tensor& b) {
  return map_binary(
      "pow", BinaryOp::kPow, a, b, [](const ConstArrayMap& x, const ConstArrayMap& y) { return x.pow(y); },
      [](float x, float y) { return std::pow(x, y); });
}
Tensor gt(const Tensor& a, const Tensor& b) {
  return map_binary(
      "gt", BinaryOp::kGt, a, b, [](const ConstArrayMap& x, const ConstArrayMap& y) { return (x > y).cast<float>(); },
      [](float x, float y) { return x > y ? 1.0f : 0.0f; });
}
Tensor eq(const Tensor& a, const Tensor& b) {
  return map_binary(
      "eq", BinaryOp::kEq, a, b, [](const ConstArrayMap& x, const ConstArrayMap& y) { return (x == y).cast<float>(); },
      [](float x, float y) { return x == y ? 1.0f : 0.0f; });
}

void add_(Tensor& dst, const Tensor& src) { axpy_(dst, 1.0f, src); }

void axpy_(Tensor& dst, float alpha, const Tensor& src) {
  check_shape("axpy_", "src", dst.shape(), src.shape());
  NORSE_CHECK(dst.is_contiguous(), InvalidArgument, "axpy_", "argument 'dst' must be contiguous");
  NORSE_CHECK(dst.device() == src.device(), DeviceError, "axpy_", "argument 'src' is on ", device_name(src.device()),
              ", 'dst' on ", device_name(dst.device()));
  if (dst.device() == Device::kCUDA) {
    const Tensor s = src.contiguous();
    cuda_tensor_ops("axpy_").axpy(dst.device_data(), alpha, s.device_data(), dst.numel());
    return;
  }
  const Tensor s = src.contiguous();
  float* d = dst.data();
  const float* p = s.data();
  parallel_for(dst.numel(), kElementwiseGrain, [&](int64_t begin, int64_t end) {
    ArrayMap(d + begin, end - begin) += alpha * ConstArrayMap(p + begin, end - begin);
  });
}

}  // namespace norse
