// The CUDA implementation of core/cuda_tensor_ops.h: element-wise kernels running
// core/elementwise_math.h, CUB block reductions, cuBLAS GEMMs, im2col convolution and pooling.
// Each kernel is a grid-stride loop around a per-element function of core/tensor_ops_device.h.
// Registered with the core at start-up (the library is linked whole).
//
// Reductions and scatters are written so that every output element is produced by one thread
// (or one block) in a fixed order: no atomics, so results are identical run to run.
#include <cuda_runtime.h>

#include <algorithm>
#include <cub/block/block_reduce.cuh>

#include "core/cublas.cuh"
#include "core/cuda_check.cuh"
#include "core/cuda_runtime.h"
#include "core/cuda_tensor_ops.h"
#include "core/tensor_ops_device.h"

namespace norse {
namespace {

constexpr int kThreads = 256;
constexpr int kReduceThreads = 256;
// Upper bound on the im2col scratch (floats): 2^27 floats = 512 MiB per chunk of samples.
constexpr int64_t kMaxColsElements = int64_t{1} << 27;

// Blocks for a grid-stride loop over `count` elements.
unsigned grid_for(int64_t count) {
  const int64_t blocks = (count + kThreads - 1) / kThreads;
  return static_cast<unsigned>(std::min<int64_t>(std::max<int64_t>(blocks, 1), 65535 * 16));
}

#define NORSE_GRID_STRIDE(k, count)                                                          \
  for (int64_t k = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; k < (count); \
       k += static_cast<int64_t>(gridDim.x) * blockDim.x)

void check_launch(const char* kernel) {
  const cudaError_t status = cudaGetLastError();
  if (status != cudaSuccess) {
    throw CudaError(str_cat("launching ", kernel, " failed: ", cudaGetErrorString(status)));
  }
}

// Row-major c[m, n] (leading stride ldc) = op(a) @ op(b) + beta * c, where op(a) is a[m, k]
// stored row-major with leading stride lda, or (trans_a) the transpose of a row-major [k, m].
// cuBLAS is column-major: row-major C = A B is column-major C^T = B^T A^T.
void gemm_row_major(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const float* a, int64_t lda,
                    const float* b, int64_t ldb, float* c, int64_t ldc, float beta) {
  if (m == 0 || n == 0) return;
  const float one = 1.0f;
  NORSE_CUBLAS_CHECK(cublasSgemm(cuda::cublas_handle(), trans_b ? CUBLAS_OP_T : CUBLAS_OP_N,
                                 trans_a ? CUBLAS_OP_T : CUBLAS_OP_N, static_cast<int>(n), static_cast<int>(m),
                                 static_cast<int>(k), &one, b, static_cast<int>(std::max<int64_t>(ldb, 1)), a,
                                 static_cast<int>(std::max<int64_t>(lda, 1)), &beta, c,
                                 static_cast<int>(std::max<int64_t>(ldc, 1))));
}

// --- kernels: grid-stride loops around core/tensor_ops_device.h ---------------------------------

using device_math::StridedLayout;

__global__ void unary_kernel(UnaryOp op, const float* x, float* out, int64_t n, float a, float b) {
  NORSE_GRID_STRIDE(k, n) { out[k] = apply_unary(op, x[k], a, b); }
}

__global__ void binary_contiguous_kernel(BinaryOp op, const float* a, const float* b, float* out, int64_t n) {
  NORSE_GRID_STRIDE(k, n) { out[k] = apply_binary(op, a[k], b[k]); }
}

__global__ void binary_strided_kernel(BinaryOp op, const float* a, const float* b, StridedLayout l, float* out,
                                      int64_t n) {
  NORSE_GRID_STRIDE(k, n) { out[k] = device_math::binary_at(op, a, b, l, k); }
}

__global__ void axpy_kernel(float* dst, float alpha, const float* src, int64_t n) {
  NORSE_GRID_STRIDE(k, n) { dst[k] += alpha * src[k]; }
}

// One block per row; each thread adds a strided subset in double, then CUB reduces the block.
// Row r is x[r * cols, min((r + 1) * cols, total)) (the last row of sum_all may be short).
__global__ void sum_rows_kernel(const float* x, int64_t cols, int64_t total, float* out) {
  using BlockReduce = cub::BlockReduce<double, kReduceThreads>;
  __shared__ typename BlockReduce::TempStorage temp;
  const int64_t begin = static_cast<int64_t>(blockIdx.x) * cols;
  const int64_t end = begin + cols < total ? begin + cols : total;
  double acc = 0.0;
  for (int64_t c = begin + threadIdx.x; c < end; c += kReduceThreads) acc += x[c];
  const double row_sum = BlockReduce(temp).Sum(acc);
  if (threadIdx.x == 0) out[blockIdx.x] = static_cast<float>(row_sum);
}

__global__ void sum_columns_kernel(const float* x, int64_t rows, int64_t cols, float* out) {
  NORSE_GRID_STRIDE(c, cols) {
    double acc = 0.0;
    for (int64_t r = 0; r < rows; ++r) acc += x[r * cols + c];
    out[c] = static_cast<float>(acc);
  }
}

__global__ void max_dim_kernel(const float* x, int64_t outer, int64_t size, int64_t inner, float* values,
                               float* indices) {
  NORSE_GRID_STRIDE(k, outer * inner) { device_math::max_dim_at(x, size, inner, k, values + k, indices + k); }
}

__global__ void max_dim_backward_kernel(const float* g, const float* indices, int64_t outer, int64_t size,
                                        int64_t inner, float* grad) {
  NORSE_GRID_STRIDE(k, outer * size * inner) { grad[k] = device_math::max_dim_backward_at(g, indices, size, inner, k); }
}

__global__ void softmax_dim_kernel(const float* x, int64_t outer, int64_t size, int64_t inner, bool log_output,
                                   float* out) {
  NORSE_GRID_STRIDE(k, outer * inner) { device_math::softmax_column(x, size, inner, log_output, k, out); }
}

__global__ void im2col_kernel(const float* input, ConvDims g, int64_t b0, int64_t bc, float* cols) {
  const int64_t n = g.channels * g.kh * g.kw * bc * g.out_h * g.out_w;
  NORSE_GRID_STRIDE(k, n) { cols[k] = device_math::im2col_at(input, g, b0, bc, k); }
}

__global__ void col2im_kernel(const float* cols, ConvDims g, int64_t b0, int64_t bc, float* grad_input) {
  const int64_t per_sample = g.channels * g.height * g.width;
  NORSE_GRID_STRIDE(k, bc * per_sample) { grad_input[b0 * per_sample + k] = device_math::col2im_at(cols, g, bc, k); }
}

__global__ void conv_output_kernel(const float* y, const float* bias, ConvDims g, int64_t bc, float* out) {
  NORSE_GRID_STRIDE(k, bc * g.out_channels * g.out_h * g.out_w) {
    out[k] = device_math::conv_output_at(y, bias, g, bc, k);
  }
}

__global__ void gather_grad_output_kernel(const float* grad_output, ConvDims g, int64_t b0, int64_t bc, float* gm) {
  NORSE_GRID_STRIDE(k, g.out_channels * bc * g.out_h * g.out_w) {
    gm[k] = device_math::gather_grad_output_at(grad_output, g, b0, bc, k);
  }
}

__global__ void max_pool2d_kernel(const float* input, PoolDims g, float* values, float* indices) {
  NORSE_GRID_STRIDE(k, g.planes * g.out_h * g.out_w) {
    device_math::max_pool2d_at(input, g, k, values + k, indices + k);
  }
}

__global__ void max_pool2d_backward_kernel(const float* grad_output, const float* indices, PoolDims g,
                                           float* grad_input) {
  NORSE_GRID_STRIDE(k, g.planes * g.height * g.width) {
    grad_input[k] = device_math::max_pool2d_backward_at(grad_output, indices, g, k);
  }
}

__global__ void avg_pool2d_kernel(const float* input, PoolDims g, float* out) {
  NORSE_GRID_STRIDE(k, g.planes * g.out_h * g.out_w) { out[k] = device_math::avg_pool2d_at(input, g, k); }
}

__global__ void avg_pool2d_backward_kernel(const float* grad_output, PoolDims g, float* grad_input) {
  NORSE_GRID_STRIDE(k, g.planes * g.height * g.width) {
    grad_input[k] = device_math::avg_pool2d_backward_at(grad_output, g, k);
  }
}

// --- the registered implementation --------------------------------------------------------------

class CudaTensorOpsImpl final : public CudaTensorOps {
 public:
  void unary(UnaryOp op, const float* x, float* out, int64_t n, float a, float b) const override {
    if (n == 0) return;
    unary_kernel<<<grid_for(n), kThreads>>>(op, x, out, n, a, b);
    check_launch("unary_kernel");
  }

