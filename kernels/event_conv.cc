#include "kernels/event_conv.h"

#include <algorithm>
#include <cstring>

#include "core/parallel.h"
#include "core/transpose.h"
#include "kernels/event_common.h"

namespace norse {
namespace kernels {
namespace {

// Calls f(tap, output position) for every output position the spike at input position `pos`
// reaches, tap = ky * kw + kx, output position = oy * W_out + ox: the output row oy = y + padding
// - ky must lie in [0, H_out), i.e. ky in (y + padding - H_out, y + padding] (the same for x).
template <class F>
inline void for_each_reach(int64_t pos, const EventConvShape& s, F&& f) {
  const int64_t y = pos / s.width, x = pos % s.width, oh = s.out_h(), ow = s.out_w();
  const int64_t ky0 = std::max<int64_t>(0, y + s.padding - oh + 1),
                ky1 = std::min<int64_t>(s.kernel_h, y + s.padding + 1);
  const int64_t kx0 = std::max<int64_t>(0, x + s.padding - ow + 1),
                kx1 = std::min<int64_t>(s.kernel_w, x + s.padding + 1);
  for (int64_t ky = ky0; ky < ky1; ++ky) {
    for (int64_t kx = kx0; kx < kx1; ++kx) f(ky * s.kernel_w + kx, (y + s.padding - ky) * ow + (x + s.padding - kx));
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
  // Weights channels-last: wr[((c * kh + ky) * kw + kx) * co + o] = weight[o, c, ky, kx].
  std::vector<float> wr(static_cast<size_t>(s.in_channels * kh * kw * co));
  transpose_matrix(weight, co, s.in_channels * kh * kw, wr.data());
  const int64_t out_plane = oh * ow;
  // A sample's work: kh * kw rows of C_out per event (fewer at the borders), and clearing and
  // transposing its [H_out, W_out, C_out] accumulator.
  const auto sample_work = [&](int64_t b) {
    return sample_events(events, s, b, b + 1) * kh * kw * co + 2 * out_plane * co;
  };
  parallel_for_weighted(s.batch, sample_work, [&](int64_t begin, int64_t end) {
    std::vector<float> acc(static_cast<size_t>(out_plane * co));  // [H_out, W_out, C_out] of one sample
    for (int64_t b = begin; b < end; ++b) {
      std::fill(acc.begin(), acc.end(), 0.0f);
      for (int64_t c = 0; c < s.in_channels; ++c) {
        const int64_t plane = b * s.in_channels + c;
        for (int64_t e = events.offsets[plane]; e < events.offsets[plane + 1]; ++e) {
          for_each_reach(events.positions[static_cast<size_t>(e)], s, [&](int64_t tap, int64_t q) {
            add_row(&acc[static_cast<size_t>(q * co)], &wr[static_cast<size_t>((c * kh * kw + tap) * co)], co);
          });
        }
      }
      float* dst = out + b * co * out_plane;
      transpose_matrix(acc.data(), out_plane, co, dst);
      if (bias) {
        for (int64_t o = 0; o < co; ++o) {
          for (int64_t q = 0; q < out_plane; ++q) dst[o * out_plane + q] += bias[o];
        }
      }
    }
  });
}

void event_conv2d_grad_weight(const SpikeEvents& events, const float* grad_out, const EventConvShape& s,
                              float* grad_weight, float* grad_bias) {
  const int64_t co = s.out_channels, kh = s.kernel_h, kw = s.kernel_w, oh = s.out_h(), ow = s.out_w();
  const int64_t out_plane = oh * ow, taps = s.in_channels * kh * kw;
  // Fixed chunks of samples, each summed into its own partial [C_in, kh, kw, C_out] and the
  // partials added in chunk order: the same bits on any thread count. Each chunk transposes its
  // samples' grad_out channels-last (small buffers: no batch-sized temporary).
  constexpr int64_t kChunk = 32;
  const int64_t chunks = (s.batch + kChunk - 1) / kChunk;
  // A chunk's partial holds its weight gradient [taps, C_out] and then its bias gradient [C_out].
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
            for_each_reach(events.positions[static_cast<size_t>(e)], s, [&](int64_t tap, int64_t q) {
              add_row(dwr + (c * kh * kw + tap) * co, &gt[static_cast<size_t>(q * co)], co);
            });
          }
        }
      }
    }
  });
  for (int64_t chunk = 1; chunk < chunks; ++chunk)
    add_row(partial.data(), &partial[static_cast<size_t>(chunk * stride)], stride);
  transpose_matrix(partial.data(), taps, co, grad_weight);
  if (grad_bias) std::copy(partial.begin() + taps * co, partial.begin() + stride, grad_bias);
}

}  // namespace kernels
}  // namespace norse
