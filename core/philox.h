// Philox4x32-10, the counter-based generator of Salmon, Moraes, Dror & Shaw, "Parallel random
// numbers: as easy as 1, 2, 3" (SC 2011), section 3.2. A draw is a pure function of
// (key, counter), so element i of a random tensor depends only on the seed and i: results are
// the same for any thread count, and the CUDA kernels can reproduce the CPU draws exactly.
// Verified against Random123's known-answer vectors (tests/core/generator_test.cc).
#ifndef NORSE_CORE_PHILOX_H_
#define NORSE_CORE_PHILOX_H_

#include <cmath>
#include <cstdint>

#include "core/host_device.h"

namespace norse {

struct PhiloxBlock {
  uint32_t x[4];
};

NORSE_HD inline PhiloxBlock philox4x32_10(uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3, uint32_t k0,
                                          uint32_t k1) {
  constexpr uint32_t kMul0 = 0xD2511F53u, kMul1 = 0xCD9E8D57u;
  constexpr uint32_t kWeyl0 = 0x9E3779B9u, kWeyl1 = 0xBB67AE85u;
  for (int round = 0; round < 10; ++round) {
    const uint64_t p0 = static_cast<uint64_t>(kMul0) * c0;
    const uint64_t p1 = static_cast<uint64_t>(kMul1) * c2;
    const uint32_t hi0 = static_cast<uint32_t>(p0 >> 32), lo0 = static_cast<uint32_t>(p0);
    const uint32_t hi1 = static_cast<uint32_t>(p1 >> 32), lo1 = static_cast<uint32_t>(p1);
    c0 = hi1 ^ c1 ^ k0;
    c1 = lo1;
    c2 = hi0 ^ c3 ^ k1;
    c3 = lo0;
    k0 += kWeyl0;
    k1 += kWeyl1;
  }
  return PhiloxBlock{{c0, c1, c2, c3}};
}

// A float uniform in [0, 1) from the top 24 bits (every value is exactly representable).
NORSE_HD inline float philox_uniform(uint32_t bits) { return static_cast<float>(bits >> 8) * (1.0f / 16777216.0f); }

// A float uniform in (0, 1], safe for log() in Box-Muller.
NORSE_HD inline float philox_uniform_open0(uint32_t bits) {
  return static_cast<float>((bits >> 8) + 1u) * (1.0f / 16777216.0f);
}

// The random bits for element `index` of a draw that starts at block `offset` under `seed`:
// four consecutive elements share one Philox block.
NORSE_HD inline uint32_t philox_bits(uint64_t seed, uint64_t offset, uint64_t index) {
  const uint64_t block = offset + index / 4;
  const PhiloxBlock b = philox4x32_10(static_cast<uint32_t>(block), static_cast<uint32_t>(block >> 32), 0u, 0u,
                                      static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32));
  return b.x[index % 4];
}

// A standard normal for element `index` (Box-Muller; elements 2k and 2k+1 share one block and
// are the cosine and sine branch of the same pair).
NORSE_HD inline float philox_normal(uint64_t seed, uint64_t offset, uint64_t index) {
  const uint64_t block = offset + index / 2;
  const PhiloxBlock b = philox4x32_10(static_cast<uint32_t>(block), static_cast<uint32_t>(block >> 32), 1u, 0u,
                                      static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32));
  const float u1 = philox_uniform_open0(b.x[0]);
  const float u2 = philox_uniform(b.x[1]);
  const float radius = std::sqrt(-2.0f * std::log(u1));
  const float angle = 6.283185307179586f * u2;
  return (index % 2 == 0) ? radius * std::cos(angle) : radius * std::sin(angle);
}

}  // namespace norse

#endif  // NORSE_CORE_PHILOX_H_
