// 2-D convolution (im2col + one GEMM per chunk of samples, core/gemm_cpu.h) and max / average pooling.
//
// Layout: activations [B, C, H, W], weights [O, C, kh, kw] (PyTorch's). im2col writes a
// [C*kh*kw, Bc*Ho*Wo] matrix for a chunk of Bc samples, so a whole chunk is one GEMM:
//   Y[O, Bc*Ho*Wo] = W[O, C*kh*kw] @ cols.
// Chunks are sized from the problem alone (never from the thread count), so results are bitwise
// identical for any number of threads.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <vector>

// AVX-512 and AVX2 rows (below) are compiled for that instruction set function by function
// (target(...)) and run where the CPU has it (core/cpu_features.h), so the portable build has
// them too; the library code they call is compiled as everywhere else. AVX2 forms exist for
// CPUs without AVX-512 (AMD before Zen 4): without them the pools and col2im run scalar.
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define NORSE_AVX512_ROWS 1
#define NORSE_TARGET_AVX512 __attribute__((target("avx512f")))
#define NORSE_TARGET_AVX2 __attribute__((target("avx2,fma")))
#else
#define NORSE_AVX512_ROWS 0
#endif

#include "core/cpu_features.h"
#include "core/cuda_tensor_ops.h"
#include "core/error.h"
#include "core/gemm_cpu.h"
#include "core/parallel.h"
#include "core/tensor_ops.h"
#include "core/tensor_ops_device.h"

namespace norse {
namespace {

// Upper bound on the im2col buffer (floats): 16M floats = 64 MiB.
constexpr int64_t kMaxColsElements = int64_t{1} << 24;

struct ConvGeometry {
  int64_t batch, channels, height, width;
  int64_t out_channels, kh, kw;
  int64_t out_h, out_w;
  Size2 stride, padding, dilation;
  int64_t patch() const { return channels * kh * kw; }
  ConvDims dims() const {
    return {batch, channels, height,   width,     out_channels, kh,         kw,        out_h,
            out_w, stride.h, stride.w, padding.h, padding.w,    dilation.h, dilation.w};
  }
  int64_t plane() const { return out_h * out_w; }
  // Samples per GEMM chunk.
  int64_t chunk() const { return device_math::conv_chunks(dims(), kMaxColsElements).chunk; }
};

// The geometry of ONE group: channels = C / groups, out_channels = O / groups.
ConvGeometry conv_geometry(const char* op, const Shape& input, const Shape& weight, const Conv2dOptions& o) {
  check_rank(op, "input", 4, input, "[B, C, H, W]");
  check_rank(op, "weight", 4, weight, "[C_out, C_in / groups, kh, kw]");
  NORSE_CHECK(o.groups >= 1 && input[1] % o.groups == 0 && weight[0] % o.groups == 0, InvalidArgument, op,
              "groups must be >= 1 and divide the input channels ", input[1], " and the output channels ", weight[0],
              ", got ", o.groups);
  NORSE_CHECK(weight[1] * o.groups == input[1], ShapeError, op, "argument 'weight' must have ", input[1] / o.groups,
              " input channels (= input.size(1)",
              o.groups > 1 ? str_cat(" / groups = ", input[1], " / ", o.groups) : std::string(),
              ") in dimension 1, got shape ", shape_to_string(weight), " for input ", shape_to_string(input));
  NORSE_CHECK(o.stride.h >= 1 && o.stride.w >= 1, InvalidArgument, op, "stride must be >= 1, got (", o.stride.h, ", ",
              o.stride.w, ")");
  NORSE_CHECK(o.padding.h >= 0 && o.padding.w >= 0, InvalidArgument, op, "padding must be >= 0, got (", o.padding.h,
              ", ", o.padding.w, ")");
  NORSE_CHECK(o.dilation.h >= 1 && o.dilation.w >= 1, InvalidArgument, op, "dilation must be >= 1, got (", o.dilation.h,
              ", ", o.dilation.w, ")");
  ConvGeometry g{input[0], input[1] / o.groups, input[2],  input[3], weight[0] / o.groups, weight[2], weight[3], 0, 0,
                 o.stride, o.padding,           o.dilation};
  g.out_h = conv_output_size(op, g.height, o.dilation.h * (g.kh - 1) + 1, o.stride.h, o.padding.h);
  g.out_w = conv_output_size(op, g.width, o.dilation.w * (g.kw - 1) + 1, o.stride.w, o.padding.w);
  return g;
}

// Group k's channels [k * n, (k + 1) * n) of `t` along `dim`, contiguous (groups == 1: `t` itself).
Tensor group_slice(const Tensor& t, int64_t dim, int64_t groups, int64_t k) {
  if (groups == 1) return t;
  const int64_t n = t.size(dim) / groups;
  return t.slice(dim, k * n, (k + 1) * n).contiguous();
}

// Runs `one_group(k, options with groups = 1)` for every group and concatenates along `dim`.
template <class OneGroup>
Tensor over_groups(const Conv2dOptions& o, int64_t dim, OneGroup&& one_group) {
  Conv2dOptions single = o;
  single.groups = 1;
  if (o.groups == 1) return one_group(0, single);
  std::vector<Tensor> parts;
  for (int64_t k = 0; k < o.groups; ++k) parts.push_back(one_group(k, single));
  return concat(parts, dim);
}

// cols[(c*kh + i)*kw + j, s*plane + oy*Wo + ox] = input[b0 + s, c, oy*stride - pad + i*dilation, ...].
void im2col(const float* input, const ConvGeometry& g, int64_t b0, int64_t bc, float* cols) {
  const int64_t width = bc * g.plane();
  parallel_for(g.patch(), 1, [&](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row) {
      const int64_t c = row / (g.kh * g.kw), i = (row / g.kw) % g.kh, j = row % g.kw;
      float* dst = cols + row * width;
      for (int64_t s = 0; s < bc; ++s) {
        const float* plane = input + ((b0 + s) * g.channels + c) * g.height * g.width;
        for (int64_t oy = 0; oy < g.out_h; ++oy) {
          const int64_t y = oy * g.stride.h - g.padding.h + i * g.dilation.h;
          float* line = dst + s * g.plane() + oy * g.out_w;
          if (y < 0 || y >= g.height) {
            std::fill(line, line + g.out_w, 0.0f);
            continue;
          }
          for (int64_t ox = 0; ox < g.out_w; ++ox) {
            const int64_t x = ox * g.stride.w - g.padding.w + j * g.dilation.w;
            line[ox] = (x >= 0 && x < g.width) ? plane[y * g.width + x] : 0.0f;
          }
        }
      }
    }
  });
}

// With stride 1 the output rows and columns of tap (i, j) that land inside the input plane are
// one range each (y = oy + dy, x = ox + dx): computed once per tap, not per row (that
// bookkeeping was most of col2im's time on ConvNet's 8 x 8 rows).
struct TapRange {
  int64_t dy, dx, oy0, oy1, ox0, ox1;
};
TapRange tap_range(const ConvGeometry& g, int64_t i, int64_t j) {
  const int64_t dy = i * g.dilation.h - g.padding.h, dx = j * g.dilation.w - g.padding.w;
  return {dy,
          dx,
          std::max<int64_t>(0, -dy),
          std::min<int64_t>(g.out_h, g.height - dy),
          std::max<int64_t>(0, -dx),
          std::min<int64_t>(g.out_w, g.width - dx)};
}

// Stride 1: adds one tap's [out_h, out_w] block `src` of cols into `plane` ([height, width]),
// each row as a contiguous run.
inline void col2im_tap_rows(const ConvGeometry& g, const TapRange& t, const float* src, float* plane) {
  for (int64_t oy = t.oy0; oy < t.oy1; ++oy) {
    float* __restrict dst = plane + (oy + t.dy) * g.width + t.dx;
    const float* __restrict row = src + oy * g.out_w;
    // Runs of 8: ConvNet's rows are 8 wide, too short for the compiler's vector loop (its
    // remainder loop did them one float at a time).
    int64_t ox = t.ox0;
    for (; ox + 8 <= t.ox1; ox += 8) {
      for (int64_t k = 0; k < 8; ++k) dst[ox + k] += row[ox + k];
    }
    for (; ox < t.ox1; ++ox) dst[ox] += row[ox];
  }
}

// Tap (i, j) of one (sample, channel): adds its [out_h, out_w] block `src` of cols into `plane`
// (the input gradient's [height, width] plane).
void col2im_tap(const ConvGeometry& g, const float* src, float* plane, int64_t i, int64_t j) {
  if (g.stride.h == 1 && g.stride.w == 1) {
    col2im_tap_rows(g, tap_range(g, i, j), src, plane);
    return;
  }
  for (int64_t oy = 0; oy < g.out_h; ++oy) {
    const int64_t y = oy * g.stride.h - g.padding.h + i * g.dilation.h;
    if (y < 0 || y >= g.height) continue;
    for (int64_t ox = 0; ox < g.out_w; ++ox) {
      const int64_t x = ox * g.stride.w - g.padding.w + j * g.dilation.w;
      if (x >= 0 && x < g.width) plane[y * g.width + x] += src[oy * g.out_w + ox];
    }
  }
}

// All taps of sample s (column block s of cols, `width` columns wide) and channel c into `plane`,
// in the order (i, j).
void col2im_plane(const float* cols, int64_t width, const ConvGeometry& g, int64_t s, int64_t c, float* plane) {
  for (int64_t i = 0; i < g.kh; ++i) {
    for (int64_t j = 0; j < g.kw; ++j)
      col2im_tap(g, cols + ((c * g.kh + i) * g.kw + j) * width + s * g.plane(), plane, i, j);
  }
}

// All taps of channel c for samples [0, bc) of cols (`width` columns wide) into plane_of(s, c),
// in the order (i, j), each row of cols read once across its samples.
template <class PlaneOf>
void col2im_channel(const float* cols, int64_t width, const ConvGeometry& g, int64_t c, int64_t bc,
                    const PlaneOf& plane_of) {
  for (int64_t i = 0; i < g.kh; ++i) {
    for (int64_t j = 0; j < g.kw; ++j) {
      const float* row = cols + ((c * g.kh + i) * g.kw + j) * width;
      for (int64_t s = 0; s < bc; ++s) col2im_tap(g, row + s * g.plane(), plane_of(s, c), i, j);
    }
  }
}

// The adjoint of im2col: grad_input[b0 + s, c, y, x] += cols[...]. One thread per input channel
// (or per (sample, channel) plane when there are few channels): the planes of a channel receive
// from its own rows of cols only, so no two threads write one element. Each row is read
// contiguously across the samples (the cols rows of one sample lie a whole row apart), and every
// element receives its terms in the order (i, j) whichever way the work is split.
void col2im(const float* cols, const ConvGeometry& g, int64_t b0, int64_t bc, float* grad_input) {
  const int64_t width = bc * g.plane();
  const auto plane_of = [&](int64_t s, int64_t c) {
    return grad_input + ((b0 + s) * g.channels + c) * g.height * g.width;
  };
  if (g.channels >= 2 * num_threads()) {
    parallel_for(g.channels, 1, [&](int64_t begin, int64_t end) {
      for (int64_t c = begin; c < end; ++c) col2im_channel(cols, width, g, c, bc, plane_of);
    });
    return;
  }
  parallel_for(bc * g.channels, 1, [&](int64_t begin, int64_t end) {
    for (int64_t sc = begin; sc < end; ++sc) {
      const int64_t s = sc / g.channels, c = sc % g.channels;
      col2im_plane(cols, width, g, s, c, plane_of(s, c));
    }
  });
}

// Inputs of one op must share a device (an undefined tensor, e.g. no bias, is skipped).
void check_same_device(const char* op, const Tensor& a, const Tensor& b, const Tensor& c) {
  NORSE_CHECK(a.device() == b.device() && (!c.defined() || c.device() == a.device()), DeviceError, op,
              "inputs are on different devices (", device_name(a.device()), ", ", device_name(b.device()),
              c.defined() ? str_cat(", ", device_name(c.device())) : std::string(), ")");
}

}  // namespace