  void binary(BinaryOp op, const float* a, const int64_t* a_strides, const float* b, const int64_t* b_strides,
              const int64_t* shape, int rank, float* out) const override {
    NORSE_CHECK(rank >= 0 && rank <= kCudaMaxDims, ShapeError, "cuda binary op", "at most ", kCudaMaxDims,
                " dimensions, got ", rank);
    int64_t n = 1;
    bool contiguous = true;
    int64_t expected = 1;
    for (int d = rank - 1; d >= 0; --d) {
      n *= shape[d];
      contiguous = contiguous && (shape[d] == 1 || (a_strides[d] == expected && b_strides[d] == expected));
      expected *= shape[d];
    }
    if (n == 0) return;
    if (contiguous) {
      binary_contiguous_kernel<<<grid_for(n), kThreads>>>(op, a, b, out, n);
      check_launch("binary_contiguous_kernel");
      return;
    }
    const StridedLayout l = device_math::make_strided_layout(shape, a_strides, b_strides, rank, &n);
    binary_strided_kernel<<<grid_for(n), kThreads>>>(op, a, b, l, out, n);
    check_launch("binary_strided_kernel");
  }

  void axpy(float* dst, float alpha, const float* src, int64_t n) const override {
    if (n == 0) return;
    axpy_kernel<<<grid_for(n), kThreads>>>(dst, alpha, src, n);
    check_launch("axpy_kernel");
  }

