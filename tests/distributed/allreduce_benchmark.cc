// What data-parallel training costs on this machine, under mpirun (//tests/distributed:
// allreduce_benchmark runs it with -np 2):
//   1. the all-reduce alone (the communicator's rank-ordered sum) at the sizes the tasks send:
//      the memory task's network, MNIST fc, MNIST ConvNet4 (docs/distributed.md);
//   2. a whole ConvNet4 training step (batch 32 split over the ranks) with the buckets started
//      during backward (overlap) and after it, and the part of the step spent waiting.
// Validates before it times: the sum must be the ranks' values added. Prints BENCH lines on rank 0.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "core/core.h"
#include "distributed/data_parallel.h"
#include "models/optim.h"
#include "tasks/idx.h"
#include "tasks/mnist_model.h"

#ifdef NORSE_WITH_MPI
#include <mpi.h>
#endif

namespace {

using namespace norse;
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

int allreduce_sizes(dist::Communicator& comm) {
  const std::vector<std::pair<const char*, int64_t>> sizes = {
      {"memory_lsnn", 12'204}, {"mnist_fc", 101'764}, {"mnist_conv", 1'111'944}};  // bytes per step / 4
  for (const auto& [name, count] : sizes) {
    std::vector<float> buffer(static_cast<size_t>(count));
    // Validation: rank r sends r + 1 everywhere; the sum is N (N + 1) / 2.
    std::fill(buffer.begin(), buffer.end(), static_cast<float>(comm.rank() + 1));
    comm.start_allreduce(buffer.data(), count);
    comm.wait_all("benchmark validation");
    const float expected = static_cast<float>(comm.size() * (comm.size() + 1) / 2);
    if (std::any_of(buffer.begin(), buffer.end(), [&](float v) { return v != expected; })) {
      std::fprintf(stderr, "rank %d: all-reduce of %s gave a wrong sum\n", comm.rank(), name);
      return 1;
    }
    std::vector<double> times;
    for (int rep = 0; rep < 30; ++rep) {
      double sync = 0;
      comm.allreduce_sum(&sync, 1, "benchmark: line up the ranks");
      const auto t0 = Clock::now();
      comm.start_allreduce(buffer.data(), count);
      comm.wait_all("benchmark");
      times.push_back(ms_since(t0));
    }
    std::sort(times.begin(), times.end());
    const double bytes = static_cast<double>(count) * 4.0, best = times.front(), median = times[times.size() / 2];
    // Bus bandwidth as NCCL reports it: what each rank sends and receives in a ring, per second.
    const double bus_gbps = 2.0 * (comm.size() - 1) / comm.size() * bytes / (median * 1e-3) / 1e9;
    if (comm.rank() == 0) {
      std::printf("BENCH name=allreduce_%s ranks=%d bytes=%.0f ms_best=%.3f ms_median=%.3f bus_gbps=%.2f\n", name,
                  comm.size(), bytes, best, median, bus_gbps);
    }
#ifdef NORSE_WITH_MPI
    // For comparison: MPI's own commutative MPI_SUM (free to use any algorithm; not what the
    // communicator uses, because its association, and so its rounding, may vary).
    int initialised = 0;
    MPI_Initialized(&initialised);
    if (initialised && comm.size() > 1) {
      std::vector<double> plain;
      for (int rep = 0; rep < 30; ++rep) {
        MPI_Barrier(MPI_COMM_WORLD);
        const auto t0 = Clock::now();
        MPI_Allreduce(MPI_IN_PLACE, buffer.data(), static_cast<int>(count), MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
        plain.push_back(ms_since(t0));
      }
      std::sort(plain.begin(), plain.end());
      if (comm.rank() == 0) {
        std::printf("BENCH name=allreduce_mpi_sum_%s ranks=%d bytes=%.0f ms_best=%.3f ms_median=%.3f\n", name,
                    comm.size(), bytes, plain.front(), plain[plain.size() / 2]);
      }
    }
#endif
  }
  return 0;
}

void convnet4_steps(dist::Communicator& comm) {
  const data::Dataset train_set = data::load_mnist("tasks/data/mnist", "train");
  constexpr int64_t kBatch = 32, kSteps = 8;
  // Alternating, twice each: the first network of a process pays its allocations' first touch.
  double best_ms[2] = {1e30, 1e30}, best_wait[2] = {0, 0};
  int64_t buckets = 0;
  for (const bool overlap : {false, true, false, true}) {
    Generator init(1234);
    mnist::NetworkOptions options;
    std::unique_ptr<mnist::Network> net = mnist::make_network(options, init);
    optim::Adam adam(net->named_parameters(), optim::AdamOptions{});
    dist::DataParallelOptions dp_options;
    dp_options.overlap = overlap;
    dist::DataParallel dp(comm, net->named_parameters(), dp_options);
    double step_ms = 0, wait_ms = 0;
    for (int64_t step = 0; step < kSteps + 2; ++step) {
      const dist::Shard part = dist::shard(step * kBatch, (step + 1) * kBatch, comm.rank(), comm.size());
      const Tensor images = train_set.images.slice(0, part.begin, part.end).contiguous();
      const Tensor labels = train_set.labels.slice(0, part.begin, part.end).contiguous();
      const auto t0 = Clock::now();
      adam.zero_grad();
      dp.backward(nll_loss(net->forward(images), labels), part.count(), kBatch);
      adam.step();
      if (step >= 2) {  // two warm-up steps
        step_ms += ms_since(t0);
        wait_ms += 1e3 * (dp.last_step().wait + dp.last_step().unpack);
      }
    }
    double sums[2] = {step_ms, wait_ms};
    comm.allreduce_sum(sums, 2, "benchmark: step times");
    const double ms = sums[0] / comm.size() / kSteps, wait = sums[1] / comm.size() / kSteps;
    if (ms < best_ms[overlap]) {
      best_ms[overlap] = ms;
      best_wait[overlap] = wait;
    }
    buckets = dp.bucket_count();
  }
  if (comm.rank() != 0) return;
  for (const int overlap : {0, 1}) {
    const double ms = best_ms[overlap], wait = best_wait[overlap];
    std::printf(
        "BENCH name=convnet4_data_parallel_step overlap=%d ranks=%d B=%lld T=16 ms=%.1f wait_ms=%.1f "
        "wait_fraction=%.3f samples_per_s=%.1f buckets=%lld\n",
        overlap, comm.size(), static_cast<long long>(kBatch), ms, wait, wait / ms, kBatch / (ms * 1e-3),
        static_cast<long long>(buckets));
  }
}

}  // namespace

int main() {
  dist::World world;
  try {
    if (world.rank() == 0) {
      std::printf("allreduce_benchmark: %s, %d ranks, %d thread(s) per rank\n", world.communicator().backend().c_str(),
                  world.size(), num_threads());
    }
    if (allreduce_sizes(world.communicator()) != 0) world.abort(3);
    convnet4_steps(world.communicator());
    return 0;
  } catch (const Error& e) {
    std::fprintf(stderr, "rank %d: %s\n", world.rank(), e.what());
    world.abort(3);
  }
}