int64_t conv_output_size(const char* op, int64_t input, int64_t kernel, int64_t stride, int64_t padding) {
  NORSE_CHECK(kernel >= 1, InvalidArgument, op, "kernel size must be >= 1, got ", kernel);
  const int64_t out = (input + 2 * padding - kernel) / stride + 1;
  NORSE_CHECK(input + 2 * padding >= kernel && out >= 1, ShapeError, op, "input size ", input, " with padding ",
              padding, " is smaller than the kernel size ", kernel);
  return out;
}

namespace {
Tensor conv2d_group(const Tensor& input_in, const Tensor& weight_in, const Tensor& bias, const Conv2dOptions& options) {
  const ConvGeometry g = conv_geometry("conv2d", input_in.shape(), weight_in.shape(), options);
  const Tensor input = input_in.contiguous();
  const Tensor weight = weight_in.contiguous();
  if (input.device() == Device::kCUDA) {
    Tensor out = Tensor::empty({g.batch, g.out_channels, g.out_h, g.out_w}, Device::kCUDA);
    const Tensor bias_c = bias.defined() ? bias.contiguous() : Tensor();
    cuda_tensor_ops("conv2d").conv2d(input.device_data(), weight.device_data(),
                                     bias_c.defined() ? bias_c.device_data() : nullptr, g.dims(), out.device_data());
    return out;
  }
  Tensor out = Tensor::empty({g.batch, g.out_channels, g.out_h, g.out_w});
  const int64_t chunk = g.chunk();  // (one group: conv2d below splits the channels)
  // Scratch buffers are Tensors so that the CPU block cache reuses them across calls.
  Tensor cols = Tensor::empty({g.patch() * chunk * g.plane()});
  Tensor y_buffer = Tensor::empty({g.out_channels * chunk * g.plane()});
  const Tensor bias_c = bias.defined() ? bias.contiguous() : Tensor();
  for (int64_t b0 = 0; b0 < g.batch; b0 += chunk) {
    const int64_t bc = std::min(chunk, g.batch - b0);
    const int64_t width = bc * g.plane();
    im2col(input.data(), g, b0, bc, cols.data());
    // y[O, width] = w[O, patch] @ cols[patch, width]
    gemm_cpu(g.out_channels, g.patch(), width, 1.0f, {weight.data(), g.patch(), false}, {cols.data(), width, false},
             y_buffer.data(), width, false);
    float* dst = out.data() + b0 * g.out_channels * g.plane();
    parallel_for(bc * g.out_channels, 16, [&](int64_t begin, int64_t end) {
      for (int64_t so = begin; so < end; ++so) {
        const int64_t s = so / g.out_channels, o = so % g.out_channels;
        const float b = bias_c.defined() ? bias_c.data()[o] : 0.0f;
        const float* src = y_buffer.data() + o * width + s * g.plane();
        float* line = dst + so * g.plane();
        for (int64_t p = 0; p < g.plane(); ++p) line[p] = src[p] + b;
      }
    });
  }
  return out;
}

#if NORSE_AVX512_ROWS
// The first n lanes (n clamped to [0, 16]).
inline __mmask16 first_lanes(int64_t n) {
  return static_cast<__mmask16>(n <= 0 ? 0u : n >= 16 ? 0xFFFFu : (1u << n) - 1u);
}

// col2im as a gather where an input row fits one register (width <= 16: conv2 of ConvNet4, 12
// wide), for samples [0, bc) of cols (`columns` wide), every channel, OVERWRITING images [bc,
// channels, height, width]. Every input row is summed over its taps in the order (i, j): the
// terms and order col2im_channel adds into a zeroed plane, so the same bits. col2im's
// read-modify-writes of overlapping 8-float runs (tap j + 1 starts one float after tap j)
// stalled on store forwarding, and its planes needed a zero fill: here each input row is summed
// in a register and stored once. Four channels at a time: four independent chains of additions.
NORSE_TARGET_AVX512 void col2im_gather_avx512(const float* cols, int64_t columns, const ConvGeometry& g, int64_t bc,
                                              float* images) {
  constexpr int64_t kChannels = 4;
  const int64_t plane = g.out_h * g.out_w, in_plane = g.height * g.width;
  // Tap column j reaches input columns x = ox + j - padding for ox in [0, out_w): these lanes,
  // read from (the cols row of output row oy) - (j - padding).
  __mmask16 lane_mask[16];  // kw <= 16 (conv2d_grad_input_tiles gathers only then)
  for (int64_t j = 0; j < g.kw; ++j) {
    const int64_t dx = j - g.padding.w, x0 = std::max<int64_t>(0, dx), x1 = std::min<int64_t>(g.width, g.out_w + dx);
    lane_mask[j] = static_cast<__mmask16>(first_lanes(x1) & ~first_lanes(x0));
  }
  const __mmask16 row_mask = first_lanes(g.width);
  for (int64_t s = 0; s < bc; ++s) {
    for (int64_t c0 = 0; c0 < g.channels; c0 += kChannels) {
      const int64_t n = std::min(kChannels, g.channels - c0);
      for (int64_t y = 0; y < g.height; ++y) {
        __m512 acc[kChannels];
        for (int64_t k = 0; k < kChannels; ++k) acc[k] = _mm512_setzero_ps();
        for (int64_t i = 0; i < g.kh; ++i) {
          const int64_t oy = y + g.padding.h - i;
          if (oy < 0 || oy >= g.out_h) continue;
          for (int64_t j = 0; j < g.kw; ++j) {
            const __mmask16 m = lane_mask[j];
            // Lane x reads row[oy * out_w + x - (j - padding)]; lanes outside m are not read.
            const int64_t at = s * plane + oy * g.out_w - (j - g.padding.w);
            for (int64_t k = 0; k < n; ++k) {
              const float* row = cols + (((c0 + k) * g.kh + i) * g.kw + j) * columns;
              acc[k] = _mm512_mask_add_ps(acc[k], m, acc[k], _mm512_maskz_loadu_ps(m, row + at));
            }
          }
        }
        for (int64_t k = 0; k < n; ++k)
          _mm512_mask_storeu_ps(images + (s * g.channels + c0 + k) * in_plane + y * g.width, row_mask, acc[k]);
      }
    }
  }
}

// Lane x of half h (column x + 8 h) set where x0 <= column < x1 (first_lanes(x1) & ~first_lanes(x0)
// above, as a load mask).
NORSE_TARGET_AVX2 inline __m256i column_lanes(int64_t x0, int64_t x1, int64_t h) {
  const __m256i x =
      _mm256_add_epi32(_mm256_set_epi32(7, 6, 5, 4, 3, 2, 1, 0), _mm256_set1_epi32(static_cast<int>(8 * h)));
  const __m256i at_least = _mm256_cmpgt_epi32(x, _mm256_set1_epi32(static_cast<int>(x0) - 1));
  const __m256i below = _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(x1)), x);
  return _mm256_and_si256(at_least, below);
}