  void sum_rows(const float* x, int64_t rows, int64_t cols, float* out) const override {
    for (int64_t r0 = 0; r0 < rows; r0 += 65535 * 1024) {  // grid.x limit, with room
      const int64_t count = std::min<int64_t>(rows - r0, 65535 * 1024);
      sum_rows_kernel<<<static_cast<unsigned>(count), kReduceThreads>>>(x + r0 * cols, cols, count * cols, out + r0);
      check_launch("sum_rows_kernel");
    }
  }

  void sum_all(const float* x, int64_t n, float* out) const override {
    constexpr int64_t kChunk = 65536;
    if (n <= kChunk) {
      sum_rows_kernel<<<1, kReduceThreads>>>(x, kChunk, n, out);
      check_launch("sum_rows_kernel");
      return;
    }
    const int64_t chunks = (n + kChunk - 1) / kChunk;
    cuda::DeviceBuffer partial(static_cast<size_t>(chunks));
    for (int64_t c0 = 0; c0 < chunks; c0 += 65535 * 1024) {
      const int64_t count = std::min<int64_t>(chunks - c0, 65535 * 1024);
      sum_rows_kernel<<<static_cast<unsigned>(count), kReduceThreads>>>(x + c0 * kChunk, kChunk, n - c0 * kChunk,
                                                                        partial.data() + c0);
      check_launch("sum_rows_kernel");
    }
    sum_all(partial.data(), chunks, out);
  }

