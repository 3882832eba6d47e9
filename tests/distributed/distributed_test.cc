// The data-parallel layer without a launcher: shards, the single-process World, and
// DataParallel against a scripted communicator that stands in for the other ranks (the real
// two-process runs are //tests/distributed:mpi_test).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/core.h"
#include "distributed/data_parallel.h"
#include "models/layers.h"
#include "tests/testing/gradcheck.h"

using namespace norse;

namespace {

// Size `ranks`; every other rank is scripted to hold `others_factor` times this rank's
// contribution, so a sum is (1 + (ranks - 1) * others_factor) x this rank's buffer. Logs every
// call into `log`.
class ScriptedCommunicator final : public dist::Communicator {
 public:
  ScriptedCommunicator(int ranks, float others_factor, std::vector<std::string>* log)
      : ranks_(ranks), factor_(1.0f + static_cast<float>(ranks - 1) * others_factor), log_(log) {}
  int rank() const override { return 0; }
  int size() const override { return ranks_; }
  std::string backend() const override { return "scripted"; }
  Device device() const override { return Device::kCPU; }
  void start_allreduce(float* data, int64_t count) override {
    log_->push_back("start " + std::to_string(count));
    for (int64_t i = 0; i < count; ++i) data[i] *= factor_;
  }
  void progress() override {}
  void wait_all(const std::string&) override { log_->push_back("wait"); }
  void broadcast(float*, int64_t, int, const std::string&) override { log_->push_back("broadcast"); }
  void allreduce_sum(double* data, int64_t count, const std::string&) override {
    for (int64_t i = 0; i < count; ++i) data[i] *= ranks_ + parameter_skew;
  }
  double parameter_skew = 0;  // != 0: another rank reports other parameters

 private:
  int ranks_;
  float factor_;
  std::vector<std::string>* log_;
};

// An identity op whose backward writes "backward <name>" into the log: shows when backward
// reaches a point of the network.
Variable mark(const Variable& x, std::string name, std::vector<std::string>* log) {
  return record_op("mark", x.value(), {x}, [name, log](const std::vector<Tensor>& g, const std::vector<bool>&) {
    log->push_back("backward " + name);
    return std::vector<Tensor>{g[0]};
  });
}

struct TwoLayers {
  Generator gen{3};
  nn::Linear first{6, 40, gen}, second{40, 3, gen};
  std::vector<nn::NamedParameter> params() {
    std::vector<nn::NamedParameter> all = first.named_parameters();
    for (auto& p : second.named_parameters()) all.push_back(p);
    return all;
  }
  Variable loss(const Tensor& x, std::vector<std::string>* log = nullptr) {
    Variable h = first.forward(Variable(x));
    if (log != nullptr) h = mark(h, "between the layers", log);
    return mean(second.forward(relu(h)) * second.forward(relu(h)));
  }
};

Tensor input() {
  Generator gen(5);
  return randn({4, 6}, gen);
}

}  // namespace

TEST_CASE("shard splits a global batch into contiguous parts differing by at most one", "[distributed]") {
  std::vector<std::pair<int64_t, int64_t>> parts;
  for (int r = 0; r < 3; ++r) {
    const dist::Shard s = dist::shard(10, 17, r, 3);
    parts.emplace_back(s.begin, s.end);
  }
  REQUIRE(parts == std::vector<std::pair<int64_t, int64_t>>{{10, 13}, {13, 15}, {15, 17}});
  REQUIRE(dist::shard(0, 2, 3, 4).count() == 0);  // more ranks than items: some get none
  REQUIRE_THROWS_AS(dist::shard(0, 4, 2, 2), InvalidArgument);
}

TEST_CASE("without a launcher the World is one process", "[distributed]") {
  dist::World world;
  REQUIRE(world.size() == 1);
  REQUIRE(world.rank() == 0);
  REQUIRE(world.communicator().backend() == "single process");
}

TEST_CASE("DataParallel on one process leaves gradients and loss as backward gives them", "[distributed]") {
  TwoLayers plain, parallel;
  const Variable expected = plain.loss(input());
  expected.backward();
  dist::World world;
  dist::DataParallel dp(world.communicator(), parallel.params());
  const float loss = dp.backward(parallel.loss(input()), 4, 4);
  REQUIRE(loss == expected.item());
  NORSE_REQUIRE_CLOSE(parallel.first.weight.grad(), plain.first.weight.grad(), 0.0f);
  NORSE_REQUIRE_CLOSE(parallel.second.bias.grad(), plain.second.bias.grad(), 0.0f);
  REQUIRE(dp.parameter_count() == 6 * 40 + 40 + 40 * 3 + 3);
  REQUIRE(dp.bytes_per_step() == (dp.parameter_count() + 4 + 1) * 4);  // + a flag each + the loss
}