// col2im_gather_avx512 with two 8-float halves per input row (width <= 16): loads where a tap
// does not reach are zeros, and adding +0 leaves a sum that started at +0 unchanged, so the
// same bits.
NORSE_TARGET_AVX2 void col2im_gather_avx2(const float* cols, int64_t columns, const ConvGeometry& g, int64_t bc,
                                          float* images) {
  constexpr int64_t kChannels = 4;
  const int64_t plane = g.out_h * g.out_w, in_plane = g.height * g.width;
  __m256i lane_mask[2][16];  // kw <= 16 (conv2d_grad_input_tiles gathers only then)
  for (int64_t j = 0; j < g.kw; ++j) {
    const int64_t dx = j - g.padding.w, x0 = std::max<int64_t>(0, dx), x1 = std::min<int64_t>(g.width, g.out_w + dx);
    for (int64_t h = 0; h < 2; ++h) lane_mask[h][j] = column_lanes(x0, x1, h);
  }
  const __m256i row_mask[2] = {column_lanes(0, g.width, 0), column_lanes(0, g.width, 1)};
  for (int64_t s = 0; s < bc; ++s) {
    for (int64_t c0 = 0; c0 < g.channels; c0 += kChannels) {
      const int64_t n = std::min(kChannels, g.channels - c0);
      for (int64_t y = 0; y < g.height; ++y) {
        __m256 acc[kChannels][2];
        for (int64_t k = 0; k < kChannels; ++k) acc[k][0] = acc[k][1] = _mm256_setzero_ps();
        for (int64_t i = 0; i < g.kh; ++i) {
          const int64_t oy = y + g.padding.h - i;
          if (oy < 0 || oy >= g.out_h) continue;
          for (int64_t j = 0; j < g.kw; ++j) {
            const int64_t at = s * plane + oy * g.out_w - (j - g.padding.w);
            for (int64_t k = 0; k < n; ++k) {
              const float* row = cols + (((c0 + k) * g.kh + i) * g.kw + j) * columns + at;
              acc[k][0] = _mm256_add_ps(acc[k][0], _mm256_maskload_ps(row, lane_mask[0][j]));
              if (g.width > 8) acc[k][1] = _mm256_add_ps(acc[k][1], _mm256_maskload_ps(row + 8, lane_mask[1][j]));
            }
          }
        }
        for (int64_t k = 0; k < n; ++k) {
          float* out = images + (s * g.channels + c0 + k) * in_plane + y * g.width;
          _mm256_maskstore_ps(out, row_mask[0], acc[k][0]);
          if (g.width > 8) _mm256_maskstore_ps(out + 8, row_mask[1], acc[k][1]);
        }
      }
    }
  }
}

#endif

// grad_output [B, O, Ho, Wo] for samples [b0, b0+bc) rearranged to [O, bc*Ho*Wo] in `dst`.
void gather_grad_output(const float* grad_output, const ConvGeometry& g, int64_t b0, int64_t bc, float* dst) {
  for (int64_t s = 0; s < bc; ++s) {
    for (int64_t o = 0; o < g.out_channels; ++o) {
      const float* src = grad_output + ((b0 + s) * g.out_channels + o) * g.plane();
      std::copy(src, src + g.plane(), dst + o * bc * g.plane() + s * g.plane());
    }
  }
}

