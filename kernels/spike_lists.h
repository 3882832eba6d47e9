// Listing the spikes of a 0/1 tensor cut into equal segments (the (sample, channel) planes of a
// convolution's input, the rows of a linear layer's): the shared first step of the event-driven
// kernels (event_conv.h, event_linear.h). Two passes over x, so that a caller can stop after the
// count when the input is too dense to pay:
//   1. count_segment_spikes: offsets[k + 1] - offsets[k] = segment k's non-zero entries
//      (offsets has segments + 1 entries, offsets[0] = 0); returns the total; sets *non_binary
//      when a non-zero entry is not exactly 1;
//   2. list_segment_spikes: positions[offsets[k] ..) = segment k's non-zero indices, ascending.
// Both run over the segments in parallel; the result does not depend on the thread count.
#ifndef NORSE_KERNELS_SPIKE_LISTS_H_
#define NORSE_KERNELS_SPIKE_LISTS_H_

#include <cstdint>

namespace norse {
namespace kernels {

int64_t count_segment_spikes(const float* x, int64_t segments, int64_t segment_size, int64_t* offsets,
                             bool* non_binary);
void list_segment_spikes(const float* x, int64_t segments, int64_t segment_size, const int64_t* offsets,
                         int32_t* positions);

}  // namespace kernels
}  // namespace norse

#endif  // NORSE_KERNELS_SPIKE_LISTS_H_
