// An explicit, seedable random generator. There is no hidden global generator in norse-cpp:
// every random op (rand, randn, bernoulli, dropout, Poisson encoders, ...) takes a Generator&.
//
// A Generator is (seed, offset). Each draw of n numbers reserves a range of Philox blocks
// starting at `offset` and advances it, so a draw's values depend only on (seed, offset, index):
// the same seed gives the same numbers on every run, on any thread count, and (later) on CUDA.
// The state is two integers, so a checkpoint can save and restore it exactly.
#ifndef NORSE_CORE_GENERATOR_H_
#define NORSE_CORE_GENERATOR_H_

#include <cstdint>

namespace norse {

class Generator {
 public:
  explicit Generator(uint64_t seed) : seed_(seed) {}

  uint64_t seed() const { return seed_; }
  uint64_t offset() const { return offset_; }
  // Restores a state read from offset() (for resuming from a checkpoint).
  void set_offset(uint64_t offset) { offset_ = offset; }

  // Reserves `blocks` Philox blocks and returns the first one's index.
  uint64_t reserve_blocks(uint64_t blocks) {
    const uint64_t first = offset_;
    offset_ += blocks;
    return first;
  }

  // Scalar draws (one block each; convenient, not for bulk use).
  float uniform();  // [0, 1)
  float normal();   // N(0, 1)
  uint32_t next_u32();

 private:
  uint64_t seed_;
  uint64_t offset_ = 0;
};

}  // namespace norse

#endif  // NORSE_CORE_GENERATOR_H_