// Samples [b0, b0 + bc) of the input gradient (one chunk) in tiles of kGemmTile / plane samples:
// gemm_cpu's column tiles of the chunk's product, each computed into a per-thread buffer and
// added into its samples' zeroed planes by the thread that computed it.
void conv2d_grad_input_tiles(const float* grad_output, const float* weight, const ConvGeometry& g, int64_t b0,
                             int64_t bc, float* grad_input) {
  const int64_t per_tile = kGemmTile / g.plane(), image = g.channels * g.height * g.width;
  (void)gemm_isa();  // reads NORSE_GEMM_ISA (may throw) before the threads
#if NORSE_AVX512_ROWS
  const bool gather_rows =
      g.stride.h == 1 && g.stride.w == 1 && g.dilation.h == 1 && g.dilation.w == 1 && g.width <= 16 && g.kw <= 16;
  const auto gather = !gather_rows         ? nullptr
                      : cpu_has_avx512()   ? col2im_gather_avx512
                      : cpu_has_avx2_fma() ? col2im_gather_avx2
                                           : nullptr;
#endif
  parallel_for((bc + per_tile - 1) / per_tile, 1, [&](int64_t begin, int64_t end) {
    std::vector<float> gm(static_cast<size_t>(g.out_channels * kGemmTile));
    std::vector<float> cols(static_cast<size_t>(g.patch() * kGemmTile));
    for (int64_t t = begin; t < end; ++t) {
      const int64_t s0 = b0 + t * per_tile, sc = std::min(per_tile, b0 + bc - s0), width = sc * g.plane();
      gather_grad_output(grad_output, g, s0, sc, gm.data());
      // cols[patch, width] = w^T @ gm[O, width]  (w [O, patch] read as a column-major [patch, O])
      gemm_cpu_tile(g.patch(), g.out_channels, width, 1.0f, {weight, g.patch(), true}, {gm.data(), width, false},
                    cols.data(), width, false);
      float* dst = grad_input + s0 * image;
      const auto plane_of = [&](int64_t s, int64_t c) { return dst + s * image + c * g.height * g.width; };
#if NORSE_AVX512_ROWS
      if (gather) {
        gather(cols.data(), width, g, sc, dst);
        continue;
      }
#endif
      std::fill(dst, dst + sc * image, 0.0f);
      for (int64_t c = 0; c < g.channels; ++c) col2im_channel(cols.data(), width, g, c, sc, plane_of);
    }
  });
}

Tensor conv2d_grad_input_group(const Tensor& grad_output_in, const Tensor& weight_in, const Shape& input_shape,
                               const Conv2dOptions& options) {
  const ConvGeometry g = conv_geometry("conv2d_backward", input_shape, weight_in.shape(), options);
  check_shape("conv2d_backward", "grad_output", {g.batch, g.out_channels, g.out_h, g.out_w}, grad_output_in.shape());
  check_same_device("conv2d_backward", grad_output_in, weight_in, Tensor());
  const Tensor grad_output = grad_output_in.contiguous();
  const Tensor weight = weight_in.contiguous();
  if (weight.device() == Device::kCUDA) {
    Tensor grad_input = Tensor::empty(input_shape, Device::kCUDA);  // every element written
    cuda_tensor_ops("conv2d_backward")
        .conv2d_grad_input(grad_output.device_data(), weight.device_data(), g.dims(), grad_input.device_data());
    return grad_input;
  }
  const int64_t chunk = g.chunk();
  Tensor grad_input = Tensor::empty(input_shape);
  Tensor gm_buffer, cols_buffer;  // the whole-chunk path's, allocated when first needed
  for (int64_t b0 = 0; b0 < g.batch; b0 += chunk) {
    const int64_t bc = std::min(chunk, g.batch - b0);
    const int64_t width = bc * g.plane();
    // Where gemm_cpu would cut the chunk's product into column tiles of whole samples (conv2 of
    // ConvNet4: 800 x 32768, tiles of 4 samples), each thread adds the tiles it computes into
    // their planes at once: the same tile products and order of additions (the same bits)
    // without writing and re-reading a [patch, width] buffer (100 MB there; zeroing it alone
    // took 5% of a training step).
    if (kGemmTile % g.plane() == 0 && gemm_cpu_tiles_columns(g.patch(), width)) {
      conv2d_grad_input_tiles(grad_output.data(), weight.data(), g, b0, bc, grad_input.data());
      continue;
    }
    if (!gm_buffer.defined()) {
      gm_buffer = Tensor::empty({g.out_channels * chunk * g.plane()});
      cols_buffer = Tensor::empty({g.patch() * chunk * g.plane()});
    }
    const int64_t image = g.channels * g.height * g.width;
    std::fill(grad_input.data() + b0 * image, grad_input.data() + (b0 + bc) * image, 0.0f);
    gather_grad_output(grad_output.data(), g, b0, bc, gm_buffer.data());
    // cols[patch, width] = w^T @ gm[O, width]  (w [O, patch] read as a column-major [patch, O])
    gemm_cpu(g.patch(), g.out_channels, width, 1.0f, {weight.data(), g.patch(), true}, {gm_buffer.data(), width, false},
             cols_buffer.data(), width, false);
    col2im(cols_buffer.data(), g, b0, bc, grad_input.data());
  }
  return grad_input;
}

Tensor conv2d_grad_weight_group(const Tensor& grad_output_in, const Tensor& input_in, const Shape& weight_shape,
                                const Conv2dOptions& options) {
  const ConvGeometry g = conv_geometry("conv2d_backward", input_in.shape(), weight_shape, options);
  check_shape("conv2d_backward", "grad_output", {g.batch, g.out_channels, g.out_h, g.out_w}, grad_output_in.shape());
  check_same_device("conv2d_backward", grad_output_in, input_in, Tensor());
  const Tensor grad_output = grad_output_in.contiguous();
  const Tensor input = input_in.contiguous();
  if (input.device() == Device::kCUDA) {
    Tensor grad_weight = Tensor::empty(weight_shape, Device::kCUDA);  // the first chunk's GEMM overwrites
    cuda_tensor_ops("conv2d_backward")
        .conv2d_grad_weight(grad_output.device_data(), input.device_data(), g.dims(), grad_weight.device_data());
    return grad_weight;
  }
  Tensor grad_weight = zeros(weight_shape);
  const int64_t chunk = g.chunk();
  Tensor cols = Tensor::empty({g.patch() * chunk * g.plane()});
  Tensor gm_buffer = Tensor::empty({g.out_channels * chunk * g.plane()});
  for (int64_t b0 = 0; b0 < g.batch; b0 += chunk) {
    const int64_t bc = std::min(chunk, g.batch - b0);
    im2col(input.data(), g, b0, bc, cols.data());
    gather_grad_output(grad_output.data(), g, b0, bc, gm_buffer.data());
    // gw[O, patch] += gm[O, width] @ cols^T  (cols [patch, width] read as a column-major [width, patch])
    const int64_t width = bc * g.plane();
    gemm_cpu(g.out_channels, width, g.patch(), 1.0f, {gm_buffer.data(), width, false}, {cols.data(), width, true},
             grad_weight.data(), g.patch(), true);
  }
  return grad_weight;
}
}  // namespace

Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias, const Conv2dOptions& options) {
  const ConvGeometry g = conv_geometry("conv2d", input.shape(), weight.shape(), options);
  if (bias.defined()) check_shape("conv2d", "bias", {g.out_channels * options.groups}, bias.shape());
  check_same_device("conv2d", input, weight, bias);
  return over_groups(options, 1, [&](int64_t k, const Conv2dOptions& single) {
    return conv2d_group(group_slice(input, 1, options.groups, k), group_slice(weight, 0, options.groups, k),
                        bias.defined() ? group_slice(bias, 0, options.groups, k) : Tensor(), single);
  });
}

