// Shape helpers shared by Tensor and the ops: element counts, row-major strides, NumPy-style
// broadcasting, dimension wrapping, and the checks that produce norse::ShapeError messages.
#ifndef NORSE_CORE_SHAPE_H_
#define NORSE_CORE_SHAPE_H_

#include <cstdint>
#include <string>
#include <vector>

namespace norse {

using Shape = std::vector<int64_t>;

// "[2, 3, 4]"; "[]" for a scalar.
std::string shape_to_string(const Shape& shape);

// The largest element count a shape may have: its size in bytes (of any element type up to 16
// bytes) and every offset into it then fit in int64_t without overflow.
constexpr int64_t kMaxNumel = int64_t{1} << 59;

// Product of the sizes (1 for a scalar). Throws InvalidArgument for a negative size, and for a
// product above kMaxNumel (checked without overflow).
int64_t shape_numel(const Shape& shape);

// Row-major (C order) strides in elements. Throws InvalidArgument where they would exceed
// kMaxNumel (a zero-sized shape like [0, 2^40, 2^40] has such strides).
std::vector<int64_t> contiguous_strides(const Shape& shape);

// Maps a possibly negative dimension index into [0, rank). Throws ShapeError naming `op`.
int64_t wrap_dim(const char* op, int64_t dim, int64_t rank);

// The NumPy broadcast of two shapes (trailing dimensions aligned, size-1 stretched).
// Throws ShapeError naming `op` and both shapes when they do not broadcast.
Shape broadcast_shapes(const char* op, const Shape& a, const Shape& b);

// Throws ShapeError "op: argument 'arg' must have shape <expected>, got <actual>" on mismatch.
void check_shape(const char* op, const char* arg, const Shape& expected, const Shape& actual);

// Throws ShapeError "op: argument 'arg' must have <rank> dimensions (<what>), got <actual>".
void check_rank(const char* op, const char* arg, int64_t rank, const Shape& actual, const char* what = "");

}  // namespace norse

#endif  // NORSE_CORE_SHAPE_H_
