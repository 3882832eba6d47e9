// The spike listing the event kernels share (count_segment_spikes, list_segment_spikes): vector
// compares with a scalar tail against the definition, on segment sizes around the vector width,
// with -0 (zero), NaN and other values (non-binary).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "kernels/event_common.h"

using namespace norse;

namespace {
struct Listing {
  std::vector<int64_t> offsets;
  std::vector<int32_t> positions;
  bool non_binary = false;
};

Listing list(const std::vector<float>& x, int64_t segments, int64_t size) {
  Listing l;
  l.offsets.assign(static_cast<size_t>(segments + 1), -1);
  const int64_t total = kernels::count_segment_spikes(x.data(), segments, size, l.offsets.data(), &l.non_binary);
  REQUIRE(total == l.offsets.back());
  l.positions.assign(static_cast<size_t>(total), -1);
  kernels::list_segment_spikes(x.data(), segments, size, l.offsets.data(), l.positions.data());
  return l;
}

Listing definition(const std::vector<float>& x, int64_t segments, int64_t size) {
  Listing l;
  l.offsets.push_back(0);
  for (int64_t k = 0; k < segments; ++k) {
    for (int64_t j = 0; j < size; ++j) {
      const float v = x[static_cast<size_t>(k * size + j)];
      if (v != 0.0f) {
        l.positions.push_back(static_cast<int32_t>(j));
        l.non_binary |= v != 1.0f;
      }
    }
    l.offsets.push_back(static_cast<int64_t>(l.positions.size()));
  }
  return l;
}
}  // namespace

TEST_CASE("count_segment_spikes and list_segment_spikes equal the definition", "[event]") {
  uint32_t state = 12345u;
  const auto next = [&state] {
    state = state * 1664525u + 1013904223u;
    return state >> 8;
  };
  for (int64_t size = 1; size <= 40; ++size) {
    for (const int64_t segments : {int64_t{1}, int64_t{7}, int64_t{300}}) {
      CAPTURE(size, segments);
      std::vector<float> x(static_cast<size_t>(size * segments));
      for (float& v : x) v = next() % 5 == 0 ? 1.0f : (next() % 3 == 0 ? -0.0f : 0.0f);
      const Listing want = definition(x, segments, size), got = list(x, segments, size);
      REQUIRE(got.offsets == want.offsets);
      REQUIRE(got.positions == want.positions);
      REQUIRE_FALSE(got.non_binary);
      // One odd value anywhere (a vector lane or the tail) makes the input non-binary, and is
      // listed as a non-zero entry.
      for (const float odd : {0.5f, -1.0f, 2.0f, std::numeric_limits<float>::quiet_NaN()}) {
        std::vector<float> y = x;
        y[static_cast<size_t>(next() % y.size())] = odd;
        const Listing w = definition(y, segments, size), g = list(y, segments, size);
        REQUIRE(g.non_binary);
        REQUIRE(g.offsets == w.offsets);
        REQUIRE(g.positions == w.positions);
      }
    }
  }
}