Tensor conv2d_grad_input(const Tensor& grad_output, const Tensor& weight, const Shape& input_shape,
                         const Conv2dOptions& options) {
  conv_geometry("conv2d_backward", input_shape, weight.shape(), options);
  Shape group_shape = input_shape;
  group_shape[1] /= options.groups;
  return over_groups(options, 1, [&](int64_t k, const Conv2dOptions& single) {
    return conv2d_grad_input_group(group_slice(grad_output, 1, options.groups, k),
                                   group_slice(weight, 0, options.groups, k), group_shape, single);
  });
}

Tensor conv2d_grad_weight(const Tensor& grad_output, const Tensor& input, const Shape& weight_shape,
                          const Conv2dOptions& options) {
  conv_geometry("conv2d_backward", input.shape(), weight_shape, options);
  Shape group_shape = weight_shape;
  group_shape[0] /= options.groups;
  return over_groups(options, 0, [&](int64_t k, const Conv2dOptions& single) {
    return conv2d_grad_weight_group(group_slice(grad_output, 1, options.groups, k),
                                    group_slice(input, 1, options.groups, k), group_shape, single);
  });
}

Tensor unfold2d(const Tensor& input_in, int64_t kh, int64_t kw, int64_t stride, int64_t padding, int64_t dilation) {
  const char* op = "unfold2d";
  check_rank(op, "input", 4, input_in.shape(), "[B, C, H, W]");
  NORSE_CHECK(kh >= 1 && kw >= 1 && stride >= 1 && padding >= 0 && dilation >= 1, InvalidArgument, op,
              "kernel sizes, stride and dilation must be >= 1 and padding >= 0, got kernel ", kh, "x", kw, ", stride ",
              stride, ", padding ", padding, ", dilation ", dilation);
  const Tensor input = input_in.contiguous();
  const int64_t b = input.size(0), c = input.size(1), h = input.size(2), w = input.size(3);
  const int64_t ho = conv_output_size(op, h, dilation * (kh - 1) + 1, stride, padding);
  const int64_t wo = conv_output_size(op, w, dilation * (kw - 1) + 1, stride, padding);
  Tensor out = zeros({b, c * kh * kw, ho * wo});
  const float* src = input.data();
  float* dst = out.data();
  for (int64_t n = 0; n < b; ++n) {
    for (int64_t ch = 0; ch < c; ++ch) {
      for (int64_t i = 0; i < kh; ++i) {
        for (int64_t j = 0; j < kw; ++j) {
          float* row = dst + ((n * c + ch) * kh * kw + i * kw + j) * ho * wo;
          for (int64_t oy = 0; oy < ho; ++oy) {
            const int64_t y = oy * stride - padding + i * dilation;
            if (y < 0 || y >= h) continue;
            for (int64_t ox = 0; ox < wo; ++ox) {
              const int64_t x = ox * stride - padding + j * dilation;
              if (x >= 0 && x < w) row[oy * wo + ox] = src[((n * c + ch) * h + y) * w + x];
            }
          }
        }
      }
    }
  }
  return out;
}

// --- pooling -----------------------------------------------------------------------------------

