// copy_streaming (core/stream_copy.h): every float of the range, nothing around it, at any
// alignment and length (the neuron loops' and the event convolution's outputs go through it;
// tests/models/neuron_loops_lif_test.cc and event_ops_test.cc check those above the threshold).
#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

#include "core/stream_copy.h"

using namespace norse;

TEST_CASE("copy_streaming copies every float, at any alignment and length", "[core][streaming]") {
  // dst at a 64-byte boundary (offset 0: whole lines, AVX-512 where the CPU has it), at a 32-byte
  // one (offset 8: half lines, AVX2 where it has that) and off both.
  std::vector<float> src(100);
  alignas(64) float dst[100];
  for (size_t k = 0; k < src.size(); ++k) src[k] = static_cast<float>(k) + 0.5f;
  for (const int64_t offset : {0, 1, 2, 3, 4, 8}) {
    for (int64_t n = 0; n <= 70; ++n) {
      std::fill(dst, dst + 100, -1.0f);
      copy_streaming(src.data() + 3, n, dst + offset);
      streaming_fence();
      int64_t wrong = 0;
      for (int64_t k = 0; k < 100; ++k) {
        const float want = k >= offset && k < offset + n ? src[static_cast<size_t>(k - offset + 3)] : -1.0f;
        wrong += dst[k] != want;
      }
      CAPTURE(offset, n);
      REQUIRE(wrong == 0);
    }
  }
}
