#include "kernels/event_conv.h"

#include <algorithm>
#include <cstring>

#include "core/parallel.h"
#include "core/stream_copy.h"
#include "core/transpose.h"
#include "kernels/event_common.h"

namespace norse {
namespace kernels {
namespace {

// Calls f(ky, j0, q0, n) for every kernel row ky that the spike at input position pos reaches:
// the kernel columns kx in [kx0, kx1) land on output row oy = y + padding - ky (which must lie in
// [0, H_out)) at the n = kx1 - kx0 contiguous positions q0 = oy * W_out + x + padding - kx1 + 1,
// q0 + 1, ... (kx descending). With the kernel's columns stored reversed (j = kw - 1 - kx, from
// j0 = kw - kx1) their weight rows are contiguous too: an event is one vector addition of
// n * C_out floats per kernel row instead of one per tap. Each output value still receives at
// most one addition per event, so the sums (and their bits) do not depend on this order.
// row_of[pos] = pos / W (a table: a division per event cost as much as its additions).
template <class F>
inline void for_each_reach_row(int64_t pos, const int32_t* row_of, const EventConvShape& s, F&& f) {
  const int64_t y = row_of[pos], x = pos - y * s.width, oh = s.out_h(), ow = s.out_w();
  const int64_t ky0 = std::max<int64_t>(0, y + s.padding - oh + 1),
                ky1 = std::min<int64_t>(s.kernel_h, y + s.padding + 1);
  const int64_t kx0 = std::max<int64_t>(0, x + s.padding - ow + 1),
                kx1 = std::min<int64_t>(s.kernel_w, x + s.padding + 1);
  if (kx0 >= kx1) return;
  const int64_t n = kx1 - kx0, j0 = s.kernel_w - kx1, col0 = x + s.padding - kx1 + 1;
  for (int64_t ky = ky0; ky < ky1; ++ky) f(ky, j0, (y + s.padding - ky) * ow + col0, n);
}

std::vector<int32_t> row_table(const EventConvShape& s) {
  std::vector<int32_t> row_of(static_cast<size_t>(s.height * s.width));
  for (int64_t pos = 0; pos < s.height * s.width; ++pos)
    row_of[static_cast<size_t>(pos)] = static_cast<int32_t>(pos / s.width);
  return row_of;
}

// Rows [C_in * kh * kw] of C_out: the kernel columns reversed within each (c, ky), in place (row
// (c * kh + ky) * kw + j swapped with row (c * kh + ky) * kw + kw - 1 - j; its own inverse).
void reverse_kernel_columns(const EventConvShape& s, float* rows) {
  const int64_t co = s.out_channels, kw = s.kernel_w;
  for (int64_t r = 0; r < s.in_channels * s.kernel_h; ++r) {
    for (int64_t j = 0; j < kw / 2; ++j) {
      std::swap_ranges(rows + (r * kw + j) * co, rows + (r * kw + j + 1) * co, rows + (r * kw + kw - 1 - j) * co);
    }
  }
}

// The events of samples [b0, b1).
inline int64_t sample_events(const SpikeEvents& events, const EventConvShape& s, int64_t b0, int64_t b1) {
  return events.offsets[static_cast<size_t>(b1 * s.in_channels)] -
         events.offsets[static_cast<size_t>(b0 * s.in_channels)];
}

}  // namespace

int64_t count_spike_events(const float* x, const EventConvShape& s, SpikeEvents* events, bool* non_binary) {
  const int64_t planes = s.batch * s.in_channels;
  events->offsets.assign(static_cast<size_t>(planes + 1), 0);
  events->positions.clear();
  return count_segment_spikes(x, planes, s.height * s.width, events->offsets.data(), non_binary);
}

void fill_spike_events(const float* x, const EventConvShape& s, SpikeEvents* events) {
  const int64_t planes = s.batch * s.in_channels;
  events->positions.resize(static_cast<size_t>(events->offsets[static_cast<size_t>(planes)]));
  list_segment_spikes(x, planes, s.height * s.width, events->offsets.data(), events->positions.data());
}

void event_conv2d_forward(const SpikeEvents& events, const float* weight, const float* bias, const EventConvShape& s,
                          float* out) {
  const int64_t co = s.out_channels, kh = s.kernel_h, kw = s.kernel_w, oh = s.out_h(), ow = s.out_w();
  // Weights channels-last, kernel columns reversed: wr[((c * kh + ky) * kw + kw - 1 - kx) * co + o] =
  // weight[o, c, ky, kx].
  std::vector<float> wr(static_cast<size_t>(s.in_channels * kh * kw * co));
  transpose_matrix(weight, co, s.in_channels * kh * kw, wr.data());
  reverse_kernel_columns(s, wr.data());
  const std::vector<int32_t> row_of = row_table(s);
  const int64_t out_plane = oh * ow;
  // A sample's work: kh * kw rows of C_out per event (fewer at the borders), and clearing and
  // transposing its [H_out, W_out, C_out] accumulator.
  const auto sample_work = [&](int64_t b) {
    return sample_events(events, s, b, b + 1) * kh * kw * co + 2 * out_plane * co;
  };
  // A large output (conv1's, tens of MB, which its LIF layer reads back from memory anyway) is
  // streamed past the caches from a sample's staging buffer (core/stream_copy.h): written
  // directly, its every line was first read for ownership.
  const bool stream = worth_streaming(s.batch * co * out_plane * static_cast<int64_t>(sizeof(float)));
  parallel_for_weighted(s.batch, sample_work, [&](int64_t begin, int64_t end) {
    std::vector<float> acc(static_cast<size_t>(out_plane * co));  // [H_out, W_out, C_out] of one sample
    std::vector<float> staged(stream ? static_cast<size_t>(co * out_plane) : 0);
    for (int64_t b = begin; b < end; ++b) {
      std::fill(acc.begin(), acc.end(), 0.0f);
      for (int64_t c = 0; c < s.in_channels; ++c) {
        const int64_t plane = b * s.in_channels + c;
        for (int64_t e = events.offsets[plane]; e < events.offsets[plane + 1]; ++e) {
          for_each_reach_row(events.positions[static_cast<size_t>(e)], row_of.data(), s,
                             [&](int64_t ky, int64_t j0, int64_t q0, int64_t n) {
                               add_row(&acc[static_cast<size_t>(q0 * co)],
                                       &wr[static_cast<size_t>(((c * kh + ky) * kw + j0) * co)], n * co);
                             });
        }
      }
      float* dst = stream ? staged.data() : out + b * co * out_plane;
      transpose_matrix(acc.data(), out_plane, co, dst);
      if (bias) {
        for (int64_t o = 0; o < co; ++o) {
          for (int64_t q = 0; q < out_plane; ++q) dst[o * out_plane + q] += bias[o];
        }
      }
      if (stream) copy_streaming(dst, co * out_plane, out + b * co * out_plane);
    }
    if (stream) streaming_fence();
  });
}

void event_conv2d_grad_weight(const SpikeEvents& events, const float* grad_out, const EventConvShape& s,
                              float* grad_weight, float* grad_bias) {
  const int64_t co = s.out_channels, kh = s.kernel_h, kw = s.kernel_w, oh = s.out_h(), ow = s.out_w();
  const int64_t out_plane = oh * ow, taps = s.in_channels * kh * kw;
  const std::vector<int32_t> row_of = row_table(s);
  // Fixed chunks of samples, each summed into its own partial [C_in, kh, kw, C_out] and the
  // partials added in chunk order: the same bits on any thread count. Each chunk transposes its
  // samples' grad_out channels-last (small buffers: no batch-sized temporary).
  constexpr int64_t kChunk = 32;
  const int64_t chunks = (s.batch + kChunk - 1) / kChunk;
  // A chunk's partial holds its weight gradient [taps, C_out] (kernel columns reversed, as the
  // forward's weights) and then its bias gradient [C_out].
  const int64_t stride = (taps + 1) * co;
  std::vector<float> partial(static_cast<size_t>(chunks * stride), 0.0f);
  // A chunk's work: kh * kw rows of C_out per event, a transpose of each sample's grad_out.
  const auto chunk_work = [&](int64_t chunk) {
    const int64_t b0 = chunk * kChunk, b1 = std::min(s.batch, b0 + kChunk);
    return sample_events(events, s, b0, b1) * kh * kw * co + 2 * (b1 - b0) * out_plane * co;
  };
  parallel_for_weighted(chunks, chunk_work, [&](int64_t begin, int64_t end) {
    std::vector<float> gt(static_cast<size_t>(out_plane * co));  // one sample's grad_out, [H_out, W_out, C_out]
    for (int64_t chunk = begin; chunk < end; ++chunk) {
      float* dwr = &partial[static_cast<size_t>(chunk * stride)];
      for (int64_t b = chunk * kChunk; b < std::min(s.batch, (chunk + 1) * kChunk); ++b) {
        transpose_matrix(grad_out + b * co * out_plane, co, out_plane, gt.data());
        // The bias gradient from the transposed copy while it is in cache: a separate sum over
        // grad_out read the whole (for conv1: the step's largest) tensor once more.
        if (grad_bias) {
          for (int64_t q = 0; q < out_plane; ++q) add_row(dwr + taps * co, &gt[static_cast<size_t>(q * co)], co);
        }
        for (int64_t c = 0; c < s.in_channels; ++c) {
          const int64_t plane = b * s.in_channels + c;
          for (int64_t e = events.offsets[plane]; e < events.offsets[plane + 1]; ++e) {
            for_each_reach_row(events.positions[static_cast<size_t>(e)], row_of.data(), s,
                               [&](int64_t ky, int64_t j0, int64_t q0, int64_t n) {
                                 add_row(dwr + ((c * kh + ky) * kw + j0) * co, &gt[static_cast<size_t>(q0 * co)],
                                         n * co);
                               });
          }
        }
      }
    }
  });
  for (int64_t chunk = 1; chunk < chunks; ++chunk)
    add_row(partial.data(), &partial[static_cast<size_t>(chunk * stride)], stride);
  reverse_kernel_columns(s, partial.data());
  transpose_matrix(partial.data(), taps, co, grad_weight);
  if (grad_bias) std::copy(partial.begin() + taps * co, partial.begin() + stride, grad_bias);
}

}  // namespace kernels
}  // namespace norse