namespace {

struct PoolGeometry {
  int64_t planes, height, width, kernel, stride, padding, out_h, out_w;
  PoolDims dims() const { return {planes, height, width, kernel, stride, padding, out_h, out_w}; }
};

PoolGeometry pool_geometry(const char* op, const Shape& input, const Pool2dOptions& o) {
  check_rank(op, "input", 4, input, "[B, C, H, W]");
  NORSE_CHECK(o.kernel_size >= 1, InvalidArgument, op, "kernel_size must be >= 1, got ", o.kernel_size);
  const int64_t stride = o.stride == 0 ? o.kernel_size : o.stride;
  NORSE_CHECK(stride >= 1, InvalidArgument, op, "stride must be >= 1 (or 0 for kernel_size), got ", o.stride);
  NORSE_CHECK(o.padding >= 0 && 2 * o.padding <= o.kernel_size, InvalidArgument, op,
              "padding must be in [0, kernel_size / 2] = [0, ", o.kernel_size / 2, "], got ", o.padding);
  PoolGeometry g{input[0] * input[1], input[2], input[3], o.kernel_size, stride, o.padding, 0, 0};
  g.out_h = conv_output_size(op, g.height, g.kernel, g.stride, g.padding);
  g.out_w = conv_output_size(op, g.width, g.kernel, g.stride, g.padding);
  return g;
}

// The first element of one plane's max-pool indices [out_h, out_w] that is not a position in its
// window (an integral float inside the input plane and inside the window the output read), or -1.
// Anything else would be scattered out of the plane (the scalar path) or dropped (the vector
// paths compare positions).
int64_t stray_pool_index(const float* plane_indices, const PoolGeometry& g) {
  const int64_t plane = g.height * g.width;
  int64_t k = 0;
  for (int64_t oy = 0; oy < g.out_h; ++oy) {
    for (int64_t ox = 0; ox < g.out_w; ++ox, ++k) {
      const float a = plane_indices[k];
      if (!(a >= 0.0f && a < static_cast<float>(plane)) || a != std::floor(a)) return k;
      const int64_t at = static_cast<int64_t>(a), y = at / g.width, x = at % g.width;
      const int64_t y0 = oy * g.stride - g.padding, x0 = ox * g.stride - g.padding;
      if (y < y0 || y >= y0 + g.kernel || x < x0 || x >= x0 + g.kernel) return k;
    }
  }
  return -1;
}

// The error for the first stray index of indices [planes, out_h, out_w] (some plane has one).
[[noreturn]] void throw_stray_pool_index(const float* indices, const PoolGeometry& g) {
  const int64_t per_plane = g.out_h * g.out_w;
  for (int64_t p = 0; p < g.planes; ++p) {
    const int64_t j = stray_pool_index(indices + p * per_plane, g);
    if (j < 0) continue;
    const int64_t k = p * per_plane + j, y0 = j / g.out_w * g.stride - g.padding,
                  x0 = j % g.out_w * g.stride - g.padding;
    throw InvalidArgument(str_cat("max_pool2d_backward: indices must hold positions in their windows (as max_pool2d ",
                                  "returns them), got ", indices[k], " at element ", k, " (window rows [", y0, ", ",
                                  y0 + g.kernel, "), columns [", x0, ", ", x0 + g.kernel, ") of a ", g.height, " x ",
                                  g.width, " plane)"));
  }
  throw InvalidArgument(
      "max_pool2d_backward: indices must hold positions in their windows (as max_pool2d returns them)");
}

// Windows [ox0, out_w) of one output row of a 2 x 2 pool (input rows r0, r1), no NaN among them:
// the first maximum in window order, as max_pool2d_window<2>.
inline void max_pool2x2_windows(const float* r0, const float* r1, int64_t width, int64_t oy, int64_t ox0, int64_t out_w,
                                float* values, float* indices) {
  const float base = static_cast<float>(2 * oy * width), below = static_cast<float>(width);
  for (int64_t ox = ox0; ox < out_w; ++ox) {
    const float a = r0[2 * ox], b = r0[2 * ox + 1], c = r1[2 * ox], d = r1[2 * ox + 1];
    const float x0 = static_cast<float>(2 * ox);
    float best = a, at = x0;
    at = b > best ? x0 + 1.0f : at;
    best = b > best ? b : best;
    at = c > best ? x0 + below : at;
    best = c > best ? c : best;
    at = d > best ? x0 + below + 1.0f : at;
    best = d > best ? d : best;
    values[ox] = best;
    indices[ox] = base + at;
  }
}

// One output row of a 2 x 2, stride 2, unpadded max-pool (every window wholly inside), as
// max_pool2d_window<2> without its bounds checks (GCC 12 leaves both loops scalar;
// max_pool2x2_row_avx512 and _avx2 below are the vector forms). Returns false, writing nothing,
// where the two input rows hold a NaN (max_pool2d_window's NaN rules then decide).
bool max_pool2x2_row(const float* plane, int64_t width, int64_t oy, int64_t out_w, float* values, float* indices) {
  const float* r0 = plane + 2 * oy * width;
  const float* r1 = r0 + width;
  bool nan = false;
  for (int64_t x = 0; x < 2 * out_w; ++x) nan |= (r0[x] != r0[x]) | (r1[x] != r1[x]);
  if (nan) return false;
  max_pool2x2_windows(r0, r1, width, oy, 0, out_w, values, indices);
  return true;
}

#if NORSE_AVX512_ROWS
// max_pool2x2_row for rows of at most 32 inputs (ConvNet4's 24 and 8) in registers. The compiler
// left the portable row loop scalar (its NaN scan, an unordered compare per float, was most of
// the pool's time). Windows' even and odd columns are split by permutes; the same comparisons
// and the same float index arithmetic per output as max_pool2x2_row.
NORSE_TARGET_AVX512 bool max_pool2x2_row_avx512(const float* plane, int64_t width, int64_t oy, int64_t out_w,
                                                float* values, float* indices) {
  const float* r0 = plane + 2 * oy * width;
  const float* r1 = r0 + width;
  const int64_t n = 2 * out_w;
  const __mmask16 lo = first_lanes(n), hi = first_lanes(n - 16);
  const __m512 a0 = _mm512_maskz_loadu_ps(lo, r0), a1 = _mm512_maskz_loadu_ps(hi, r0 + 16);
  const __m512 b0 = _mm512_maskz_loadu_ps(lo, r1), b1 = _mm512_maskz_loadu_ps(hi, r1 + 16);
  if (_mm512_cmp_ps_mask(a0, a0, _CMP_UNORD_Q) | _mm512_cmp_ps_mask(a1, a1, _CMP_UNORD_Q) |
      _mm512_cmp_ps_mask(b0, b0, _CMP_UNORD_Q) | _mm512_cmp_ps_mask(b1, b1, _CMP_UNORD_Q))
    return false;
  const __m512i even = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
  const __m512i odd = _mm512_add_epi32(even, _mm512_set1_epi32(1));
  const __m512 a = _mm512_permutex2var_ps(a0, even, a1), b = _mm512_permutex2var_ps(a0, odd, a1);
  const __m512 c = _mm512_permutex2var_ps(b0, even, b1), d = _mm512_permutex2var_ps(b0, odd, b1);
  // x0 = 2 * ox as float, exactly as the scalar loop computes it.
  const __m512 x0 = _mm512_cvtepi32_ps(even);
  const __m512 one = _mm512_set1_ps(1.0f), below = _mm512_set1_ps(static_cast<float>(width));
  __m512 best = a, at = x0;
  __mmask16 take = _mm512_cmp_ps_mask(b, best, _CMP_GT_OQ);
  at = _mm512_mask_blend_ps(take, at, _mm512_add_ps(x0, one));
  best = _mm512_mask_blend_ps(take, best, b);
  take = _mm512_cmp_ps_mask(c, best, _CMP_GT_OQ);
  at = _mm512_mask_blend_ps(take, at, _mm512_add_ps(x0, below));
  best = _mm512_mask_blend_ps(take, best, c);
  take = _mm512_cmp_ps_mask(d, best, _CMP_GT_OQ);
  at = _mm512_mask_blend_ps(take, at, _mm512_add_ps(_mm512_add_ps(x0, below), one));
  best = _mm512_mask_blend_ps(take, best, d);
  const __mmask16 out = first_lanes(out_w);
  _mm512_mask_storeu_ps(values, out, best);
  _mm512_mask_storeu_ps(indices, out, _mm512_add_ps(_mm512_set1_ps(static_cast<float>(2 * oy * width)), at));
  return true;
}

// max_pool2d_backward of that pool for one plane with rows of at most 32 inputs: each input row
// written once in registers, 0 + its window's gradient where the window's index points at it,
// else 0 -- the scatter into a zeroed plane, so the same bits, without its zero fill and its
// one store per window. Returns whether every window's index hit a position of its window (one
// hit per window: an index anywhere else would be dropped, see stray_pool_index).
NORSE_TARGET_AVX512 bool max_pool2x2_backward_plane_avx512(const float* grad_output, const float* indices,
                                                           int64_t height, int64_t width, int64_t out_h, int64_t out_w,
                                                           float* dst) {
  const __m512i lane = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
  const __m512i window_lo = _mm512_srli_epi32(lane, 1), window_hi = _mm512_add_epi32(window_lo, _mm512_set1_epi32(8));
  const __m512 x_lo = _mm512_cvtepi32_ps(lane),
               x_hi = _mm512_cvtepi32_ps(_mm512_add_epi32(lane, _mm512_set1_epi32(16)));
  // Inputs in a window (x < 2 * out_w) and inputs of the row (x < width), per half.
  const __mmask16 pooled_lo = first_lanes(2 * out_w), pooled_hi = first_lanes(2 * out_w - 16);
  const __mmask16 row_lo = first_lanes(width), row_hi = first_lanes(width - 16);
  const __mmask16 windows = first_lanes(out_w);
  const __m512 zero = _mm512_setzero_ps();
  int64_t hits = 0;
  std::fill(dst + 2 * out_h * width, dst + height * width, 0.0f);  // an odd last row: in no window
  for (int64_t y = 0; y < 2 * out_h; ++y) {
    float* row = dst + y * width;
    const __m512 g = _mm512_maskz_loadu_ps(windows, grad_output + (y / 2) * out_w);
    const __m512 at = _mm512_maskz_loadu_ps(windows, indices + (y / 2) * out_w);
    const __m512 base = _mm512_set1_ps(static_cast<float>(y * width));
    const __mmask16 hit_lo =
        _mm512_mask_cmp_ps_mask(pooled_lo, _mm512_permutexvar_ps(window_lo, at), _mm512_add_ps(base, x_lo), _CMP_EQ_OQ);
    _mm512_mask_storeu_ps(row, row_lo, _mm512_maskz_add_ps(hit_lo, zero, _mm512_permutexvar_ps(window_lo, g)));
    hits += __builtin_popcount(hit_lo);
    if (width > 16) {
      const __mmask16 hit_hi = _mm512_mask_cmp_ps_mask(pooled_hi, _mm512_permutexvar_ps(window_hi, at),
                                                       _mm512_add_ps(base, x_hi), _CMP_EQ_OQ);
      _mm512_mask_storeu_ps(row + 16, row_hi, _mm512_maskz_add_ps(hit_hi, zero, _mm512_permutexvar_ps(window_hi, g)));
      hits += __builtin_popcount(hit_hi);
    }
  }
  return hits == out_h * out_w;
}

// The even and odd floats of v[0, 16) (v0 = v[0, 8), v1 = v[8, 16)) in order: v[0], v[2], ...
NORSE_TARGET_AVX2 inline __m256 even_floats(__m256 v0, __m256 v1) {
  const __m256 e = _mm256_shuffle_ps(v0, v1, _MM_SHUFFLE(2, 0, 2, 0));  // 64-bit pairs v0 v1 v0 v1
  return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(e), _MM_SHUFFLE(3, 1, 2, 0)));
}
NORSE_TARGET_AVX2 inline __m256 odd_floats(__m256 v0, __m256 v1) {
  const __m256 o = _mm256_shuffle_ps(v0, v1, _MM_SHUFFLE(3, 1, 3, 1));
  return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(o), _MM_SHUFFLE(3, 1, 2, 0)));
}

