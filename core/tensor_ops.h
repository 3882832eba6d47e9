// Math on plain Tensors (no autograd). These are the forward computations of the
// differentiable ops in core/ops.h and the building blocks of their backwards.
//
// All functions return new contiguous tensors (inputs are never modified, except the `_`-suffixed
// in-place ones, which say so). Inputs may be non-contiguous views. Binary element-wise ops
// broadcast NumPy-style. Large element-wise work is split over threads with parallel_for; every
// result here is bitwise identical for any thread count (reductions use fixed-size blocks).
//
// Index tensors (max() indices, class targets) are float tensors holding exact integers
// (exact up to 2^24).
#ifndef NORSE_CORE_TENSOR_OPS_H_
#define NORSE_CORE_TENSOR_OPS_H_

#include <cstdint>
#include <initializer_list>
#include <vector>

#include "core/generator.h"
#include "core/tensor.h"

namespace norse {

// --- element-wise, unary ------------------------------------------------------------------
Tensor neg(const Tensor& x);
Tensor exp(const Tensor& x);
Tensor log(const Tensor& x);
Tensor tanh(const Tensor& x);
Tensor sigmoid(const Tensor& x);
Tensor relu(const Tensor& x);
Tensor abs(const Tensor& x);
Tensor sqrt(const Tensor& x);
Tensor sin(const Tensor& x);
Tensor cos(const Tensor& x);
Tensor sign(const Tensor& x);  // -1, 0 or 1
Tensor pow(const Tensor& x, float exponent);
Tensor clamp(const Tensor& x, float low, float high);     // low <= high
Tensor heaviside(const Tensor& x);                        // 1 where x > 0 (strictly), else 0
Tensor in_range(const Tensor& x, float low, float high);  // 1 where low <= x <= high, else 0
Tensor add(const Tensor& x, float s);
Tensor mul(const Tensor& x, float s);

// --- element-wise, binary with broadcasting -------------------------------------------------
Tensor add(const Tensor& a, const Tensor& b);
Tensor sub(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, const Tensor& b);
Tensor div(const Tensor& a, const Tensor& b);
Tensor pow(const Tensor& a, const Tensor& b);
Tensor gt(const Tensor& a, const Tensor& b);  // 1 where a > b, else 0
Tensor eq(const Tensor& a, const Tensor& b);  // 1 where a == b, else 0

// dst += src, same shape; dst must be contiguous and not alias src.
void add_(Tensor& dst, const Tensor& src);
// dst += alpha * src, same shape.
void axpy_(Tensor& dst, float alpha, const Tensor& src);

// --- reductions -----------------------------------------------------------------------------
Tensor sum(const Tensor& x);  // shape []
Tensor sum(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim = false);
// The number of entries != 0 (NaN counts, -0 does not): a layer's spike density without
// temporaries.
int64_t count_nonzero(const Tensor& x);
Tensor mean(const Tensor& x);
Tensor mean(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim = false);
struct MaxResult {
  Tensor values;
  Tensor indices;  // position along `dim` of the first maximum
};
MaxResult max(const Tensor& x, int64_t dim, bool keepdim = false);
// Sums `x` down to `shape` (the reverse of broadcasting `shape` up to x.shape()).
Tensor sum_to(const Tensor& x, const Shape& shape);

// --- linear algebra -------------------------------------------------------------------------
// a [..., M, K] @ b [..., K, N] -> [..., M, N]; leading (batch) dimensions broadcast.
// Both inputs need at least 2 dimensions. Goes through the tiled GEMM of core/gemm_cpu.h (deterministic for any thread
// count).
Tensor matmul(const Tensor& a, const Tensor& b);

// --- shape ----------------------------------------------------------------------------------
Tensor concat(const std::vector<Tensor>& tensors, int64_t dim);
Tensor stack(const std::vector<Tensor>& tensors, int64_t dim);
// Brace-list forms, so that concat({a, b}, 0) is not ambiguous with the Variable overloads.
inline Tensor concat(std::initializer_list<Tensor> tensors, int64_t dim) {
  return concat(std::vector<Tensor>(tensors), dim);
}
inline Tensor stack(std::initializer_list<Tensor> tensors, int64_t dim) {
  return stack(std::vector<Tensor>(tensors), dim);
}

// --- neural-network building blocks ---------------------------------------------------------
Tensor softmax(const Tensor& x, int64_t dim);
Tensor log_softmax(const Tensor& x, int64_t dim);

// A size per spatial axis (height, width); one number means both, as PyTorch's int-or-tuple.
struct Size2 {
  int64_t h = 0, w = 0;
  Size2() = default;
  Size2(int64_t both) : h(both), w(both) {}  // NOLINT(google-explicit-constructor): int-or-pair
  Size2(int64_t height, int64_t width) : h(height), w(width) {}
  bool operator==(const Size2& o) const { return h == o.h && w == o.w; }
};
struct Conv2dOptions {
  Size2 stride = 1;
  Size2 padding = 0;   // zeros on both sides of each axis
  Size2 dilation = 1;  // spacing between kernel taps
  int64_t groups = 1;  // channels split into this many independent convolutions (weight [O, C/groups, kh, kw])
};
// Output spatial size of a convolution or pooling window; throws ShapeError naming `op` if <= 0.
int64_t conv_output_size(const char* op, int64_t input, int64_t kernel, int64_t stride, int64_t padding);
// input [B, C, H, W], weight [O, C / groups, kh, kw], bias [O] or undefined -> [B, O, Ho, Wo]
// (torch.nn.functional.conv2d). im2col over the whole batch and one GEMM per group (core/gemm_cpu.h).
Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias, const Conv2dOptions& options);
// The two halves of conv2d's backward (undefined outputs are skipped by the caller).
Tensor conv2d_grad_input(const Tensor& grad_output, const Tensor& weight, const Shape& input_shape,
                         const Conv2dOptions& options);
Tensor conv2d_grad_weight(const Tensor& grad_output, const Tensor& input, const Shape& weight_shape,
                          const Conv2dOptions& options);

// torch.nn.functional.unfold: input [B, C, H, W] -> [B, C*kh*kw, L] with the sliding blocks'
// elements in (c, i, j) order and L = Ho * Wo (zero padding, dilation as in conv2d).
Tensor unfold2d(const Tensor& input, int64_t kh, int64_t kw, int64_t stride = 1, int64_t padding = 0,
                int64_t dilation = 1);

struct Pool2dOptions {
  int64_t kernel_size = 2;
  int64_t stride = 0;  // 0 means kernel_size (PyTorch's default)
  int64_t padding = 0;
};
struct MaxPool2dResult {
  Tensor values;   // [B, C, Ho, Wo]
  Tensor indices;  // flat index into the H*W plane of the chosen input element
};
MaxPool2dResult max_pool2d(const Tensor& input, const Pool2dOptions& options);
// `options` are the forward's (the GPU gathers each input element's gradient from the windows
// that cover it).
Tensor max_pool2d_backward(const Tensor& grad_output, const Tensor& indices, const Shape& input_shape,
                           const Pool2dOptions& options);
// Padding counts towards the divisor (PyTorch's count_include_pad=True default).
Tensor avg_pool2d(const Tensor& input, const Pool2dOptions& options);
Tensor avg_pool2d_backward(const Tensor& grad_output, const Shape& input_shape, const Pool2dOptions& options);

}  // namespace norse

#endif  // NORSE_CORE_TENSOR_OPS_H_
