// Event-driven 2-D convolution for spike inputs (issue 12): work in proportion to the spikes.
//
// A spike input x [B, C_in, H, W] holds 0 or 1. The dense convolution multiplies every weight
// with every input, zeros included; here each spike (b, c, y, x) adds the weights it reaches,
//   forward:      out[b, :, y + p - ky, x + p - kx] += W[:, c, ky, kx]         (for every ky, kx)
//   weight grad:  dW[:, c, ky, kx] += grad_out[b, :, y + p - ky, x + p - kx]
// so both cost (number of spikes) * kh * kw * C_out additions instead of
// B * C_out * H_out * W_out * C_in * kh * kw multiply-adds. The input gradient is the dense one
// (core's conv2d_grad_input): the upstream layer's gradient is not sparse.
//
// Layouts: both loops run channels-last (the C_out values of one position contiguous), with the
// weights reordered [C_in, kh, kw (reversed), C_out]: the taps of one kernel row then meet
// contiguous output positions in contiguous weight rows, so each event is kh vector additions.
// Stride 1, dilation 1, one group, any zero padding (the shapes of Norse's ConvNet4).
//
// Determinism: the forward runs one thread per sample; the weight (and bias) gradient sums fixed
// chunks of 32 samples into partials that are added in chunk order; every sum takes its events in a fixed
// order (sample, channel, position): the result is the same on any thread count.
#ifndef NORSE_KERNELS_EVENT_CONV_H_
#define NORSE_KERNELS_EVENT_CONV_H_

#include <cstdint>
#include <vector>

namespace norse {
namespace kernels {

struct EventConvShape {
  int64_t batch, in_channels, height, width;  // input
  int64_t out_channels, kernel_h, kernel_w, padding;
  int64_t out_h() const { return height + 2 * padding - kernel_h + 1; }
  int64_t out_w() const { return width + 2 * padding - kernel_w + 1; }
};

// The spikes of x [B, C_in, H, W]: for every (sample, channel) plane, the positions y * W + x of
// its non-zero entries in increasing order. `offsets` has B * C_in + 1 entries: plane
// (b, c)'s positions are positions[offsets[b * C_in + c] .. offsets[b * C_in + c + 1]).
struct SpikeEvents {
  std::vector<int64_t> offsets;
  std::vector<int32_t> positions;
  int64_t count() const { return offsets.empty() ? 0 : offsets.back(); }
};

// Building the event lists takes two passes over x, so that the caller can choose the dense
// convolution after the first when the input is not sparse enough:
// 1. counts every plane's non-zero entries into events->offsets and returns the total; sets
//    *non_binary when a non-zero entry is not exactly 1 (then the events would be wrong);
int64_t count_spike_events(const float* x, const EventConvShape& s, SpikeEvents* events, bool* non_binary);
// 2. fills events->positions (after count_spike_events on the same x).
void fill_spike_events(const float* x, const EventConvShape& s, SpikeEvents* events);

// out [B, C_out, H_out, W_out] = (overwrite) bias + the events' weights. weight
// [C_out, C_in, kh, kw]; bias [C_out] or nullptr.
void event_conv2d_forward(const SpikeEvents& events, const float* weight, const float* bias, const EventConvShape& s,
                          float* out);

// grad_weight [C_out, C_in, kh, kw] = (overwrite) the sum over events of grad_out at the
// positions each event reached; grad_out [B, C_out, H_out, W_out]. With grad_bias [C_out]
// (else nullptr), also the bias gradient: grad_out summed over samples and positions.
void event_conv2d_grad_weight(const SpikeEvents& events, const float* grad_out, const EventConvShape& s,
                              float* grad_weight, float* grad_bias = nullptr);

}  // namespace kernels
}  // namespace norse

#endif  // NORSE_KERNELS_EVENT_CONV_H_