// max_pool2x2_row in 8-window blocks for any width, the rest by max_pool2x2_windows: the same
// comparisons and float index arithmetic per output.
NORSE_TARGET_AVX2 bool max_pool2x2_row_avx2(const float* plane, int64_t width, int64_t oy, int64_t out_w, float* values,
                                            float* indices) {
  const float* r0 = plane + 2 * oy * width;
  const float* r1 = r0 + width;
  const int64_t n = 2 * out_w;
  __m256 unordered = _mm256_setzero_ps();
  int64_t x = 0;
  for (; x + 8 <= n; x += 8) {
    const __m256 a = _mm256_loadu_ps(r0 + x), b = _mm256_loadu_ps(r1 + x);
    unordered =
        _mm256_or_ps(unordered, _mm256_or_ps(_mm256_cmp_ps(a, a, _CMP_UNORD_Q), _mm256_cmp_ps(b, b, _CMP_UNORD_Q)));
  }
  bool nan = _mm256_movemask_ps(unordered) != 0;
  for (; x < n; ++x) nan |= (r0[x] != r0[x]) | (r1[x] != r1[x]);
  if (nan) return false;
  const __m256 one = _mm256_set1_ps(1.0f), below = _mm256_set1_ps(static_cast<float>(width));
  const __m256 base = _mm256_set1_ps(static_cast<float>(2 * oy * width));
  const __m256i lane2 = _mm256_set_epi32(14, 12, 10, 8, 6, 4, 2, 0);
  int64_t ox = 0;
  for (; ox + 8 <= out_w; ox += 8) {
    const float* p0 = r0 + 2 * ox;
    const float* p1 = r1 + 2 * ox;
    const __m256 u0 = _mm256_loadu_ps(p0), u1 = _mm256_loadu_ps(p0 + 8);
    const __m256 w0 = _mm256_loadu_ps(p1), w1 = _mm256_loadu_ps(p1 + 8);
    const __m256 a = even_floats(u0, u1), b = odd_floats(u0, u1), c = even_floats(w0, w1), d = odd_floats(w0, w1);
    // x0 = 2 * ox as float, exactly as the scalar loop computes it.
    const __m256 x0 = _mm256_cvtepi32_ps(_mm256_add_epi32(lane2, _mm256_set1_epi32(static_cast<int>(2 * ox))));
    __m256 best = a, at = x0;
    __m256 take = _mm256_cmp_ps(b, best, _CMP_GT_OQ);
    at = _mm256_blendv_ps(at, _mm256_add_ps(x0, one), take);
    best = _mm256_blendv_ps(best, b, take);
    take = _mm256_cmp_ps(c, best, _CMP_GT_OQ);
    at = _mm256_blendv_ps(at, _mm256_add_ps(x0, below), take);
    best = _mm256_blendv_ps(best, c, take);
    take = _mm256_cmp_ps(d, best, _CMP_GT_OQ);
    at = _mm256_blendv_ps(at, _mm256_add_ps(_mm256_add_ps(x0, below), one), take);
    best = _mm256_blendv_ps(best, d, take);
    _mm256_storeu_ps(values + ox, best);
    _mm256_storeu_ps(indices + ox, _mm256_add_ps(base, at));
  }
  max_pool2x2_windows(r0, r1, width, oy, ox, out_w, values, indices);
  return true;
}

// max_pool2x2_backward_plane_avx512 for any width, 8 inputs (4 windows) at a time: each input
// 0 + its window's gradient where the window's index points at it, else 0. Returns whether
// every window's index hit its window.
NORSE_TARGET_AVX2 bool max_pool2x2_backward_plane_avx2(const float* grad_output, const float* indices, int64_t height,
                                                       int64_t width, int64_t out_h, int64_t out_w, float* dst) {
  const __m256i pairs = _mm256_set_epi32(3, 3, 2, 2, 1, 1, 0, 0);
  const __m256 lane = _mm256_set_ps(7, 6, 5, 4, 3, 2, 1, 0);
  const __m256 zero = _mm256_setzero_ps();
  const int64_t pooled = 2 * out_w;
  int64_t hits = 0;
  std::fill(dst + 2 * out_h * width, dst + height * width, 0.0f);  // an odd last row: in no window
  for (int64_t y = 0; y < 2 * out_h; ++y) {
    float* row = dst + y * width;
    const float* g = grad_output + (y / 2) * out_w;
    const float* at = indices + (y / 2) * out_w;
    const float base = static_cast<float>(y * width);
    int64_t x = 0;
    for (; x + 8 <= pooled; x += 8) {
      const __m256 gw = _mm256_permutevar8x32_ps(_mm256_castps128_ps256(_mm_loadu_ps(g + x / 2)), pairs);
      const __m256 aw = _mm256_permutevar8x32_ps(_mm256_castps128_ps256(_mm_loadu_ps(at + x / 2)), pairs);
      const __m256 here = _mm256_add_ps(_mm256_set1_ps(base + static_cast<float>(x)), lane);
      const __m256 hit = _mm256_cmp_ps(aw, here, _CMP_EQ_OQ);
      _mm256_storeu_ps(row + x, _mm256_add_ps(zero, _mm256_and_ps(hit, gw)));
      hits += __builtin_popcount(static_cast<unsigned>(_mm256_movemask_ps(hit)));
    }
    for (; x < pooled; ++x) {
      const bool hit = at[x / 2] == base + static_cast<float>(x);
      row[x] = hit ? 0.0f + g[x / 2] : 0.0f;
      hits += hit;
    }
    for (; x < width; ++x) row[x] = 0.0f;  // an odd last column
  }
  return hits == out_h * out_w;
}

#endif

}  // namespace

MaxPool2dResult max_pool2d(const Tensor& input_in, const Pool2dOptions& options) {
  const PoolGeometry g = pool_geometry("max_pool2d", input_in.shape(), options);
  const Tensor input = input_in.contiguous();
  const Shape out_shape = {input.size(0), input.size(1), g.out_h, g.out_w};
  if (input.device() == Device::kCUDA) {
    MaxPool2dResult r{Tensor::empty(out_shape, Device::kCUDA), Tensor::empty(out_shape, Device::kCUDA)};
    cuda_tensor_ops("max_pool2d")
        .max_pool2d(input.device_data(), g.dims(), r.values.device_data(), r.indices.device_data());
    return r;
  }
  MaxPool2dResult r{Tensor::empty(out_shape), Tensor::empty(out_shape)};
  const float* src = input.data();
  float* values = r.values.data();
  float* indices = r.indices.data();
  // The same per-window function as the CUDA kernel (core/tensor_ops_device.h), walked by plane,
  // row and column: recovering them from a flat index per output cost three 64-bit divisions,
  // most of the pool's time.
  const PoolDims dims = g.dims();
  const int64_t per_plane = g.out_h * g.out_w;
  // Each output row by `pool_row(plane, oy, values row, indices row)`.
  const auto pool = [&](auto pool_row) {
    parallel_for(g.planes, 4, [&](int64_t begin, int64_t end) {
      for (int64_t p = begin; p < end; ++p) {
        const float* plane = src + p * g.height * g.width;
        for (int64_t oy = 0; oy < g.out_h; ++oy) {
          const int64_t row = p * per_plane + oy * g.out_w;
          pool_row(plane, oy, values + row, indices + row);
        }
      }
    });
  };
  // A row window by window. Lambdas, not function pointers: the window is inlined into the loop.
  const auto by_windows = [&](auto window) {
    return [&, window](const float* plane, int64_t oy, float* row_values, float* row_indices) {
      for (int64_t ox = 0; ox < g.out_w; ++ox) window(plane, dims, oy, ox, row_values + ox, row_indices + ox);
    };
  };
  const auto windows2 = by_windows([](const auto&... a) { device_math::max_pool2d_window<2>(a...); });
  if (g.kernel == 2 && g.stride == 2 && g.padding == 0) {  // ConvNet's pools
#if NORSE_AVX512_ROWS
    const bool avx512_rows = cpu_has_avx512() && g.out_w <= 16, avx2_rows = cpu_has_avx2_fma();
#endif
    const auto row_2x2 = [&](const float* plane, int64_t oy, float* row_values, float* row_indices) {
#if NORSE_AVX512_ROWS
      if (avx512_rows) return max_pool2x2_row_avx512(plane, g.width, oy, g.out_w, row_values, row_indices);
      if (avx2_rows) return max_pool2x2_row_avx2(plane, g.width, oy, g.out_w, row_values, row_indices);
#endif
      return max_pool2x2_row(plane, g.width, oy, g.out_w, row_values, row_indices);
    };
    pool([&](const float* plane, int64_t oy, float* row_values, float* row_indices) {
      if (!row_2x2(plane, oy, row_values, row_indices)) windows2(plane, oy, row_values, row_indices);
    });
  } else if (g.kernel == 2) {
    pool(windows2);
  } else {
    pool(by_windows([](const auto&... a) { device_math::max_pool2d_window<0>(a...); }));
  }
  return r;
}