TEST_CASE("gradients are weighted by the shard's share of the global batch", "[distributed]") {
  TwoLayers plain, parallel;
  const Variable expected = plain.loss(input());
  expected.backward();
  std::vector<std::string> log;
  // Two ranks, the other holding the same gradient: shard 1 of 4 gives (1/4 + 1/4) x g.
  ScriptedCommunicator comm(2, 1.0f, &log);
  dist::DataParallel dp(comm, parallel.params());
  const float loss = dp.backward(parallel.loss(input()), 1, 4);
  REQUIRE(loss == Approx(expected.item() * 0.5f));
  NORSE_REQUIRE_CLOSE(parallel.first.weight.grad(), mul(plain.first.weight.grad(), 0.5f));
  NORSE_REQUIRE_CLOSE(parallel.second.weight.grad(), mul(plain.second.weight.grad(), 0.5f));
}

TEST_CASE("buckets start during backward, last layer first, in index order", "[distributed]") {
  TwoLayers net;
  std::vector<std::string> log;
  ScriptedCommunicator comm(2, 1.0f, &log);
  dist::DataParallelOptions options;
  // The second layer (123 floats) in one bucket; the first layer's bias (40) and weight (240)
  // each in their own.
  options.bucket_bytes = 4 * 130;
  dist::DataParallel dp(comm, net.params(), options);
  REQUIRE(dp.bucket_count() == 3);
  log.clear();
  dp.backward(net.loss(input(), &log), 2, 4);
  // The second layer's bucket (123 gradients + 2 flags) starts before backward reaches the first
  // layer; the first layer's after it (40 + 1 flag, 240 + 1 flag + the loss); one wait at the end.
  REQUIRE(log == std::vector<std::string>{"start 125", "backward between the layers", "start 41", "start 242", "wait"});

  // Without overlap both start after backward.
  log.clear();
  options.overlap = false;
  dist::DataParallel late(comm, net.params(), options);
  log.clear();
  late.backward(net.loss(input(), &log), 2, 4);
  REQUIRE(log == std::vector<std::string>{"backward between the layers", "start 125", "start 41", "start 242", "wait"});
}

TEST_CASE("a parameter no rank has a gradient for keeps none", "[distributed]") {
  TwoLayers net;
  Generator gen(9);
  nn::Linear unused(2, 2, gen);
  std::vector<nn::NamedParameter> params = net.params();
  for (auto& p : unused.named_parameters()) params.push_back({"unused." + p.first, p.second});
  std::vector<std::string> log;
  ScriptedCommunicator comm(2, 1.0f, &log);
  dist::DataParallel dp(comm, params);
  dp.backward(net.loss(input()), 2, 4);
  REQUIRE(net.first.weight.grad().defined());
  REQUIRE_FALSE(unused.weight.grad().defined());
  // A rank without data takes part with zeros: the others' gradients arrive (here: none).
  net.first.weight.zero_grad();
  dp.backward_without_data(4);
  REQUIRE_FALSE(net.first.weight.grad().defined());
}

TEST_CASE("DataParallel refuses bad input with the argument named", "[distributed]") {
  TwoLayers net;
  std::vector<std::string> log;
  ScriptedCommunicator comm(2, 1.0f, &log);
  std::vector<nn::NamedParameter> twice = net.params();
  twice.push_back(twice.front());
  REQUIRE_THROWS_WITH(dist::DataParallel(comm, twice), Catch::Contains("listed twice"));
  comm.parameter_skew = 0.5;
  REQUIRE_THROWS_AS(dist::DataParallel(comm, net.params()), dist::DistributedError);
  comm.parameter_skew = 0;
  dist::DataParallel dp(comm, net.params());
  REQUIRE_THROWS_WITH(dp.backward(net.loss(input()), 5, 4), Catch::Contains("global_count"));
  REQUIRE_THROWS_WITH(dp.backward(net.loss(input()), 0, 4), Catch::Contains("backward_without_data"));
  REQUIRE_THROWS_AS(comm.set_timeout_seconds(-1), InvalidArgument);
}
