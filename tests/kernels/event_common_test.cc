// The event kernels' shared helpers: transpose (register blocks plus ragged edges, serial for
// small matrices and in parallel tiles for large ones) against its definition, bit for bit.
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "kernels/event_common.h"

using namespace norse;

TEST_CASE("transpose equals dst[c, r] = src[r, c] on every shape", "[event][transpose]") {
  // Block edges (1, 3, 4, 7, 8, 9), the per-sample shapes of ConvNet4 (576 x 32, 64 x 64), and
  // shapes past the serial threshold (64 * 64 * 16 elements) with ragged tiles.
  const std::vector<std::pair<int64_t, int64_t>> shapes = {{1, 1},   {1, 9},     {9, 1},     {3, 5},     {4, 4},
                                                           {7, 8},   {8, 8},     {9, 17},    {576, 32},  {32, 576},
                                                           {64, 65}, {300, 301}, {1000, 77}, {130, 1030}};
  for (const auto& [rows, cols] : shapes) {
    std::vector<float> src(static_cast<size_t>(rows * cols)), dst(src.size(), -1.0f);
    for (size_t k = 0; k < src.size(); ++k) src[k] = static_cast<float>(k) + 0.5f;
    kernels::transpose(src.data(), rows, cols, dst.data());
    int64_t wrong = 0;
    for (int64_t r = 0; r < rows; ++r) {
      for (int64_t c = 0; c < cols; ++c)
        wrong += dst[static_cast<size_t>(c * rows + r)] != src[static_cast<size_t>(r * cols + c)];
    }
    INFO(rows << " x " << cols);
    REQUIRE(wrong == 0);
  }
}
