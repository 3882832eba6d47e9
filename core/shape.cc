#include "core/shape.h"

#include <algorithm>

#include "core/error.h"

namespace norse {

std::string shape_to_string(const Shape& shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(shape[i]);
  }
  return out + "]";
}

namespace {
// a * b, or throws when the product leaves [0, kMaxNumel]: a shape read from a file must not
// wrap around to a small count (2^32 x 2^32 is 0 in 64 bits) and then index past its storage.
int64_t checked_product(int64_t a, int64_t b, const Shape& shape) {
  int64_t product = 0;
  NORSE_CHECK(!__builtin_mul_overflow(a, b, &product) && product <= kMaxNumel, InvalidArgument, "shape",
              "the element count of ", shape_to_string(shape), " exceeds ", kMaxNumel,
              " (2^59: the byte size must fit in 64 bits)");
  return product;
}
}  // namespace

int64_t shape_numel(const Shape& shape) {
  int64_t n = 1;
  for (int64_t s : shape) {
    NORSE_CHECK(s >= 0, InvalidArgument, "shape", "sizes must be non-negative, got ", shape_to_string(shape));
  }
  for (int64_t s : shape) n = checked_product(n, s, shape);
  return n;
}

std::vector<int64_t> contiguous_strides(const Shape& shape) {
  std::vector<int64_t> strides(shape.size());
  int64_t stride = 1;
  for (size_t i = shape.size(); i-- > 0;) {
    strides[i] = stride;
    // Size-0 dimensions count as 1 here, so a shape of zero elements can still overflow.
    stride = checked_product(stride, std::max<int64_t>(shape[i], 1), shape);
  }
  return strides;
}

int64_t wrap_dim(const char* op, int64_t dim, int64_t rank) {
  const int64_t lo = rank == 0 ? -1 : -rank;
  const int64_t hi = rank == 0 ? 0 : rank - 1;
  NORSE_CHECK(dim >= lo && dim <= hi, ShapeError, op, "dimension ", dim, " out of range for a tensor of rank ", rank,
              " (expected ", lo, " to ", hi, ")");
  return dim < 0 ? dim + std::max<int64_t>(rank, 1) : dim;
}

Shape broadcast_shapes(const char* op, const Shape& a, const Shape& b) {
  const size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    const int64_t sa = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const int64_t sb = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    NORSE_CHECK(sa == sb || sa == 1 || sb == 1, ShapeError, op, "shapes ", shape_to_string(a), " and ",
                shape_to_string(b), " do not broadcast (dimension ", i, ": ", sa, " vs ", sb, ")");
    out[i] = sa == 1 ? sb : sa;
  }
  return out;
}

void check_shape(const char* op, const char* arg, const Shape& expected, const Shape& actual) {
  NORSE_CHECK(expected == actual, ShapeError, op, "argument '", arg, "' must have shape ", shape_to_string(expected),
              ", got ", shape_to_string(actual));
}

void check_rank(const char* op, const char* arg, int64_t rank, const Shape& actual, const char* what) {
  NORSE_CHECK(static_cast<int64_t>(actual.size()) == rank, ShapeError, op, "argument '", arg, "' must have ", rank,
              " dimensions", (what[0] ? " " : ""), what, ", got shape ", shape_to_string(actual));
}

}  // namespace norse
