// Internal: walks the element offsets of a strided view in row-major order without allocating
// per element. Used for copying non-contiguous views and for broadcasting.
#ifndef NORSE_CORE_STRIDED_H_
#define NORSE_CORE_STRIDED_H_

#include <cstdint>
#include <vector>

namespace norse {
namespace detail {

// Calls f(linear_index, offset) for every element of a view with `shape`/`strides` starting at
// `base`, in row-major order. The innermost dimension is a tight loop.
template <typename F>
void for_each_strided(const std::vector<int64_t>& shape, const std::vector<int64_t>& strides, int64_t base, F&& f) {
  const size_t rank = shape.size();
  int64_t total = 1;
  for (int64_t s : shape) total *= s;
  if (total == 0) return;
  if (rank == 0) {
    f(int64_t{0}, base);
    return;
  }
  const int64_t inner = shape[rank - 1];
  const int64_t inner_stride = strides[rank - 1];
  std::vector<int64_t> counter(rank, 0);
  int64_t offset = base;
  for (int64_t linear = 0; linear < total; linear += inner) {
    for (int64_t j = 0; j < inner; ++j) f(linear + j, offset + j * inner_stride);
    // Advance the outer counter (odometer), updating the offset incrementally.
    for (size_t d = rank - 1; d-- > 0;) {
      ++counter[d];
      offset += strides[d];
      if (counter[d] < shape[d]) break;
      offset -= strides[d] * shape[d];
      counter[d] = 0;
    }
  }
}

}  // namespace detail
}  // namespace norse

#endif  // NORSE_CORE_STRIDED_H_
