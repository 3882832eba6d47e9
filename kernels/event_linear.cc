#include "kernels/event_linear.h"

#include <algorithm>

#include "core/parallel.h"
#include "core/transpose.h"
#include "kernels/event_common.h"

namespace norse {
namespace kernels {

int64_t count_linear_events(const float* x, int64_t rows, int64_t in, LinearEvents* events, bool* non_binary) {
  events->row_offsets.assign(static_cast<size_t>(rows + 1), 0);
  events->column_offsets.clear();
  events->columns.clear();
  events->rows.clear();
  return count_segment_spikes(x, rows, in, events->row_offsets.data(), non_binary);
}

void fill_linear_events(const float* x, int64_t rows, int64_t in, LinearEvents* events) {
  events->columns.resize(static_cast<size_t>(events->row_offsets[static_cast<size_t>(rows)]));
  list_segment_spikes(x, rows, in, events->row_offsets.data(), events->columns.data());
}

void index_linear_events_by_input(int64_t rows, int64_t in, LinearEvents* events) {
  const int64_t* offsets = events->row_offsets.data();
  const int32_t* columns = events->columns.data();
  const int64_t total = offsets[rows];
  // A counting sort: rows stay ascending within an input.
  events->column_offsets.assign(static_cast<size_t>(in + 1), 0);
  int64_t* col_offsets = events->column_offsets.data();
  for (int64_t e = 0; e < total; ++e) ++col_offsets[columns[e] + 1];
  for (int64_t j = 0; j < in; ++j) col_offsets[j + 1] += col_offsets[j];
  events->rows.resize(static_cast<size_t>(total));
  std::vector<int64_t> next(col_offsets, col_offsets + in);
  for (int64_t n = 0; n < rows; ++n) {
    for (int64_t e = offsets[n]; e < offsets[n + 1]; ++e) {
      events->rows[static_cast<size_t>(next[static_cast<size_t>(columns[e])]++)] = static_cast<int32_t>(n);
    }
  }
}

void event_linear_forward(const LinearEvents& events, const float* weight, const float* bias, int64_t rows, int64_t in,
                          int64_t out, float* y) {
  std::vector<float> wt(static_cast<size_t>(in * out));  // [in, out]
  transpose_matrix(weight, out, in, wt.data());
  const auto row_work = [&](int64_t n) { return (events.row_offsets[n + 1] - events.row_offsets[n] + 1) * out; };
  parallel_for_weighted(rows, row_work, [&](int64_t begin, int64_t end) {
    for (int64_t n = begin; n < end; ++n) {
      float* dst = y + n * out;
      if (bias) {
        std::copy(bias, bias + out, dst);
      } else {
        std::fill(dst, dst + out, 0.0f);
      }
      for (int64_t e = events.row_offsets[n]; e < events.row_offsets[n + 1]; ++e) {
        add_row(dst, &wt[static_cast<size_t>(events.columns[static_cast<size_t>(e)] * out)], out);
      }
    }
  });
}

void event_linear_grad_weight(LinearEvents& events, const float* grad_y, int64_t rows, int64_t in, int64_t out,
                              float* grad_weight) {
  if (events.column_offsets.empty()) index_linear_events_by_input(rows, in, &events);
  std::vector<float> dwt(static_cast<size_t>(in * out));  // [in, out]
  const auto input_work = [&](int64_t j) {
    return (events.column_offsets[j + 1] - events.column_offsets[j] + 1) * out;
  };
  parallel_for_weighted(in, input_work, [&](int64_t begin, int64_t end) {
    for (int64_t j = begin; j < end; ++j) {
      float* dst = &dwt[static_cast<size_t>(j * out)];
      std::fill(dst, dst + out, 0.0f);
      for (int64_t e = events.column_offsets[j]; e < events.column_offsets[j + 1]; ++e) {
        add_row(dst, grad_y + static_cast<int64_t>(events.rows[static_cast<size_t>(e)]) * out, out);
      }
    }
  });
  transpose_matrix(dwt.data(), in, out, grad_weight);
}

}  // namespace kernels
}  // namespace norse
