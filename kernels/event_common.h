// What the event-driven kernels (event_conv.h, event_linear.h) share.
//
// (Their channels-last / transposed layouts come from core/transpose.h.)
//
// Listing the spikes of a 0/1 tensor cut into equal segments (the (sample, channel) planes of a
// convolution's input, the rows of a linear layer's). Two passes over x, so that a caller can
// stop after the count when the input is too dense to pay:
//   1. count_segment_spikes: offsets[k + 1] - offsets[k] = segment k's non-zero entries
//      (offsets has segments + 1 entries, offsets[0] = 0); returns the total; sets *non_binary
//      when a non-zero entry is not exactly 1;
//   2. list_segment_spikes: positions[offsets[k] ..) = segment k's non-zero indices, ascending.
// Both run over the segments in parallel; the result does not depend on the thread count.
#ifndef NORSE_KERNELS_EVENT_COMMON_H_
#define NORSE_KERNELS_EVENT_COMMON_H_

#include <cstdint>

namespace norse {
namespace kernels {

int64_t count_segment_spikes(const float* x, int64_t segments, int64_t segment_size, int64_t* offsets,
                             bool* non_binary);
void list_segment_spikes(const float* x, int64_t segments, int64_t segment_size, const int64_t* offsets,
                         int32_t* positions);

// dst[0..n) += src[0..n): what every event does (vectorised by the compiler).
inline void add_row(float* __restrict dst, const float* __restrict src, int64_t n) {
  for (int64_t k = 0; k < n; ++k) dst[k] += src[k];
}

}  // namespace kernels
}  // namespace norse

#endif  // NORSE_KERNELS_EVENT_COMMON_H_
