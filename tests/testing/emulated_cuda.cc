// A host emulation of the CUDA backend, for testing on machines without a GPU: "device" memory
// is host memory, and every hook the CUDA libraries register is registered here instead:
//   - core/device_hooks.h: allocation, copies, strided copies and fills (the strided walk is
//     core/tensor_ops_device.h's strided_offsets, as in the CUDA kernel);
//   - core/cuda_tensor_ops.h: every op as a loop over core/tensor_ops_device.h's per-element
//     functions (the very functions the CUDA kernels run), sums in double, GEMMs through Eigen;
//   - the fused neuron loops: the CUDA kernels' per-thread bodies (kernels/neuron_sequence.h's
//     forward_thread / backward_thread), one element after another;
//   - the recurrent and Adam entry points: the CPU loops (the CUDA kernels run the same step
//     functions; their own tests compare them on a GPU).
// What it proves: the host side of the CUDA path (dispatch, shapes, strides, layouts handed to
// the kernels, devices through the tape, models, optimizers, tasks) and the kernels' index
// arithmetic. What it cannot: launches, CUB, cuBLAS, and the device itself.
#include <Eigen/Core>

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <vector>

#include "core/core.h"
#include "core/cuda_tensor_ops.h"
#include "core/tensor_ops_device.h"
#include "kernels/adam.h"
#include "kernels/li_math.h"
#include "kernels/neuron_dispatch.h"
#include "kernels/recurrent_dispatch.h"
#include "kernels/spiking_math.h"
#include "tests/testing/gpu.h"

namespace norse {
namespace testing {
namespace {

using device_math::StridedLayout;
using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Small chunks, so the multi-chunk paths of the convolution run in tests.
constexpr int64_t kEmulatedColsElements = int64_t{1} << 14;

StridedLayout layout(const int64_t* shape, const int64_t* a, const int64_t* b, int rank, int64_t* count) {
  return device_math::make_strided_layout(shape, a, b, rank, count);
}

// Row-major c[m, n] (leading stride ldc) = op(a) @ op(b) + beta * c, op(a)[i, j] = a[j * lda + i]
// when trans_a, else a[i * lda + j] (as the CUDA backend's gemm_row_major).
void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const float* a, int64_t lda, const float* b,
          int64_t ldb, float* c, int64_t ldc, float beta) {
  RowMatrix A(m, k), B(k, n);
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < k; ++j) A(i, j) = trans_a ? a[j * lda + i] : a[i * lda + j];
  }
  for (int64_t i = 0; i < k; ++i) {
    for (int64_t j = 0; j < n; ++j) B(i, j) = trans_b ? b[j * ldb + i] : b[i * ldb + j];
  }
  const RowMatrix product = A * B;
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      c[i * ldc + j] = beta == 0.0f ? product(i, j) : product(i, j) + beta * c[i * ldc + j];
    }
  }
}

