// transpose_matrix (register blocks plus ragged edges, serial for small matrices and in
// parallel tiles for large ones) against its definition, bit for bit; and Tensor::copy_'s fast
// paths (transposed views, which go through it, and broadcasts) against the element-wise
// definition.
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "core/core.h"
#include "core/transpose.h"

using namespace norse;

TEST_CASE("transpose_matrix equals dst[c, r] = src[r, c] on every shape", "[event][transpose]") {
  // Block edges (1, 3, 4, 7, 8, 9), the per-sample shapes of ConvNet4 (576 x 32, 64 x 64), and
  // shapes past the serial threshold (64 * 64 * 16 elements) with ragged tiles.
  const std::vector<std::pair<int64_t, int64_t>> shapes = {{1, 1},   {1, 9},     {9, 1},     {3, 5},     {4, 4},
                                                           {7, 8},   {8, 8},     {9, 17},    {576, 32},  {32, 576},
                                                           {64, 65}, {300, 301}, {1000, 77}, {130, 1030}};
  for (const auto& [rows, cols] : shapes) {
    std::vector<float> src(static_cast<size_t>(rows * cols)), dst(src.size(), -1.0f);
    for (size_t k = 0; k < src.size(); ++k) src[k] = static_cast<float>(k) + 0.5f;
    transpose_matrix(src.data(), rows, cols, dst.data());
    int64_t wrong = 0;
    for (int64_t r = 0; r < rows; ++r) {
      for (int64_t c = 0; c < cols; ++c)
        wrong += dst[static_cast<size_t>(c * rows + r)] != src[static_cast<size_t>(r * cols + c)];
    }
    INFO(rows << " x " << cols);
    REQUIRE(wrong == 0);
  }
}

namespace {
// Counts the elements of the contiguous `copy` that differ from `view` read through its strides.
int64_t mismatches(const Tensor& view, const Tensor& copy) {
  REQUIRE(copy.is_contiguous());
  REQUIRE(copy.shape() == view.shape());
  int64_t wrong = 0;
  std::vector<int64_t> index(view.shape().size(), 0);
  for (int64_t flat = 0; flat < view.numel(); ++flat) {
    int64_t rest = flat;
    for (size_t d = index.size(); d-- > 0;) {
      index[d] = rest % view.size(static_cast<int64_t>(d));
      rest /= view.size(static_cast<int64_t>(d));
    }
    wrong += copy.data()[flat] != view.at(index);
  }
  return wrong;
}
}  // namespace

TEST_CASE("contiguous() of transposed views equals the strided definition", "[tensor][transpose]") {
  const Tensor m = arange(0.0f, 300.0f * 301.0f).reshape({300, 301});
  // 2-D (a Linear weight gradient), batched (the last two dimensions of a 3-D / 4-D tensor, with
  // a size-1 batch dimension), and views the transpose path must not take (other dimensions
  // swapped, a slice of a transposed view, rows or columns of one).
  const Tensor b3 = arange(0.0f, 5.0f * 9.0f * 17.0f).reshape({5, 9, 17});
  const Tensor b4 = arange(0.0f, 2.0f * 1.0f * 33.0f * 8.0f).reshape({2, 1, 33, 8});
  const std::vector<std::pair<const char*, Tensor>> views = {
      {"2-D", m.transpose(0, 1)},
      {"3-D last two", b3.transpose(1, 2)},
      {"4-D last two", b4.transpose(-1, -2)},
      {"3-D first and last", b3.transpose(0, 2)},
      {"slice of a transpose", m.transpose(0, 1).slice(0, 3, 200)},
      {"one column", m.slice(1, 4, 5).transpose(0, 1)},
  };
  for (const auto& [name, view] : views) {
    INFO(name);
    REQUIRE_FALSE(view.is_contiguous());
    REQUIRE(mismatches(view, view.contiguous()) == 0);
  }
}

TEST_CASE("copy_ of a transposed view of the same storage copies the old values", "[tensor][transpose]") {
  // Source and destination overlap: the values must be read before they are overwritten.
  Tensor square = arange(0.0f, 64.0f * 64.0f).reshape({64, 64});
  const Tensor before = square.clone();
  square.copy_(square.transpose(0, 1));
  REQUIRE(mismatches(before.transpose(0, 1), square) == 0);
}

TEST_CASE("contiguous() of broadcast views equals the strided definition", "[tensor][broadcast]") {
  // A scalar, a row over a batch (a neuron parameter over [T, B, N]), and views the repeat path
  // must not take (a column broadcast along the last dimension, a broadcast inside).
  const Tensor row = arange(0.0f, 37.0f);
  const Tensor column = arange(0.0f, 5.0f).reshape({5, 1});
  const Tensor middle = arange(0.0f, 6.0f).reshape({2, 1, 3});
  const std::vector<std::pair<const char*, Tensor>> views = {
      {"scalar", scalar_tensor(2.5f).expand({4, 6})},       {"row over [T, B]", row.expand({3, 4, 37})},
      {"[1, N] row", row.reshape({1, 37}).expand({9, 37})}, {"column along the last dimension", column.expand({5, 8})},
      {"broadcast inside", middle.expand({2, 4, 3})},
  };
  for (const auto& [name, view] : views) {
    INFO(name);
    REQUIRE_FALSE(view.is_contiguous());
    REQUIRE(mismatches(view, view.contiguous()) == 0);
  }
}
