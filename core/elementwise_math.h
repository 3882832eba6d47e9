// The per-element functions of the tensor math's element-wise ops, as pure NORSE_HD functions:
// the CUDA kernels (core/tensor_ops_cuda.cu) run exactly these, and the CPU's strided
// (broadcasting) path calls them too; the CPU's contiguous fast path uses Eigen's vectorised
// forms of the same formulas.
#ifndef NORSE_CORE_ELEMENTWISE_MATH_H_
#define NORSE_CORE_ELEMENTWISE_MATH_H_

#include <cmath>

#include "core/host_device.h"

namespace norse {

enum class UnaryOp {
  kNeg,
  kExp,
  kLog,
  kTanh,
  kSigmoid,
  kRelu,
  kAbs,
  kSqrt,
  kSin,
  kCos,
  kSign,
  kSquare,
  kPow,        // x^a
  kClamp,      // min(max(x, a), b)
  kHeaviside,  // 1 where x > 0
  kInRange,    // 1 where a <= x <= b
  kAddScalar,  // x + a
  kMulScalar,  // x * a
};

enum class BinaryOp { kAdd, kSub, kMul, kDiv, kPow, kGt, kEq };

NORSE_HD inline float apply_unary(UnaryOp op, float x, float a, float b) {
  switch (op) {
    case UnaryOp::kNeg:
      return -x;
    case UnaryOp::kExp:
      return expf(x);
    case UnaryOp::kLog:
      return logf(x);
    case UnaryOp::kTanh:
      return tanhf(x);
    case UnaryOp::kSigmoid:
      return 1.0f / (1.0f + expf(-x));  // exp(-x) = inf gives 0, no NaN
    case UnaryOp::kRelu:
      return x > 0.0f ? x : (x == x ? 0.0f : x);  // NaN stays NaN, as Eigen's max keeps it
    case UnaryOp::kAbs:
      return fabsf(x);
    case UnaryOp::kSqrt:
      return sqrtf(x);
    case UnaryOp::kSin:
      return sinf(x);
    case UnaryOp::kCos:
      return cosf(x);
    case UnaryOp::kSign:
      return static_cast<float>(x > 0.0f) - static_cast<float>(x < 0.0f);
    case UnaryOp::kSquare:
      return x * x;
    case UnaryOp::kPow:
      return powf(x, a);
    case UnaryOp::kClamp:
      return fminf(fmaxf(x, a), b);
    case UnaryOp::kHeaviside:
      return x > 0.0f ? 1.0f : 0.0f;
    case UnaryOp::kInRange:
      return (x >= a && x <= b) ? 1.0f : 0.0f;
    case UnaryOp::kAddScalar:
      return x + a;
    case UnaryOp::kMulScalar:
      return x * a;
  }
  return x;
}

NORSE_HD inline float apply_binary(BinaryOp op, float x, float y) {
  switch (op) {
    case BinaryOp::kAdd:
      return x + y;
    case BinaryOp::kSub:
      return x - y;
    case BinaryOp::kMul:
      return x * y;
    case BinaryOp::kDiv:
      return x / y;
    case BinaryOp::kPow:
      return powf(x, y);
    case BinaryOp::kGt:
      return x > y ? 1.0f : 0.0f;
    case BinaryOp::kEq:
      return x == y ? 1.0f : 0.0f;
  }
  return x;
}

}  // namespace norse

#endif  // NORSE_CORE_ELEMENTWISE_MATH_H_
