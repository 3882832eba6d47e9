// The per-element bodies of the CUDA tensor kernels (core/tensor_ops_cuda.cu), as pure NORSE_HD
// functions of the output index: each CUDA kernel is a grid-stride loop around one of them, and
// the host emulation of the CUDA backend (tests/testing/emulated_cuda.h) runs the same functions
// in a plain loop, so the CPU test suite covers the kernels' index arithmetic (broadcast
// strides, im2col / col2im, pooling windows, scatters) and only the launch itself is GPU-only.
#ifndef NORSE_CORE_TENSOR_OPS_DEVICE_H_
#define NORSE_CORE_TENSOR_OPS_DEVICE_H_

#include <cmath>
#include <cstdint>

#include "core/cuda_tensor_ops.h"
#include "core/host_device.h"

namespace norse {
namespace device_math {

// NaN test that needs no <cmath> overload resolution on either compiler (no -ffast-math here).
NORSE_HD inline bool is_nan(float x) { return x != x; }

// A strided view (or two: dst and src, a and b) of up to kCudaMaxDims dimensions, by value.
struct StridedLayout {
  int rank = 0;
  int64_t shape[kCudaMaxDims] = {};
  int64_t strides_a[kCudaMaxDims] = {};  // dst, or operand a
  int64_t strides_b[kCudaMaxDims] = {};  // src, or operand b
};

// The layout of `rank` (<= kCudaMaxDims, checked by the callers) dimensions of `shape` with
// strides a and b (b may be nullptr: zeros); `count` receives the element count.
inline StridedLayout make_strided_layout(const int64_t* shape, const int64_t* a, const int64_t* b, int rank,
                                         int64_t* count) {
  StridedLayout l;
  l.rank = rank;
  *count = 1;
  for (int d = 0; d < rank; ++d) {
    l.shape[d] = shape[d];
    l.strides_a[d] = a[d];
    l.strides_b[d] = b != nullptr ? b[d] : 0;
    *count *= shape[d];
  }
  return l;
}

// Element k (row-major over shape) -> its offsets in the two views.
NORSE_HD inline void strided_offsets(const StridedLayout& l, int64_t k, int64_t* off_a, int64_t* off_b) {
  int64_t a = 0, b = 0;
  for (int d = l.rank - 1; d >= 0; --d) {
    const int64_t i = k % l.shape[d];
    k /= l.shape[d];
    a += i * l.strides_a[d];
    b += i * l.strides_b[d];
  }
  *off_a = a;
  *off_b = b;
}

NORSE_HD inline float binary_at(BinaryOp op, const float* a, const float* b, const StridedLayout& l, int64_t k) {
  int64_t a_off, b_off;
  strided_offsets(l, k, &a_off, &b_off);
  return apply_binary(op, a[a_off], b[b_off]);
}

// x as [outer, size, inner]: the first maximum along the middle dimension for output k = (o, i)
// (NaN wins, as on the CPU).
NORSE_HD inline void max_dim_at(const float* x, int64_t size, int64_t inner, int64_t k, float* value, float* index) {
  const int64_t o = k / inner, i = k % inner;
  const float* p = x + o * size * inner + i;
  float best = p[0];
  int64_t arg = 0;
  for (int64_t j = 1; j < size && !is_nan(best); ++j) {
    const float v = p[j * inner];
    if (v > best || is_nan(v)) {
      best = v;
      arg = j;
    }
  }
  *value = best;
  *index = static_cast<float>(arg);
}

// grad[o, j, i] = g[o, i] where j is the recorded index, else 0 (k indexes grad).
NORSE_HD inline float max_dim_backward_at(const float* g, const float* indices, int64_t size, int64_t inner,
                                          int64_t k) {
  const int64_t i = k % inner, j = (k / inner) % size, o = k / (inner * size);
  const int64_t at = o * inner + i;
  return static_cast<int64_t>(indices[at]) == j ? g[at] : 0.0f;
}

// (log_)softmax of column k = (o, i) of [outer, size, inner].
NORSE_HD inline void softmax_column(const float* x, int64_t size, int64_t inner, bool log_output, int64_t k,
                                    float* out) {
  const int64_t o = k / inner, i = k % inner;
  const float* p = x + o * size * inner + i;
  float* q = out + o * size * inner + i;
  float m = -INFINITY;
  for (int64_t j = 0; j < size; ++j) m = fmaxf(m, p[j * inner]);
  if (m == -INFINITY) m = 0.0f;  // all -inf: avoid inf - inf
  double total = 0.0;
  for (int64_t j = 0; j < size; ++j) total += expf(p[j * inner] - m);
  if (log_output) {
    const float log_total = static_cast<float>(::log(total));
    for (int64_t j = 0; j < size; ++j) q[j * inner] = p[j * inner] - m - log_total;
  } else {
    const float inv = static_cast<float>(1.0 / total);
    for (int64_t j = 0; j < size; ++j) q[j * inner] = expf(p[j * inner] - m) * inv;
  }
}

// --- convolution (chunks of bc samples starting at b0; plane = out_h * out_w) -------------------

// The sizes of a convolution's im2col GEMMs: samples are taken `chunk` at a time so that the
// [patch, chunk * plane] column matrix holds at most `max_cols` floats (at least one sample).
struct ConvChunks {
  int64_t plane, patch, chunk;
};
inline ConvChunks conv_chunks(const ConvDims& g, int64_t max_cols) {
  const int64_t plane = g.out_h * g.out_w, patch = g.channels * g.kh * g.kw;
  const int64_t per_sample = patch * plane > 1 ? patch * plane : 1;
  const int64_t fit = max_cols / per_sample;
  const int64_t chunk = fit < g.batch ? fit : g.batch;
  return {plane, patch, chunk < 1 ? 1 : chunk};
}

// cols[(c*kh + i)*kw + j, s*plane + oy*Wo + ox] = input[b0 + s, c, oy*stride_h - pad_h + i*dil_h, ...] (zero outside).
NORSE_HD inline float im2col_at(const float* input, const ConvDims& g, int64_t b0, int64_t bc, int64_t k) {
  const int64_t plane = g.out_h * g.out_w, width = bc * plane;
  const int64_t row = k / width, col = k % width;
  const int64_t c = row / (g.kh * g.kw), i = (row / g.kw) % g.kh, j = row % g.kw;
  const int64_t s = col / plane, oy = (col % plane) / g.out_w, ox = col % g.out_w;
  const int64_t y = oy * g.stride_h - g.pad_h + i * g.dil_h, x = ox * g.stride_w - g.pad_w + j * g.dil_w;
  return (y >= 0 && y < g.height && x >= 0 && x < g.width)
             ? input[(((b0 + s) * g.channels + c) * g.height + y) * g.width + x]
             : 0.0f;
}

// The adjoint of im2col, gathered: input element k (of samples [b0, b0+bc)) sums the columns that
// read it.
NORSE_HD inline float col2im_at(const float* cols, const ConvDims& g, int64_t bc, int64_t k) {
  const int64_t plane = g.out_h * g.out_w, width = bc * plane;
  const int64_t x = k % g.width, y = (k / g.width) % g.height;
  const int64_t c = (k / (g.width * g.height)) % g.channels, s = k / (g.width * g.height * g.channels);
  float acc = 0.0f;
  for (int64_t i = 0; i < g.kh; ++i) {
    const int64_t ty = y + g.pad_h - i * g.dil_h;
    if (ty < 0 || ty % g.stride_h != 0) continue;
    const int64_t oy = ty / g.stride_h;
    if (oy >= g.out_h) continue;
    for (int64_t j = 0; j < g.kw; ++j) {
      const int64_t tx = x + g.pad_w - j * g.dil_w;
      if (tx < 0 || tx % g.stride_w != 0) continue;
      const int64_t ox = tx / g.stride_w;
      if (ox >= g.out_w) continue;
      acc += cols[((c * g.kh + i) * g.kw + j) * width + s * plane + oy * g.out_w + ox];
    }
  }
  return acc;
}

// y [O, bc*plane] -> out [bc, O, plane] (+ bias[o]); k indexes out.
NORSE_HD inline float conv_output_at(const float* y, const float* bias, const ConvDims& g, int64_t bc, int64_t k) {
  const int64_t plane = g.out_h * g.out_w;
  const int64_t p = k % plane, o = (k / plane) % g.out_channels, s = k / (plane * g.out_channels);
  return y[o * bc * plane + s * plane + p] + (bias != nullptr ? bias[o] : 0.0f);
}

// grad_output [bc, O, plane] (samples from b0) -> gm [O, bc*plane]; k indexes gm.
NORSE_HD inline float gather_grad_output_at(const float* grad_output, const ConvDims& g, int64_t b0, int64_t bc,
                                            int64_t k) {
  const int64_t plane = g.out_h * g.out_w;
  const int64_t o = k / (bc * plane), s = (k / plane) % bc, p = k % plane;
  return grad_output[((b0 + s) * g.out_channels + o) * plane + p];
}

// --- pooling (k indexes the output for the forwards, the input for the backwards) --------------

// The window of output (oy, ox) in one input plane: its maximum (the first, or a NaN) and where.
// kKernel > 0 fixes the kernel size at compile time (the CPU's 2 x 2 loop, unrolled); 0 reads it.
template <int kKernel = 0>
NORSE_HD inline void max_pool2d_window(const float* plane, const PoolDims& g, int64_t oy, int64_t ox, float* value,
                                       float* index) {
  const int64_t kernel = kKernel > 0 ? kKernel : g.kernel;
  float best = -INFINITY;
  int64_t arg = -1;
  for (int64_t i = 0; i < kernel; ++i) {
    const int64_t y = oy * g.stride - g.padding + i;
    if (y < 0 || y >= g.height) continue;
    // Selects, not branches: on spikes `v > best` is a coin toss the branch predictor loses
    // (it had made the pool a tenth of the MNIST training step). A NaN taken ends the window
    // row, as PyTorch's CPU kernel does.
    bool row_ended = false;
    for (int64_t j = 0; j < kernel; ++j) {
      const int64_t x = ox * g.stride - g.padding + j;
      if (x < 0 || x >= g.width) continue;
      const float v = plane[y * g.width + x];
      const bool nan = is_nan(v);
      const bool take = (!row_ended) & ((arg < 0) | (v > best) | nan);
      best = take ? v : best;
      arg = take ? y * g.width + x : arg;
      row_ended = row_ended | (take & nan);
    }
  }
  *value = best;
  *index = static_cast<float>(arg);
}

NORSE_HD inline void max_pool2d_at(const float* input, const PoolDims& g, int64_t k, float* value, float* index) {
  const int64_t ox = k % g.out_w, oy = (k / g.out_w) % g.out_h, p = k / (g.out_w * g.out_h);
  max_pool2d_window(input + p * g.height * g.width, g, oy, ox, value, index);
}

// The output windows [lo, hi] along one axis that cover input position y.
NORSE_HD inline void covering_windows(int64_t y, int64_t kernel, int64_t stride, int64_t padding, int64_t out,
                                      int64_t* lo, int64_t* hi) {
  const int64_t top = y + padding;  // window o covers y when o*stride <= top < o*stride + kernel
  *lo = top >= kernel ? (top - kernel) / stride + 1 : 0;
  const int64_t last = top / stride;
  *hi = last < out - 1 ? last : out - 1;
}

NORSE_HD inline float max_pool2d_backward_at(const float* grad_output, const float* indices, const PoolDims& g,
                                             int64_t k) {
  const int64_t x = k % g.width, y = (k / g.width) % g.height, p = k / (g.width * g.height);
  const int64_t at = y * g.width + x;
  int64_t y_lo, y_hi, x_lo, x_hi;
  covering_windows(y, g.kernel, g.stride, g.padding, g.out_h, &y_lo, &y_hi);
  covering_windows(x, g.kernel, g.stride, g.padding, g.out_w, &x_lo, &x_hi);
  float acc = 0.0f;
  for (int64_t oy = y_lo; oy <= y_hi; ++oy) {
    for (int64_t ox = x_lo; ox <= x_hi; ++ox) {
      const int64_t o = (p * g.out_h + oy) * g.out_w + ox;
      if (static_cast<int64_t>(indices[o]) == at) acc += grad_output[o];
    }
  }
  return acc;
}

NORSE_HD inline float avg_pool2d_at(const float* input, const PoolDims& g, int64_t k) {
  const float inv = 1.0f / static_cast<float>(g.kernel * g.kernel);
  const int64_t ox = k % g.out_w, oy = (k / g.out_w) % g.out_h, p = k / (g.out_w * g.out_h);
  const float* plane = input + p * g.height * g.width;
  float acc = 0.0f;
  for (int64_t i = 0; i < g.kernel; ++i) {
    const int64_t y = oy * g.stride - g.padding + i;
    if (y < 0 || y >= g.height) continue;
    for (int64_t j = 0; j < g.kernel; ++j) {
      const int64_t x = ox * g.stride - g.padding + j;
      if (x >= 0 && x < g.width) acc += plane[y * g.width + x];
    }
  }
  return acc * inv;
}

NORSE_HD inline float avg_pool2d_backward_at(const float* grad_output, const PoolDims& g, int64_t k) {
  const float inv = 1.0f / static_cast<float>(g.kernel * g.kernel);
  const int64_t x = k % g.width, y = (k / g.width) % g.height, p = k / (g.width * g.height);
  int64_t y_lo, y_hi, x_lo, x_hi;
  covering_windows(y, g.kernel, g.stride, g.padding, g.out_h, &y_lo, &y_hi);
  covering_windows(x, g.kernel, g.stride, g.padding, g.out_w, &x_lo, &x_hi);
  float acc = 0.0f;
  for (int64_t oy = y_lo; oy <= y_hi; ++oy) {
    for (int64_t ox = x_lo; ox <= x_hi; ++ox) acc += grad_output[(p * g.out_h + oy) * g.out_w + ox] * inv;
  }
  return acc;
}

}  // namespace device_math
}  // namespace norse

#endif  // NORSE_CORE_TENSOR_OPS_DEVICE_H_
