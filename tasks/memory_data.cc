#include "tasks/memory_data.h"

#include <cmath>

#include "core/philox.h"

namespace norse {
namespace memory {
namespace {

// SplitMix64's finaliser: decorrelates the (seed, epoch, sample, purpose) keys of the streams.
uint64_t mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

uint64_t stream_key(uint64_t seed, uint64_t a, uint64_t b, uint64_t purpose) {
  return mix(mix(mix(mix(seed) ^ a) ^ b) ^ purpose);
}

// An integer uniform in [0, n) from 32 random bits (multiply-shift).
int64_t below(uint32_t bits, int64_t n) {
  return static_cast<int64_t>((static_cast<uint64_t>(bits) * static_cast<uint64_t>(n)) >> 32);
}

enum Purpose : uint64_t { kPositions = 1, kBits = 2, kSpikes = 3 };

}  // namespace

void StoreRecallOptions::validate(const char* who) const {
  NORSE_CHECK(seq_length >= 1, InvalidArgument, who, "argument 'seq_length' must be >= 1, got ", seq_length);
  NORSE_CHECK(seq_periods >= 2 && seq_periods % 2 == 0, InvalidArgument, who,
              "argument 'seq_periods' must be even and >= 2 (store in the first half, recall in the second), got ",
              seq_periods);
  NORSE_CHECK(seq_repetitions >= 1, InvalidArgument, who, "argument 'seq_repetitions' must be >= 1, got ",
              seq_repetitions);
  NORSE_CHECK(population_size >= 1, InvalidArgument, who, "argument 'population_size' must be >= 1, got ",
              population_size);
  NORSE_CHECK(std::isfinite(poisson_rate) && poisson_rate >= 0.0f, InvalidArgument, who,
              "argument 'poisson_rate' must be finite and >= 0, got ", poisson_rate);
  NORSE_CHECK(std::isfinite(dt) && dt > 0.0f, InvalidArgument, who, "argument 'dt' must be finite and > 0, got ", dt);
  NORSE_CHECK(dt * poisson_rate <= 1.0f, InvalidArgument, who,
              "poisson_rate * dt is a spike probability per step and must be <= 1, got ", poisson_rate, " * ", dt);
}

StoreRecallDataset::StoreRecallDataset(int64_t samples, const StoreRecallOptions& options, uint64_t seed)
    : samples_(samples), options_(options), seed_(seed) {
  NORSE_CHECK(samples >= 1, InvalidArgument, "StoreRecallDataset", "argument 'samples' must be >= 1, got ", samples);
  options.validate("StoreRecallDataset");
  const int64_t half = options.seq_periods / 2;
  const size_t n = static_cast<size_t>(samples * options.seq_repetitions);
  store_.resize(n);
  recall_.resize(n);
  const uint64_t key = stream_key(seed, 0, 0, kPositions);
  for (size_t j = 0; j < n; ++j) {
    store_[j] = below(philox_bits(key, 0, 2 * j), half);
    recall_[j] = half + below(philox_bits(key, 0, 2 * j + 1), half);
  }
}

int64_t StoreRecallDataset::store_period(int64_t k, int64_t r) const {
  return store_[static_cast<size_t>(k * options_.seq_repetitions + r)];
}

int64_t StoreRecallDataset::recall_period(int64_t k, int64_t r) const {
  return recall_[static_cast<size_t>(k * options_.seq_repetitions + r)];
}

StoreRecallBatch StoreRecallDataset::batch(int64_t begin, int64_t end, int64_t epoch) const {
  std::vector<int64_t> order(static_cast<size_t>(samples_));
  for (int64_t k = 0; k < samples_; ++k) order[static_cast<size_t>(k)] = k;
  return batch(order, begin, end, epoch);
}

StoreRecallBatch StoreRecallDataset::batch(const std::vector<int64_t>& order, int64_t begin, int64_t end,
                                           int64_t epoch) const {
  NORSE_CHECK(0 <= begin && begin < end && end <= static_cast<int64_t>(order.size()), InvalidArgument,
              "StoreRecallDataset::batch", "range [", begin, ", ", end, ") must be non-empty and within [0, ",
              order.size(), "]");
  for (int64_t s = begin; s < end; ++s) {  // checked here: parallel_for's workers must not throw
    const int64_t k = order[static_cast<size_t>(s)];
    NORSE_CHECK(0 <= k && k < samples_, InvalidArgument, "StoreRecallDataset::batch", "sample index ", k,
                " is outside [0, ", samples_, ")");
  }
  const StoreRecallOptions& o = options_;
  const int64_t b = end - begin, pop = o.population_size, features = o.input_features();
  const int64_t periods = o.periods(), steps = o.time_steps();
  StoreRecallBatch out{zeros({steps, b, features}), zeros({periods, b, 2}), zeros({periods, b})};
  const float p_data = o.dt * o.poisson_rate;
  const float p_command = o.dt * std::floor(o.poisson_rate / 2.0f);
  float* input = out.input.data();
  float* labels = out.labels.data();
  float* mask = out.mask.data();
  parallel_for(b, 1, [&](int64_t lo, int64_t hi) {
    std::vector<float> rate(static_cast<size_t>(features));
    for (int64_t s = lo; s < hi; ++s) {
      const int64_t k = order[static_cast<size_t>(begin + s)];
      const uint64_t bits_key = stream_key(seed_, static_cast<uint64_t>(epoch), static_cast<uint64_t>(k), kBits);
      const uint64_t spikes_key = stream_key(seed_, static_cast<uint64_t>(epoch), static_cast<uint64_t>(k), kSpikes);
      for (int64_t r = 0; r < o.seq_repetitions; ++r) {
        const int64_t store = store_period(k, r), recall = recall_period(k, r);
        // Norse: randperm(2) per period, i.e. one-hot bit; the label is the stored period's bit.
        int64_t stored_bit = 0;
        for (int64_t q = 0; q < o.seq_periods; ++q) {
          const int64_t period = r * o.seq_periods + q;
          const int64_t bit = static_cast<int64_t>(philox_bits(bits_key, 0, static_cast<uint64_t>(period)) >> 31);
          if (q == store) stored_bit = bit;
          std::fill(rate.begin(), rate.end(), 0.0f);
          if (q != recall) {  // the data channels are silent at the recall period
            std::fill(rate.begin() + bit * pop, rate.begin() + (bit + 1) * pop, p_data);
          }
          if (q == store) std::fill(rate.begin() + 2 * pop, rate.begin() + 3 * pop, p_command);
          if (q == recall) std::fill(rate.begin() + 3 * pop, rate.begin() + 4 * pop, p_command);
          for (int64_t t = 0; t < o.seq_length; ++t) {
            const int64_t step = period * o.seq_length + t;
            float* row = input + (step * b + s) * features;
            for (int64_t c = 0; c < features; ++c) {
              const float p = rate[static_cast<size_t>(c)];
              if (p <= 0.0f) continue;  // a silent channel never spikes: no draw needed
              const uint64_t index = static_cast<uint64_t>(step * features + c);
              row[c] = static_cast<float>(philox_uniform(philox_bits(spikes_key, 0, index)) < p);
            }
          }
        }
        const int64_t recall_row = (r * o.seq_periods + recall) * b + s;
        labels[recall_row * 2 + stored_bit] = 1.0f;
        mask[recall_row] = 1.0f;
      }
    }
  });
  return out;
}

}  // namespace memory
}  // namespace norse
