// The whole MNIST training step, as issue 12 measures it: Norse's ConvNet4 (the task's default
// network) forward, backward and Adam on real digits, at batch 32 and 16 / 32 time steps.
//
//   bazel test //tasks:convnet4_benchmark --test_output=all
//
// Prints `BENCH name=convnet4_train_step T=.. B=.. ms=.. samples_per_s=..` (best of 3 steps after
// one warm-up) with the thread count. Validates first: the step's loss is finite and every
// parameter gets a finite gradient. Norse's figures for the same step (torch 1.13, OpenBLAS,
// 2 threads) are in docs/benchmarks.md.
#include <cmath>
#include <cstdio>

#include <sys/resource.h>

#include "core/core.h"
#include "kernels/benchmark_util.h"
#include "models/optim.h"
#include "tasks/idx.h"
#include "tasks/mnist_model.h"

namespace {

int run() {
  using namespace norse;
  const data::Dataset train_set = data::load_mnist("tasks/data/mnist", "train");
  constexpr int64_t kBatch = 32;
  const Tensor images = train_set.images.slice(0, 0, kBatch).contiguous();
  const Tensor labels = train_set.labels.slice(0, 0, kBatch).contiguous();
  std::printf("convnet4_benchmark: %d thread(s)\n", num_threads());
  for (const int64_t time_steps : {16, 32}) {
    Generator init(1234);
    mnist::NetworkOptions options;
    options.time_steps = time_steps;
    std::unique_ptr<mnist::Network> net = mnist::make_network(options, init);
    optim::Adam adam(net->named_parameters(), optim::AdamOptions{});
    float loss = 0.0f;
    const auto step = [&]() {
      adam.zero_grad();
      const Variable l = nll_loss(net->forward(images), labels);
      l.backward();
      adam.step();
      loss = l.item();
    };
    step();  // validation
    if (!std::isfinite(loss)) {
      std::fprintf(stderr, "FAILED: the loss is %g\n", loss);
      return 1;
    }
    for (const auto& [name, p] : net->named_parameters()) {
      if (!p->requires_grad()) continue;  // the read-out's LI parameters
      if (!p->grad().defined() || first_non_finite(p->grad()).found()) {
        std::fprintf(stderr, "FAILED: parameter %s has no finite gradient\n", name.c_str());
        return 1;
      }
    }
    const double ms = bench::best_ms(step, 3);
    // Page faults of one more step: fresh memory the step touches (the allocator's cache should
    // leave almost none once warm; the kernel zero-fills every faulted page).
    const auto minor_faults = [] {
      rusage usage{};
      getrusage(RUSAGE_SELF, &usage);
      return static_cast<long long>(usage.ru_minflt);
    };
    const long long faults_before = minor_faults();
    step();
    const long long faults = minor_faults() - faults_before;
    std::printf(
        "BENCH name=convnet4_train_step T=%lld B=%lld ms=%.1f samples_per_s=%.1f threads=%d "
        "page_faults_per_step=%lld\n",
        static_cast<long long>(time_steps), static_cast<long long>(kBatch), ms, kBatch / (ms * 1e-3), num_threads(),
        faults);
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace

int main() {
  try {
    return run();
  } catch (const norse::Error& e) {  // e.g. the digits not found: run it from the repository root
    std::fprintf(stderr, "convnet4_benchmark: %s\n", e.what());
    return 1;
  }
}
