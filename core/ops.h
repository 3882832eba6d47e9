// Differentiable ops on Variables. Each is defined once in core/ops_*.cc: the forward (through
// the Tensor math of core/tensor_ops.h) and, right under it, the backward it records.
//
// Shapes follow PyTorch: binary element-wise ops broadcast NumPy-style, and their gradients are
// summed back to each input's shape. Every op validates its inputs and throws a norse::Error
// subclass (ShapeError for shapes) naming the op, the argument, the expected and actual values.
//
// Class targets and max() indices are float tensors holding exact integers.
#ifndef NORSE_CORE_OPS_H_
#define NORSE_CORE_OPS_H_

#include <cstdint>
#include <initializer_list>
#include <vector>

#include "core/autograd.h"
#include "core/generator.h"
#include "core/tensor_ops.h"

namespace norse {

// --- element-wise ---------------------------------------------------------------------------
Variable add(const Variable& a, const Variable& b);
Variable sub(const Variable& a, const Variable& b);
Variable mul(const Variable& a, const Variable& b);
Variable div(const Variable& a, const Variable& b);
Variable add(const Variable& a, float s);
Variable mul(const Variable& a, float s);
Variable neg(const Variable& x);
Variable exp(const Variable& x);
Variable log(const Variable& x);
Variable tanh(const Variable& x);
Variable sin(const Variable& x);
Variable cos(const Variable& x);
Variable sqrt(const Variable& x);
Variable sigmoid(const Variable& x);
Variable relu(const Variable& x);  // gradient 0 at x = 0
Variable abs(const Variable& x);   // gradient sign(x), 0 at x = 0
Variable pow(const Variable& x, float exponent);
Variable pow(const Variable& base, const Variable& exponent);  // d/d exponent = out * log(base)
Variable clamp(const Variable& x, float low, float high);      // gradient 1 inside [low, high]

Variable operator+(const Variable& a, const Variable& b);
Variable operator-(const Variable& a, const Variable& b);
Variable operator*(const Variable& a, const Variable& b);
Variable operator/(const Variable& a, const Variable& b);
Variable operator-(const Variable& x);
Variable operator+(const Variable& a, float s);
Variable operator+(float s, const Variable& a);
Variable operator-(const Variable& a, float s);
Variable operator-(float s, const Variable& a);
Variable operator*(const Variable& a, float s);
Variable operator*(float s, const Variable& a);
Variable operator/(const Variable& a, float s);
Variable operator/(float s, const Variable& a);

// --- linear algebra ---------------------------------------------------------------------------
// [..., M, K] @ [..., K, N] -> [..., M, N] (2-D and batched, batch dims broadcast).
Variable matmul(const Variable& a, const Variable& b);

// --- shape --------------------------------------------------------------------------------------
Variable reshape(const Variable& x, const Shape& shape);
Variable permute(const Variable& x, const std::vector<int64_t>& dims);
Variable transpose(const Variable& x, int64_t dim0, int64_t dim1);
Variable slice(const Variable& x, int64_t dim, int64_t start, int64_t end, int64_t step = 1);
Variable select(const Variable& x, int64_t dim, int64_t index);
Variable concat(const std::vector<Variable>& xs, int64_t dim);
Variable stack(const std::vector<Variable>& xs, int64_t dim);
inline Variable concat(std::initializer_list<Variable> xs, int64_t dim) {
  return concat(std::vector<Variable>(xs), dim);
}
inline Variable stack(std::initializer_list<Variable> xs, int64_t dim) { return stack(std::vector<Variable>(xs), dim); }

// --- reductions ---------------------------------------------------------------------------------
Variable sum(const Variable& x);
Variable sum(const Variable& x, const std::vector<int64_t>& dims, bool keepdim = false);
Variable mean(const Variable& x);
Variable mean(const Variable& x, const std::vector<int64_t>& dims, bool keepdim = false);
struct VariableMax {
  Variable values;  // differentiable: the gradient goes to the (first) maximum
  Tensor indices;
};
VariableMax max(const Variable& x, int64_t dim, bool keepdim = false);

// --- neural-network ops -------------------------------------------------------------------------
Variable softmax(const Variable& x, int64_t dim);
Variable log_softmax(const Variable& x, int64_t dim);
// Mean negative log-likelihood: log_probs [N, C], targets [N] with integer values in [0, C).
Variable nll_loss(const Variable& log_probs, const Tensor& targets);
// nll_loss(log_softmax(logits, 1), targets).
Variable cross_entropy(const Variable& logits, const Tensor& targets);
// mean((input - target)^2); shapes must match.
Variable mse_loss(const Variable& input, const Variable& target);
// input [B, C, H, W], weight [O, C, kh, kw], bias [O] or undefined.
Variable conv2d(const Variable& input, const Variable& weight, const Variable& bias, const Conv2dOptions& options = {});
Variable max_pool2d(const Variable& input, const Pool2dOptions& options);
Variable avg_pool2d(const Variable& input, const Pool2dOptions& options);
// Inverted dropout: in training, zeroes each element with probability p (drawn from `gen`) and
// scales the rest by 1/(1-p); when !training, returns x unchanged. p in [0, 1).
Variable dropout(const Variable& x, float p, bool training, Generator& gen);

}  // namespace norse

#endif  // NORSE_CORE_OPS_H_
