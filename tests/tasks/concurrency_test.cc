// Two models trained on two threads at once give the same results as one after the other: the
// tape (thread-local grad and anomaly modes), the CPU block cache, the generators and the
// kernels share no unsynchronised state. Run under ThreadSanitizer by tools/tsan.sh (results in
// docs/reliability.md); in the ordinary suite it checks the results alone.
#include <catch2/catch.hpp>

#include <cstring>
#include <thread>
#include <vector>

#include "core/core.h"
#include "tasks/memory_train.h"

using namespace norse;

namespace {
memory::TrainConfig config(const std::string& model, uint64_t seed) {
  memory::TrainConfig c;
  c.data.seq_length = 10;
  c.data.seq_periods = 4;
  c.data.seq_repetitions = 1;
  c.network.neuron_model = model;
  c.network.hidden = 24;
  c.samples = 16;
  c.batch_size = 8;
  c.epochs = 2;
  c.eval_every = 2;
  c.seed = seed;
  return c;
}

void require_same(const memory::TrainResult& a, const memory::TrainResult& b) {
  REQUIRE(a.epochs.size() == b.epochs.size());
  for (size_t e = 0; e < a.epochs.size(); ++e) {
    CAPTURE(e);
    REQUIRE(std::memcmp(&a.epochs[e].train_loss, &b.epochs[e].train_loss, sizeof(double)) == 0);
    REQUIRE(a.epochs[e].spike_rate == b.epochs[e].spike_rate);
  }
  REQUIRE(a.recall_accuracy == b.recall_accuracy);
}
}  // namespace

TEST_CASE("two models trained on two threads at once equal one after the other", "[concurrency]") {
  const memory::TrainConfig a = config("lsnn", 1), b = config("lif", 2);
  const memory::TrainResult a_alone = memory::train(a);
  const memory::TrainResult b_alone = memory::train(b);
  memory::TrainResult a_together, b_together;
  std::thread ta([&] { a_together = memory::train(a); });
  std::thread tb([&] { b_together = memory::train(b); });
  ta.join();
  tb.join();
  require_same(a_alone, a_together);
  require_same(b_alone, b_together);
}