class EmulatedTensorOps final : public CudaTensorOps {
 public:
  void unary(UnaryOp op, const float* x, float* out, int64_t n, float a, float b) const override {
    for (int64_t k = 0; k < n; ++k) out[k] = apply_unary(op, x[k], a, b);
  }
  void binary(BinaryOp op, const float* a, const int64_t* a_strides, const float* b, const int64_t* b_strides,
              const int64_t* shape, int rank, float* out) const override {
    int64_t n = 0;
    const StridedLayout l = layout(shape, a_strides, b_strides, rank, &n);
    for (int64_t k = 0; k < n; ++k) out[k] = device_math::binary_at(op, a, b, l, k);
  }
  void axpy(float* dst, float alpha, const float* src, int64_t n) const override {
    for (int64_t k = 0; k < n; ++k) dst[k] += alpha * src[k];
  }
  void sum_all(const float* x, int64_t n, float* out) const override {
    double acc = 0.0;
    for (int64_t k = 0; k < n; ++k) acc += x[k];
    out[0] = static_cast<float>(acc);
  }
  void sum_rows(const float* x, int64_t rows, int64_t cols, float* out) const override {
    for (int64_t r = 0; r < rows; ++r) {
      double acc = 0.0;
      for (int64_t c = 0; c < cols; ++c) acc += x[r * cols + c];
      out[r] = static_cast<float>(acc);
    }
  }
  void sum_columns(const float* x, int64_t rows, int64_t cols, float* out) const override {
    for (int64_t c = 0; c < cols; ++c) {
      double acc = 0.0;
      for (int64_t r = 0; r < rows; ++r) acc += x[r * cols + c];
      out[c] = static_cast<float>(acc);
    }
  }
  void max_dim(const float* x, int64_t outer, int64_t size, int64_t inner, float* values,
               float* indices) const override {
    for (int64_t k = 0; k < outer * inner; ++k) device_math::max_dim_at(x, size, inner, k, values + k, indices + k);
  }
  void max_dim_backward(const float* g, const float* indices, int64_t outer, int64_t size, int64_t inner,
                        float* grad) const override {
    for (int64_t k = 0; k < outer * size * inner; ++k)
      grad[k] = device_math::max_dim_backward_at(g, indices, size, inner, k);
  }
  void softmax_dim(const float* x, int64_t outer, int64_t size, int64_t inner, bool log_output,
                   float* out) const override {
    for (int64_t k = 0; k < outer * inner; ++k) device_math::softmax_column(x, size, inner, log_output, k, out);
  }
  void gemm(const float* a, bool a_col_major, int64_t lda, const float* b, bool b_col_major, int64_t ldb, float* c,
            int64_t m, int64_t k, int64_t n, float beta) const override {
    testing::gemm(a_col_major, b_col_major, m, n, k, a, lda, b, ldb, c, n, beta);
  }
  void conv2d(const float* input, const float* weight, const float* bias, const ConvDims& g,
              float* out) const override {
    const auto [plane, patch, chunk] = device_math::conv_chunks(g, kEmulatedColsElements);
    std::vector<float> cols(static_cast<size_t>(patch * chunk * plane)),
        y(static_cast<size_t>(g.out_channels * chunk * plane));
    for (int64_t b0 = 0; b0 < g.batch; b0 += chunk) {
      const int64_t bc = std::min(chunk, g.batch - b0), width = bc * plane;
      for (int64_t k = 0; k < patch * width; ++k)
        cols[static_cast<size_t>(k)] = device_math::im2col_at(input, g, b0, bc, k);
      testing::gemm(false, false, g.out_channels, width, patch, weight, patch, cols.data(), width, y.data(), width,
                    0.0f);
      float* dst = out + b0 * g.out_channels * plane;
      for (int64_t k = 0; k < bc * g.out_channels * plane; ++k)
        dst[k] = device_math::conv_output_at(y.data(), bias, g, bc, k);
    }
  }
  void conv2d_grad_input(const float* grad_output, const float* weight, const ConvDims& g,
                         float* grad_input) const override {
    const auto [plane, patch, chunk] = device_math::conv_chunks(g, kEmulatedColsElements);
    std::vector<float> gm(static_cast<size_t>(g.out_channels * chunk * plane)),
        cols(static_cast<size_t>(patch * chunk * plane));
    const int64_t per_sample = g.channels * g.height * g.width;
    for (int64_t b0 = 0; b0 < g.batch; b0 += chunk) {
      const int64_t bc = std::min(chunk, g.batch - b0), width = bc * plane;
      for (int64_t k = 0; k < g.out_channels * width; ++k) {
        gm[static_cast<size_t>(k)] = device_math::gather_grad_output_at(grad_output, g, b0, bc, k);
      }
      testing::gemm(true, false, patch, width, g.out_channels, weight, patch, gm.data(), width, cols.data(), width,
                    0.0f);
      for (int64_t k = 0; k < bc * per_sample; ++k)
        grad_input[b0 * per_sample + k] = device_math::col2im_at(cols.data(), g, bc, k);
    }
  }
  void conv2d_grad_weight(const float* grad_output, const float* input, const ConvDims& g,
                          float* grad_weight) const override {
    const auto [plane, patch, chunk] = device_math::conv_chunks(g, kEmulatedColsElements);
    std::vector<float> cols(static_cast<size_t>(patch * chunk * plane)),
        gm(static_cast<size_t>(g.out_channels * chunk * plane));
    for (int64_t b0 = 0; b0 < g.batch; b0 += chunk) {
      const int64_t bc = std::min(chunk, g.batch - b0), width = bc * plane;
      for (int64_t k = 0; k < patch * width; ++k)
        cols[static_cast<size_t>(k)] = device_math::im2col_at(input, g, b0, bc, k);
      for (int64_t k = 0; k < g.out_channels * width; ++k) {
        gm[static_cast<size_t>(k)] = device_math::gather_grad_output_at(grad_output, g, b0, bc, k);
      }
      testing::gemm(false, true, g.out_channels, patch, width, gm.data(), width, cols.data(), width, grad_weight, patch,
                    b0 == 0 ? 0.0f : 1.0f);
    }
  }
  void max_pool2d(const float* input, const PoolDims& g, float* values, float* indices) const override {
    for (int64_t k = 0; k < g.planes * g.out_h * g.out_w; ++k)
      device_math::max_pool2d_at(input, g, k, values + k, indices + k);
  }
  void max_pool2d_backward(const float* grad_output, const float* indices, const PoolDims& g,
                           float* grad_input) const override {
    for (int64_t k = 0; k < g.planes * g.height * g.width; ++k) {
      grad_input[k] = device_math::max_pool2d_backward_at(grad_output, indices, g, k);
    }
  }
  void avg_pool2d(const float* input, const PoolDims& g, float* out) const override {
    for (int64_t k = 0; k < g.planes * g.out_h * g.out_w; ++k) out[k] = device_math::avg_pool2d_at(input, g, k);
  }
  void avg_pool2d_backward(const float* grad_output, const PoolDims& g, float* grad_input) const override {
    for (int64_t k = 0; k < g.planes * g.height * g.width; ++k)
      grad_input[k] = device_math::avg_pool2d_backward_at(grad_output, g, k);
  }
};

