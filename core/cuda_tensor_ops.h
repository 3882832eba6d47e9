// How the tensor math (core/tensor_ops.h) reaches the GPU without depending on CUDA: the CUDA
// library //core:cuda_tensor_ops (linked with --config=cuda) registers one CudaTensorOps at
// start-up; the functions of core/tensor_ops.h send cuda inputs to it, after doing the shape
// checks, broadcasting and layout work on the host exactly as for the CPU. Without the library,
// cuda_tensor_ops(op) throws DeviceError naming the op and what to link.
//
// Every pointer here is device memory; every array is contiguous row-major unless its strides
// are passed. Calls are asynchronous on the default stream (stream order makes the caching
// allocator's reuse safe) and check their launches (CudaError naming the kernel or cuBLAS call).
#ifndef NORSE_CORE_CUDA_TENSOR_OPS_H_
#define NORSE_CORE_CUDA_TENSOR_OPS_H_

#include <cstdint>

#include "core/elementwise_math.h"

namespace norse {

// The most dimensions a strided (broadcasting) CUDA kernel walks.
constexpr int kCudaMaxDims = 8;

// A 2-D convolution's sizes (input [batch, channels, height, width], weight [out_channels,
// channels, kh, kw], output [batch, out_channels, out_h, out_w]).
struct ConvDims {
  int64_t batch, channels, height, width;
  int64_t out_channels, kh, kw;
  int64_t out_h, out_w;
  int64_t stride_h, stride_w, pad_h, pad_w, dil_h, dil_w;
};

// A 2-D pooling window over `planes` = batch * channels planes of height x width.
struct PoolDims {
  int64_t planes, height, width, kernel, stride, padding, out_h, out_w;
};

class CudaTensorOps {
 public:
  virtual ~CudaTensorOps() = default;

  // out[i] = apply_unary(op, x[i], a, b), i < n.
  virtual void unary(UnaryOp op, const float* x, float* out, int64_t n, float a, float b) const = 0;
  // out (contiguous, `shape`, `rank` <= kCudaMaxDims) = apply_binary(op, a, b), with a and b
  // read through their (broadcast: 0 on expanded dims) element strides.
  virtual void binary(BinaryOp op, const float* a, const int64_t* a_strides, const float* b, const int64_t* b_strides,
                      const int64_t* shape, int rank, float* out) const = 0;
  // dst[i] += alpha * src[i], i < n.
  virtual void axpy(float* dst, float alpha, const float* src, int64_t n) const = 0;

  // out[0] = the sum of x[0, n) (chunks of 65536 reduced by blocks, then the chunk sums).
  virtual void sum_all(const float* x, int64_t n, float* out) const = 0;
  // out[r] = sum over c of x[r * cols + c] (one block per row, CUB block reduce: deterministic).
  virtual void sum_rows(const float* x, int64_t rows, int64_t cols, float* out) const = 0;
  // out[c] = sum over r of x[r * cols + c] (one thread per column, rows in order).
  virtual void sum_columns(const float* x, int64_t rows, int64_t cols, float* out) const = 0;
  // x viewed as [outer, size, inner]: values/indices [outer, inner] of the first maximum along
  // the middle dimension (NaN wins, as on the CPU).
  virtual void max_dim(const float* x, int64_t outer, int64_t size, int64_t inner, float* values,
                       float* indices) const = 0;
  // The adjoint of max_dim: grad [outer, size, inner] (zeroed here) receives g[o, i] at
  // indices[o, i].
  virtual void max_dim_backward(const float* g, const float* indices, int64_t outer, int64_t size, int64_t inner,
                                float* grad) const = 0;
  // (log_)softmax along the middle dimension of [outer, size, inner].
  virtual void softmax_dim(const float* x, int64_t outer, int64_t size, int64_t inner, bool log, float* out) const = 0;

  // c[m, n] (contiguous) = a[m, k] @ b[k, n] (+ beta * c), a and b row-major with leading
  // stride lda/ldb, or column-major (their transposes stored row-major) when *_col_major.
  virtual void gemm(const float* a, bool a_col_major, int64_t lda, const float* b, bool b_col_major, int64_t ldb,
                    float* c, int64_t m, int64_t k, int64_t n, float beta) const = 0;

  // Convolution by im2col + cuBLAS GEMM over chunks of samples. bias may be nullptr.
  virtual void conv2d(const float* input, const float* weight, const float* bias, const ConvDims& g,
                      float* out) const = 0;
  virtual void conv2d_grad_input(const float* grad_output, const float* weight, const ConvDims& g,
                                 float* grad_input) const = 0;
  virtual void conv2d_grad_weight(const float* grad_output, const float* input, const ConvDims& g,
                                  float* grad_weight) const = 0;

  // Pooling; indices are flat positions in the input plane (as on the CPU).
  virtual void max_pool2d(const float* input, const PoolDims& g, float* values, float* indices) const = 0;
  virtual void max_pool2d_backward(const float* grad_output, const float* indices, const PoolDims& g,
                                   float* grad_input) const = 0;
  virtual void avg_pool2d(const float* input, const PoolDims& g, float* out) const = 0;
  virtual void avg_pool2d_backward(const float* grad_output, const PoolDims& g, float* grad_input) const = 0;
};

// Called once by //core:cuda_tensor_ops's static initialiser.
void register_cuda_tensor_ops(const CudaTensorOps* ops);
// The registered implementation; throws DeviceError naming `op` when none is linked.
const CudaTensorOps& cuda_tensor_ops(const char* op);

}  // namespace norse

#endif  // NORSE_CORE_CUDA_TENSOR_OPS_H_