  void sum_columns(const float* x, int64_t rows, int64_t cols, float* out) const override {
    if (cols == 0) return;
    sum_columns_kernel<<<grid_for(cols), kThreads>>>(x, rows, cols, out);
    check_launch("sum_columns_kernel");
  }

  void max_dim(const float* x, int64_t outer, int64_t size, int64_t inner, float* values,
               float* indices) const override {
    if (outer * inner == 0) return;
    max_dim_kernel<<<grid_for(outer * inner), kThreads>>>(x, outer, size, inner, values, indices);
    check_launch("max_dim_kernel");
  }

  void max_dim_backward(const float* g, const float* indices, int64_t outer, int64_t size, int64_t inner,
                        float* grad) const override {
    if (outer * size * inner == 0) return;
    max_dim_backward_kernel<<<grid_for(outer * size * inner), kThreads>>>(g, indices, outer, size, inner, grad);
    check_launch("max_dim_backward_kernel");
  }

  void softmax_dim(const float* x, int64_t outer, int64_t size, int64_t inner, bool log_output,
                   float* out) const override {
    if (outer * inner == 0) return;
    softmax_dim_kernel<<<grid_for(outer * inner), kThreads>>>(x, outer, size, inner, log_output, out);
    check_launch("softmax_dim_kernel");
  }

  void gemm(const float* a, bool a_col_major, int64_t lda, const float* b, bool b_col_major, int64_t ldb, float* c,
            int64_t m, int64_t k, int64_t n, float beta) const override {
    if (m == 0 || n == 0) return;
    if (k == 0) {
      if (beta == 0.0f) NORSE_CUDA_CHECK(cudaMemsetAsync(c, 0, static_cast<size_t>(m * n) * sizeof(float)));
      return;
    }
    gemm_row_major(a_col_major, b_col_major, m, n, k, a, lda, b, ldb, c, n, beta);
  }

  void conv2d(const float* input, const float* weight, const float* bias, const ConvDims& g,
              float* out) const override {
    const auto [plane, patch, chunk] = device_math::conv_chunks(g, kMaxColsElements);
    cuda::DeviceBuffer cols(static_cast<size_t>(patch * chunk * plane));
    cuda::DeviceBuffer y(static_cast<size_t>(g.out_channels * chunk * plane));
    for (int64_t b0 = 0; b0 < g.batch; b0 += chunk) {
      const int64_t bc = std::min(chunk, g.batch - b0), width = bc * plane;
      im2col_kernel<<<grid_for(patch * width), kThreads>>>(input, g, b0, bc, cols.data());
      check_launch("im2col_kernel");
      // y[O, width] = W[O, patch] @ cols[patch, width]
      gemm_row_major(false, false, g.out_channels, width, patch, weight, patch, cols.data(), width, y.data(), width,
                     0.0f);
      conv_output_kernel<<<grid_for(bc * g.out_channels * plane), kThreads>>>(y.data(), bias, g, bc,
                                                                              out + b0 * g.out_channels * plane);
      check_launch("conv_output_kernel");
    }
  }

  void conv2d_grad_input(const float* grad_output, const float* weight, const ConvDims& g,
                         float* grad_input) const override {
    const auto [plane, patch, chunk] = device_math::conv_chunks(g, kMaxColsElements);
    cuda::DeviceBuffer gm(static_cast<size_t>(g.out_channels * chunk * plane));
    cuda::DeviceBuffer cols(static_cast<size_t>(patch * chunk * plane));
    for (int64_t b0 = 0; b0 < g.batch; b0 += chunk) {
      const int64_t bc = std::min(chunk, g.batch - b0), width = bc * plane;
      gather_grad_output_kernel<<<grid_for(g.out_channels * width), kThreads>>>(grad_output, g, b0, bc, gm.data());
      check_launch("gather_grad_output_kernel");
      // cols[patch, width] = W^T[patch, O] @ gm[O, width]
      gemm_row_major(true, false, patch, width, g.out_channels, weight, patch, gm.data(), width, cols.data(), width,
                     0.0f);
      col2im_kernel<<<grid_for(bc * g.channels * g.height * g.width), kThreads>>>(cols.data(), g, b0, bc, grad_input);
      check_launch("col2im_kernel");
    }
  }