template <class Model>
void emulate_neuron_loops() {
  kernels::CudaNeuronEntryPoints<Model>& e = kernels::CudaNeuronEntryPoints<Model>::slot();
  e.forward = [](const kernels::NeuronParams<Model>& p, const kernels::NeuronForwardArgs& a, void*) {
    kernels::neuron_sequence_forward_by_threads<Model>(p, a);
  };
  e.backward = [](const kernels::NeuronParams<Model>& p, const kernels::NeuronBackwardArgs& a, void*) {
    kernels::neuron_sequence_backward_by_threads<Model>(p, a);
  };
}

template <class Model>
void emulate_recurrent_loops() {
  kernels::CudaRecurrentEntryPoints<Model>& e = kernels::CudaRecurrentEntryPoints<Model>::slot();
  e.forward = [](const kernels::NeuronParams<Model>& p, const kernels::RecurrentForwardArgs& a) {
    kernels::recurrent_sequence_forward<Model>(p, a);
  };
  e.backward = [](const kernels::NeuronParams<Model>& p, const kernels::RecurrentBackwardArgs& a) {
    kernels::recurrent_sequence_backward<Model>(p, a);
  };
}

void install() {
  CudaHooks hooks;
  hooks.alloc = [](size_t bytes) -> void* {
    void* p = std::aligned_alloc(64, (bytes + 63) / 64 * 64);
    if (p == nullptr) throw CudaError(str_cat("emulated cudaMalloc(", bytes, " bytes) failed"));
    return p;
  };
  hooks.free = [](void* p) { std::free(p); };
  hooks.copy = [](void* dst, const void* src, size_t bytes, CopyKind) { std::memmove(dst, src, bytes); };
  hooks.copy_strided = [](float* dst, const int64_t* dst_strides, const float* src, const int64_t* src_strides,
                          const int64_t* shape, int rank) {
    int64_t n = 0;
    const StridedLayout l = layout(shape, dst_strides, src_strides, rank, &n);
    for (int64_t k = 0; k < n; ++k) {
      int64_t d, s;
      device_math::strided_offsets(l, k, &d, &s);
      dst[d] = src[s];
    }
  };
  hooks.fill = [](float* dst, const int64_t* strides, const int64_t* shape, int rank, float value) {
    int64_t n = 0;
    const StridedLayout l = layout(shape, strides, nullptr, rank, &n);
    for (int64_t k = 0; k < n; ++k) {
      int64_t d, s;
      device_math::strided_offsets(l, k, &d, &s);
      dst[d] = value;
    }
  };
  register_cuda_hooks(hooks);
  static const EmulatedTensorOps ops;
  register_cuda_tensor_ops(&ops);
  emulate_neuron_loops<kernels::LIFModel>();
  emulate_neuron_loops<kernels::LIFBoxModel>();
  emulate_neuron_loops<kernels::LIModel>();
  emulate_neuron_loops<kernels::LSNNModel>();
  emulate_neuron_loops<kernels::LIFCurrentEncoderModel>();
  emulate_neuron_loops<kernels::LIBoxModel>();
  emulate_neuron_loops<kernels::ExpFilterModel>();
  emulate_neuron_loops<kernels::IAFModel>();
  emulate_neuron_loops<kernels::LIFRefracModel>();
  emulate_neuron_loops<kernels::LIFExModel>();
  emulate_neuron_loops<kernels::LIFAdExModel>();
  emulate_neuron_loops<kernels::LIFAdExRefracModel>();
  emulate_neuron_loops<kernels::IzhikevichModel>();
  emulate_neuron_loops<kernels::CobaLIFModel>();
  emulate_recurrent_loops<kernels::LIFModel>();
  emulate_recurrent_loops<kernels::LSNNModel>();
  emulate_recurrent_loops<kernels::IAFModel>();
  emulate_recurrent_loops<kernels::LIFRefracModel>();
  emulate_recurrent_loops<kernels::LIFExModel>();
  emulate_recurrent_loops<kernels::LIFAdExModel>();
  emulate_recurrent_loops<kernels::LIFAdExRefracModel>();
  emulate_recurrent_loops<kernels::IzhikevichModel>();
  kernels::register_cuda_adam_step(&kernels::adam_step_cpu);
}

}  // namespace

bool gpu_available(std::string*) {
  static std::once_flag once;
  std::call_once(once, install);
  return true;
}

const char* gpu_kind() { return "host emulation of the CUDA backend"; }

}  // namespace testing
}  // namespace norse