Tensor max_pool2d_backward(const Tensor& grad_output_in, const Tensor& indices_in, const Shape& input_shape,
                           const Pool2dOptions& options) {
  const PoolGeometry g = pool_geometry("max_pool2d_backward", input_shape, options);
  check_shape("max_pool2d_backward", "grad_output", {input_shape[0], input_shape[1], g.out_h, g.out_w},
              grad_output_in.shape());
  check_shape("max_pool2d_backward", "indices", grad_output_in.shape(), indices_in.shape());
  check_same_device("max_pool2d_backward", grad_output_in, indices_in, Tensor());
  const Tensor grad_output = grad_output_in.contiguous();
  const Tensor indices = indices_in.contiguous();
  if (grad_output.device() == Device::kCUDA) {
    Tensor grad_input = Tensor::empty(input_shape, Device::kCUDA);  // every element written
    cuda_tensor_ops("max_pool2d_backward")
        .max_pool2d_backward(grad_output.device_data(), indices.device_data(), g.dims(), grad_input.device_data());
    return grad_input;
  }
  const int64_t planes = input_shape[0] * input_shape[1];
  const int64_t in_plane = input_shape[2] * input_shape[3];
  const int64_t out_plane = grad_output.size(2) * grad_output.size(3);
  const float* go = grad_output.data();
  const float* idx = indices.data();
  // Each plane zeroed by the thread that scatters into it, while it is in cache: a zero fill of
  // the whole input first was a separate pass over ConvNet's largest tensor.
  Tensor grad_input = Tensor::empty(input_shape);
  float* dst = grad_input.data();
  // Every plane by plane_backward(p), false where an index is not in its window; then the error.
  const auto each_plane = [&](auto plane_backward) {
    std::atomic<bool> stray{false};
    parallel_for(planes, 4, [&](int64_t begin, int64_t end) {
      for (int64_t p = begin; p < end; ++p) {
        if (!plane_backward(p)) stray.store(true, std::memory_order_relaxed);
      }
    });
    if (stray.load()) throw_stray_pool_index(idx, g);
  };
#if NORSE_AVX512_ROWS
  if (g.kernel == 2 && g.stride == 2 && g.padding == 0) {  // ConvNet's pools
    const bool avx512_rows = cpu_has_avx512() && input_shape[3] <= 32;
    if (avx512_rows || cpu_has_avx2_fma()) {
      const auto plane = avx512_rows ? max_pool2x2_backward_plane_avx512 : max_pool2x2_backward_plane_avx2;
      each_plane([&](int64_t p) {
        return plane(go + p * out_plane, idx + p * out_plane, input_shape[2], input_shape[3], g.out_h, g.out_w,
                     dst + p * in_plane);
      });
      return grad_input;
    }
  }
#endif
  each_plane([&](int64_t p) {
    if (stray_pool_index(idx + p * out_plane, g) >= 0) return false;  // checked before it writes
    std::fill(dst + p * in_plane, dst + (p + 1) * in_plane, 0.0f);
    for (int64_t k = 0; k < out_plane; ++k) {
      const int64_t at = static_cast<int64_t>(idx[p * out_plane + k]);
      dst[p * in_plane + at] += go[p * out_plane + k];
    }
    return true;
  });
  return grad_input;
}

Tensor avg_pool2d(const Tensor& input_in, const Pool2dOptions& options) {
  const PoolGeometry g = pool_geometry("avg_pool2d", input_in.shape(), options);
  const Tensor input = input_in.contiguous();
  if (input.device() == Device::kCUDA) {
    Tensor out = Tensor::empty({input.size(0), input.size(1), g.out_h, g.out_w}, Device::kCUDA);
    cuda_tensor_ops("avg_pool2d").avg_pool2d(input.device_data(), g.dims(), out.device_data());
    return out;
  }
  Tensor out = Tensor::empty({input.size(0), input.size(1), g.out_h, g.out_w});
  const float* src = input.data();
  float* dst = out.data();
  // The same per-output function as the CUDA kernel (core/tensor_ops_device.h).
  const PoolDims dims = g.dims();
  const int64_t per_plane = g.out_h * g.out_w;
  parallel_for(g.planes, 4, [&](int64_t begin, int64_t end) {
    for (int64_t k = begin * per_plane; k < end * per_plane; ++k) dst[k] = device_math::avg_pool2d_at(src, dims, k);
  });
  return out;
}

Tensor avg_pool2d_backward(const Tensor& grad_output_in, const Shape& input_shape, const Pool2dOptions& options) {
  const PoolGeometry g = pool_geometry("avg_pool2d_backward", input_shape, options);
  check_shape("avg_pool2d_backward", "grad_output", {input_shape[0], input_shape[1], g.out_h, g.out_w},
              grad_output_in.shape());
  const Tensor grad_output = grad_output_in.contiguous();
  if (grad_output.device() == Device::kCUDA) {
    Tensor grad_input = Tensor::empty(input_shape, Device::kCUDA);
    cuda_tensor_ops("avg_pool2d_backward")
        .avg_pool2d_backward(grad_output.device_data(), g.dims(), grad_input.device_data());
    return grad_input;
  }
  Tensor grad_input = zeros(input_shape);
  const float* src = grad_output.data();
  float* dst = grad_input.data();
  const float inv = 1.0f / static_cast<float>(g.kernel * g.kernel);
  parallel_for(g.planes, 4, [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p) {
      float* plane = dst + p * g.height * g.width;
      for (int64_t oy = 0; oy < g.out_h; ++oy) {
        for (int64_t ox = 0; ox < g.out_w; ++ox) {
          const float v = src[(p * g.out_h + oy) * g.out_w + ox] * inv;
          for (int64_t i = 0; i < g.kernel; ++i) {
            const int64_t y = oy * g.stride - g.padding + i;
            if (y < 0 || y >= g.height) continue;
            for (int64_t j = 0; j < g.kernel; ++j) {
              const int64_t x = ox * g.stride - g.padding + j;
              if (x >= 0 && x < g.width) plane[y * g.width + x] += v;
            }
          }
        }
      }
    }
  });
  return grad_input;
}

}  // namespace norse
