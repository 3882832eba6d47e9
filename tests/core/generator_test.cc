// Philox4x32-10 against Random123's published known-answer vectors, and Generator semantics.
#include <catch2/catch.hpp>

#include "core/core.h"
#include "core/philox.h"

using namespace norse;

TEST_CASE("philox4x32_10 reproduces Random123's known-answer vectors", "[generator]") {
  // Random123 tests/kat_vectors, "philox4x32 10" lines (Salmon et al., SC 2011).
  struct Case {
    uint32_t ctr[4], key[2], expected[4];
  };
  const Case cases[] = {
      {{0, 0, 0, 0}, {0, 0}, {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
      {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
       {0xffffffff, 0xffffffff},
       {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
      {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
       {0xa4093822, 0x299f31d0},
       {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
  };
  for (const Case& c : cases) {
    const PhiloxBlock b = philox4x32_10(c.ctr[0], c.ctr[1], c.ctr[2], c.ctr[3], c.key[0], c.key[1]);
    for (int i = 0; i < 4; ++i) REQUIRE(b.x[i] == c.expected[i]);
  }
}

TEST_CASE("a generator is (seed, offset): restoring the offset replays the stream", "[generator]") {
  Generator g(42);
  (void)rand({10}, g);
  const uint64_t saved = g.offset();
  REQUIRE(saved == 3);  // 10 floats use ceil(10 / 4) blocks
  const Tensor first = randn({7}, g);
  Generator h(42);
  h.set_offset(saved);
  REQUIRE(randn({7}, h).to_vector() == first.to_vector());
  REQUIRE(g.uniform() == h.uniform());
}

TEST_CASE("random draws do not depend on the thread count", "[generator][threads]") {
  const int before = num_threads();
  set_num_threads(1);
  Generator a(3);
  const Tensor one = randn({1 << 16}, a);
  set_num_threads(2);
  Generator b(3);
  const Tensor two = randn({1 << 16}, b);
  set_num_threads(before);
  REQUIRE(one.to_vector() == two.to_vector());
  REQUIRE_THROWS_AS(set_num_threads(0), InvalidArgument);
}
