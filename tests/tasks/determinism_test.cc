// README promises that the same seed gives the same result on any thread count. Single kernels
// are tested for it elsewhere; this trains the MNIST (ConvNet4) and memory tasks for a few steps
// on 1 and on 2 threads and compares every loss and every tensor of the final checkpoint
// (weights and Adam moments) bit for bit. (Issue 15, table row 11: Eigen's multithreaded GEMM
// rounded differently per thread count; core/gemm_cpu.h tiles by shape instead.)
#include <catch2/catch.hpp>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "core/core.h"
#include "tasks/idx.h"
#include "tasks/memory_train.h"
#include "tasks/mnist_train.h"

using namespace norse;

namespace {
std::string tmp(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return std::string(dir ? dir : "/tmp") + "/" + name;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// Every tensor of the two checkpoints, bitwise; names the first that differs.
void require_same_checkpoint(const std::string& a_dir, const std::string& b_dir) {
  const SafetensorsFile a = load_safetensors(a_dir + "/checkpoint.safetensors");
  const SafetensorsFile b = load_safetensors(b_dir + "/checkpoint.safetensors");
  REQUIRE(a.tensors.size() == b.tensors.size());
  REQUIRE(a.tensors.size() > 4);
  for (const auto& [name, t] : a.tensors) {
    CAPTURE(name);
    REQUIRE(same_bits(t.to_vector(), b.get(name).to_vector()));
  }
}
}  // namespace

TEST_CASE("MNIST ConvNet4 training is bitwise identical on 1 and 2 threads", "[determinism][mnist]") {
  const data::Dataset train_set = data::load_mnist("tasks/data/mnist", "train");
  const data::Dataset test_set = data::load_mnist("tasks/data/mnist", "t10k");
  mnist::TrainConfig c;
  c.network.model = "conv";
  c.network.time_steps = 16;  // the task's defaults: GEMMs large enough to be split over threads
  c.batch_size = 32;
  c.train_limit = 96;  // 3 Adam steps
  c.test_limit = 32;
  c.epochs = 1;
  mnist::TrainResult r[2];
  for (int threads : {1, 2}) {
    ThreadCountGuard guard(threads);
    c.output_dir = tmp("mnist_threads_" + std::to_string(threads));
    r[threads - 1] = mnist::train(c, train_set, test_set);
  }
  CAPTURE(r[0].batch_losses, r[1].batch_losses);
  REQUIRE(r[0].batch_losses.size() == 3);
  REQUIRE(same_bits(r[0].batch_losses, r[1].batch_losses));
  REQUIRE(r[0].test_accuracy == r[1].test_accuracy);
  require_same_checkpoint(tmp("mnist_threads_1"), tmp("mnist_threads_2"));
}

TEST_CASE("memory task training is bitwise identical on 1 and 2 threads", "[determinism][memory]") {
  memory::TrainConfig c;
  c.data.seq_length = 10;
  c.data.seq_periods = 6;
  c.data.seq_repetitions = 2;
  c.network.hidden = 400;  // recurrent GEMMs with K = 400: above the depth Eigen blocks at
  c.samples = 32;
  c.batch_size = 16;
  c.epochs = 2;
  c.eval_every = 2;
  memory::TrainResult r[2];
  for (int threads : {1, 2}) {
    ThreadCountGuard guard(threads);
    c.output_dir = tmp("memory_threads_" + std::to_string(threads));
    r[threads - 1] = memory::train(c);
  }
  for (size_t e = 0; e < r[0].epochs.size(); ++e) {
    CAPTURE(e);
    REQUIRE(r[0].epochs[e].train_loss == r[1].epochs[e].train_loss);
    REQUIRE(r[0].epochs[e].spike_rate == r[1].epochs[e].spike_rate);
  }
  REQUIRE(r[0].recall_accuracy == r[1].recall_accuracy);
  require_same_checkpoint(tmp("memory_threads_1"), tmp("memory_threads_2"));
}
