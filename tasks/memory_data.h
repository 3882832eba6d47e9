// Norse's store/recall memory dataset (norse/dataset/memory.py, MemoryStoreRecallDataset, after
// Bellec et al. 2019): a sequence of `seq_periods` periods of `seq_length` steps each; every
// period shows a random bit (one-hot on two data channels), one period in the first half also
// shows the STORE command and one in the second half the RECALL command; at the recall period
// the data channels are silent and the network must output the stored bit. A sample repeats
// this store/recall episode `seq_repetitions` times, back to back.
//
// Every channel is a population of `population_size` Poisson neurons: data at `poisson_rate`
// Hz, the commands at poisson_rate // 2 (Norse's integer division). Channel order, as Norse:
//   [bit 0 x pop | bit 1 x pop | store x pop | recall x pop]
//
// Randomness is explicit: the store and recall positions of sample k are drawn once per dataset
// (from `seed`, as Norse draws them in the constructor); the bits and the spikes are drawn anew
// on every access (Norse draws them in __getitem__ from the global generator), here from a
// Philox stream keyed by (seed, epoch, k), so that a batch is a pure function of its arguments
// and a resumed run sees exactly the data an uninterrupted one would.
#ifndef NORSE_TASKS_MEMORY_DATA_H_
#define NORSE_TASKS_MEMORY_DATA_H_

#include <cstdint>
#include <vector>

#include "core/core.h"

namespace norse {
namespace memory {

struct StoreRecallOptions {
  int64_t seq_length = 50;      // steps per period (Norse's task: 200; see README)
  int64_t seq_periods = 12;     // periods per episode (store in the first half, recall in the second)
  int64_t seq_repetitions = 1;  // episodes per sample
  int64_t population_size = 5;  // Poisson neurons per channel
  float poisson_rate = 100.0f;  // Hz of an active data channel; commands at floor(rate / 2)
  float dt = 1e-3f;             // seconds per step

  int64_t input_features() const { return 4 * population_size; }
  int64_t periods() const { return seq_periods * seq_repetitions; }
  int64_t time_steps() const { return seq_length * periods(); }
  void validate(const char* who) const;
};

struct StoreRecallBatch {
  Tensor input;   // [T, B, 4 * population_size] spikes (0/1)
  Tensor labels;  // [periods, B, 2]: the stored bit one-hot at every recall period, 0 elsewhere
  Tensor mask;    // [periods, B]: 1 at the recall periods
};

class StoreRecallDataset {
 public:
  StoreRecallDataset(int64_t samples, const StoreRecallOptions& options, uint64_t seed);

  int64_t size() const { return samples_; }
  const StoreRecallOptions& options() const { return options_; }
  // Period index of the store / recall command of sample k's repetition r (within its episode).
  int64_t store_period(int64_t k, int64_t r) const;
  int64_t recall_period(int64_t k, int64_t r) const;

  // Samples order[begin, end) as drawn in `epoch`.
  StoreRecallBatch batch(const std::vector<int64_t>& order, int64_t begin, int64_t end, int64_t epoch) const;
  // Samples [begin, end) in index order.
  StoreRecallBatch batch(int64_t begin, int64_t end, int64_t epoch) const;

 private:
  int64_t samples_;
  StoreRecallOptions options_;
  uint64_t seed_;
  std::vector<int64_t> store_, recall_;  // [samples * repetitions]
};

}  // namespace memory
}  // namespace norse

#endif  // NORSE_TASKS_MEMORY_DATA_H_
