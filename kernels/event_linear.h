// Event-driven linear layer for spike inputs (issue 12): y = x W^T + b for x [N, in] of 0 and 1.
//
//   forward:      y[n, :] = b + sum over the spikes j of row n of W[:, j]
//   weight grad:  dW[:, j] = sum over the rows n where j spiked of grad_y[n, :]
// so both cost (number of spikes) * out additions instead of N * in * out multiply-adds. The
// weights are read transposed ([in, out], one contiguous row per input), so every spike is one
// contiguous vector addition. The input gradient is dense (grad_y W), computed by the caller.
//
// Determinism: the forward runs one thread per block of rows, the weight gradient one thread per
// block of inputs, each summing in a fixed order (rows ascending): the same bits on any thread
// count.
#ifndef NORSE_KERNELS_EVENT_LINEAR_H_
#define NORSE_KERNELS_EVENT_LINEAR_H_

#include <cstdint>
#include <vector>

namespace norse {
namespace kernels {

// The spikes of x [rows, in]: row n's spiking inputs are columns[row_offsets[n] ..
// row_offsets[n + 1]) in increasing order; input j's spiking rows are
// rows[column_offsets[j] .. column_offsets[j + 1]) in increasing order (empty until indexed).
struct LinearEvents {
  std::vector<int64_t> row_offsets, column_offsets;
  std::vector<int32_t> columns, rows;
  int64_t count() const { return row_offsets.empty() ? 0 : row_offsets.back(); }
};

// As for the convolution, two passes: 1. counts (row_offsets) and returns the total, setting
// *non_binary when a non-zero entry is not 1; 2. fills the row lists. The input lists, which only
// the weight gradient reads, are built by it on first use (index_linear_events_by_input).
int64_t count_linear_events(const float* x, int64_t rows, int64_t in, LinearEvents* events, bool* non_binary);
void fill_linear_events(const float* x, int64_t rows, int64_t in, LinearEvents* events);
void index_linear_events_by_input(int64_t rows, int64_t in, LinearEvents* events);

// y [rows, out] = (overwrite) bias + the spiking inputs' weights; weight [out, in], bias [out]
// or nullptr.
void event_linear_forward(const LinearEvents& events, const float* weight, const float* bias, int64_t rows, int64_t in,
                          int64_t out, float* y);

// grad_weight [out, in] = (overwrite) sum over the spikes (n, j) of grad_y[n, :] into column j.
// Builds the input lists first if they are missing.
void event_linear_grad_weight(LinearEvents& events, const float* grad_y, int64_t rows, int64_t in, int64_t out,
                              float* grad_weight);

}  // namespace kernels
}  // namespace norse

#endif  // NORSE_KERNELS_EVENT_LINEAR_H_
