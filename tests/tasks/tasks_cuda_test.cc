// The tasks with --device=cuda: MNIST's networks trained on the GPU (the tape's CUDA ops, the
// fused LIF / LI / encoder loops, Adam) give the CPU's first-batch loss, a falling loss and a
// test accuracy near the CPU run's; a checkpoint written on the GPU resumes on the CPU; the
// memory task (recurrent LSNN / LIF loops on the GPU) gives the CPU's first loss and learns.
// Skipped, with the reason, without a CUDA device.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

#include "core/core.h"
#include "tasks/idx.h"
#include "tasks/memory_train.h"
#include "tasks/mnist_train.h"
#include "tests/testing/gpu.h"
#include "tests/testing/skip.h"

using namespace norse;

namespace {
std::string tmp(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return std::string(dir ? dir : "/tmp") + "/" + name;
}

const data::Dataset& train_set() {
  static const data::Dataset d = data::load_mnist("tasks/data/mnist", "train");
  return d;
}
const data::Dataset& test_set() {
  static const data::Dataset d = data::load_mnist("tasks/data/mnist", "t10k");
  return d;
}

mnist::TrainConfig config(const std::string& model, const std::string& device, const std::string& out) {
  mnist::TrainConfig c;
  c.network.model = model;
  c.network.time_steps = 16;
  c.batch_size = 32;
  // The conv network is compared on its first two batches only (below): one epoch of two
  // batches, and a token evaluation (the emulated GPU under the sanitizers is slow).
  c.epochs = model == "conv" ? 1 : 2;
  c.train_limit = model == "conv" ? 64 : 256;
  c.test_limit = model == "conv" ? 32 : 256;
  c.device = device;
  c.output_dir = out;
  return c;
}
}  // namespace

TEST_CASE("MNIST trains on cuda as on the CPU (fc and conv)", "[cuda][mnist]") {
  NORSE_REQUIRE_GPU();
  for (const std::string model : {"fc", "conv"}) {
    CAPTURE(model);
    const mnist::TrainResult cpu = mnist::train(config(model, "cpu", tmp(model + "_cpu")), train_set(), test_set());
    const mnist::TrainResult gpu = mnist::train(config(model, "cuda", tmp(model + "_gpu")), train_set(), test_set());
    REQUIRE(gpu.batch_losses.size() == cpu.batch_losses.size());
    // Same initial weights and data: the first loss agrees to float rounding (GEMM sums differ in order).
    REQUIRE(gpu.batch_losses[0] == Approx(cpu.batch_losses[0]).epsilon(1e-4));
    CAPTURE(cpu.epochs[0].train_loss, gpu.epochs[0].train_loss, gpu.test_accuracy, cpu.test_accuracy);
    // The step after it too (one Adam update apart; measured 6.5e-5 for conv).
    REQUIRE(gpu.batch_losses[1] == Approx(cpu.batch_losses[1]).epsilon(1e-3));
    // Beyond that only the fc run is comparable: the conv network at this size (64 digits) does
    // not settle (its loss rises from 2.6 to 6 in three steps), so its later losses and its
    // accuracy amplify rounding (a third step 1.6% apart, accuracy 14% against 20%, when the CPU's
    // GEMM tiles moved to AVX2).
    if (model == "fc") {
      REQUIRE(gpu.epochs.size() == 2);
      CAPTURE(cpu.epochs[1].train_loss, gpu.epochs[1].train_loss);
      REQUIRE(gpu.epochs[1].train_loss < gpu.epochs[0].train_loss);
      REQUIRE(std::abs(gpu.test_accuracy - cpu.test_accuracy) <= 0.05);
    }
  }
}

TEST_CASE("A checkpoint written by a cuda run resumes on the CPU", "[cuda][mnist][checkpoint]") {
  NORSE_REQUIRE_GPU();
  mnist::TrainConfig first = config("fc", "cuda", tmp("cross_device"));
  const mnist::TrainResult on_gpu = mnist::train(first, train_set(), test_set());
  mnist::TrainConfig second = first;
  second.epochs = 3;
  second.resume = true;
  second.device = "cpu";
  const mnist::TrainResult resumed = mnist::train(second, train_set(), test_set());
  REQUIRE(resumed.resumed_from_epoch == 2);
  REQUIRE(resumed.epochs.size() == 3);
  // The GPU's weights and Adam state carried over: training goes on from where it stopped.
  REQUIRE(resumed.epochs[0].train_loss == on_gpu.epochs[0].train_loss);
  REQUIRE(resumed.epochs[2].train_loss < resumed.epochs[0].train_loss);
}

TEST_CASE("The memory task trains on cuda as on the CPU (lsnnlif)", "[cuda][memory]") {
  NORSE_REQUIRE_GPU();
  auto run = [](const std::string& device) {
    memory::TrainConfig c;
    c.network.neuron_model = "lsnnlif";
    c.network.hidden = 40;
    c.data.seq_length = 20;
    c.samples = 64;
    c.batch_size = 32;
    c.epochs = 3;
    c.eval_every = 3;
    c.device = device;
    return memory::train(c, nullptr);
  };
  const memory::TrainResult cpu = run("cpu");
  const memory::TrainResult gpu = run("cuda");
  REQUIRE(gpu.epochs.size() == 3);
  REQUIRE(gpu.epochs[0].train_loss == Approx(cpu.epochs[0].train_loss).epsilon(1e-3));
  REQUIRE(gpu.epochs[0].spike_rate == Approx(cpu.epochs[0].spike_rate).epsilon(1e-3));
  CAPTURE(gpu.recall_accuracy, cpu.recall_accuracy);
  REQUIRE(std::abs(gpu.recall_accuracy - cpu.recall_accuracy) <= 0.15);
}