  void conv2d_grad_weight(const float* grad_output, const float* input, const ConvDims& g,
                          float* grad_weight) const override {
    const auto [plane, patch, chunk] = device_math::conv_chunks(g, kMaxColsElements);
    cuda::DeviceBuffer cols(static_cast<size_t>(patch * chunk * plane));
    cuda::DeviceBuffer gm(static_cast<size_t>(g.out_channels * chunk * plane));
    for (int64_t b0 = 0; b0 < g.batch; b0 += chunk) {
      const int64_t bc = std::min(chunk, g.batch - b0), width = bc * plane;
      im2col_kernel<<<grid_for(patch * width), kThreads>>>(input, g, b0, bc, cols.data());
      check_launch("im2col_kernel");
      gather_grad_output_kernel<<<grid_for(g.out_channels * width), kThreads>>>(grad_output, g, b0, bc, gm.data());
      check_launch("gather_grad_output_kernel");
      // gw[O, patch] (+)= gm[O, width] @ cols^T[width, patch]; the first chunk overwrites.
      gemm_row_major(false, true, g.out_channels, patch, width, gm.data(), width, cols.data(), width, grad_weight,
                     patch, b0 == 0 ? 0.0f : 1.0f);
    }
  }

  void max_pool2d(const float* input, const PoolDims& g, float* values, float* indices) const override {
    const int64_t n = g.planes * g.out_h * g.out_w;
    if (n == 0) return;
    max_pool2d_kernel<<<grid_for(n), kThreads>>>(input, g, values, indices);
    check_launch("max_pool2d_kernel");
  }

  void max_pool2d_backward(const float* grad_output, const float* indices, const PoolDims& g,
                           float* grad_input) const override {
    const int64_t n = g.planes * g.height * g.width;
    if (n == 0) return;
    max_pool2d_backward_kernel<<<grid_for(n), kThreads>>>(grad_output, indices, g, grad_input);
    check_launch("max_pool2d_backward_kernel");
  }

  void avg_pool2d(const float* input, const PoolDims& g, float* out) const override {
    const int64_t n = g.planes * g.out_h * g.out_w;
    if (n == 0) return;
    avg_pool2d_kernel<<<grid_for(n), kThreads>>>(input, g, out);
    check_launch("avg_pool2d_kernel");
  }

  void avg_pool2d_backward(const float* grad_output, const PoolDims& g, float* grad_input) const override {
    const int64_t n = g.planes * g.height * g.width;
    if (n == 0) return;
    avg_pool2d_backward_kernel<<<grid_for(n), kThreads>>>(grad_output, g, grad_input);
    check_launch("avg_pool2d_backward_kernel");
  }
};

}  // namespace

cublasHandle_t cuda::cublas_handle() {
  static cublasHandle_t handle = [] {
    cublasHandle_t h = nullptr;
    NORSE_CUBLAS_CHECK(cublasCreate(&h));
    // Exact FP32 products (no TF32): the GPU then agrees with the CPU to float rounding.
    NORSE_CUBLAS_CHECK(cublasSetMathMode(h, CUBLAS_PEDANTIC_MATH));
    return h;
  }();
  return handle;
}

namespace {

const bool g_registered = [] {
  static const CudaTensorOpsImpl impl;
  register_cuda_tensor_ops(&impl);
  return true;
}();

}  // namespace
}  // namespace norse
