// Data-parallel training under mpirun, checked against one process (tests/distributed/BUILD
// runs it with `mpirun -np 2`): Linear -> LIF -> Linear -> LI trained with Adam on Poisson
// spikes, a global batch of 7 split 4 + 3 over two ranks, several buckets.
//
// Checks, each printed as "CHECK <name>: ok" or "CHECK <name>: FAILED <why>" by rank 0:
//   single_process  every step's global loss and the final parameters equal those of one process
//                   training on the whole global batch (float tolerance: the sums associate
//                   differently);
//   ranks_identical every rank ends with bit-identical parameters;
//   deterministic   a second distributed run gives bit-identical losses;
//   no_overlap      buckets started only after backward (and 64-byte buckets) give the same
//                   losses within float tolerance.
// Failure modes for the rank-failure test: --fail=throw|kill|hang --fail_rank=R --fail_step=S
// makes rank R throw, die of SIGKILL or hang at step S; every rank must then exit, none hang.
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "core/core.h"
#include "distributed/data_parallel.h"
#include "models/encoders.h"
#include "models/neuron_layers.h"
#include "models/optim.h"
#include "models/sequential.h"

namespace {

using namespace norse;

constexpr int64_t kInputs = 20, kHidden = 32, kClasses = 2, kSteps = 12, kBatch = 7, kTrainSteps = 6;

struct Failure {
  std::string mode;
  int rank = -1, step = -1;
};

std::shared_ptr<nn::SequentialState> make_net() {
  Generator gen(11);
  auto net = std::make_shared<nn::SequentialState>();
  net->add(std::make_shared<nn::Linear>(kInputs, kHidden, gen))
      .add(std::make_shared<nn::LIFCellLayer>())
      .add(std::make_shared<nn::Linear>(kHidden, kClasses, gen))
      .add(std::make_shared<nn::LICellLayer>());
  return net;
}

// The global batch of `step`: the same on every rank (seeded by the step).
std::pair<Tensor, Tensor> global_batch(int step) {
  Generator gen(1000 + static_cast<uint64_t>(step));
  const Tensor coin = rand({kBatch}, gen);
  std::vector<float> rates(kBatch * kInputs), labels(kBatch);
  for (int64_t b = 0; b < kBatch; ++b) {
    const int label = coin.data()[b] < 0.5f ? 0 : 1;
    labels[static_cast<size_t>(b)] = static_cast<float>(label);
    for (int64_t k = 0; k < kInputs; ++k) {
      rates[static_cast<size_t>(b * kInputs + k)] = (k < kInputs / 2) == (label == 0) ? 0.3f : 0.1f;
    }
  }
  return {encode::PoissonEncoder(kSteps, 1000.0f).forward(from_vector(rates, {kBatch, kInputs}), gen),
          from_vector(labels, {kBatch})};
}

Variable loss_of(nn::SequentialState& net, const Tensor& spikes, const Tensor& labels) {
  std::vector<nn::LayerState> state;
  std::vector<Variable> voltages;
  for (int64_t t = 0; t < spikes.size(0); ++t) voltages.push_back(net.forward(Variable(spikes.select(0, t)), state));
  return cross_entropy(max(stack(voltages, 0), 0).values, labels);
}

optim::Adam make_adam(nn::SequentialState& net) {
  optim::AdamOptions options;
  options.lr = 2e-2f;
  return optim::Adam(net.named_parameters(), options);
}

struct Run {
  std::vector<float> losses;
  std::vector<float> parameters;  // all, flattened in registration order
};

std::vector<float> flat_parameters(nn::SequentialState& net) {
  std::vector<float> all;
  for (const auto& [name, v] : net.named_parameters()) {
    const std::vector<float> p = v->value().to_vector();
    all.insert(all.end(), p.begin(), p.end());
  }
  return all;
}

void maybe_fail(const Failure& f, int rank, int step) {
  if (f.rank != rank || f.step != step) return;
  std::fprintf(stderr, "rank %d: failing on purpose at step %d (--fail=%s)\n", rank, step, f.mode.c_str());
  std::fflush(stderr);
  if (f.mode == "throw") throw Error("an error on purpose (--fail=throw)");
  if (f.mode == "kill") std::raise(SIGKILL);
  if (f.mode == "hang") std::this_thread::sleep_for(std::chrono::seconds(3600));
}

Run train_distributed(dist::Communicator& comm, dist::DataParallelOptions options, const Failure& failure) {
  auto net = make_net();
  optim::Adam adam = make_adam(*net);
  dist::DataParallel dp(comm, net->named_parameters(), options);
  Run run;
  for (int step = 0; step < kTrainSteps; ++step) {
    maybe_fail(failure, comm.rank(), step);
    const auto [spikes, labels] = global_batch(step);
    const dist::Shard s = dist::shard(0, kBatch, comm.rank(), comm.size());
    adam.zero_grad();
    float loss = 0.0f;
    if (s.count() > 0) {
      loss = dp.backward(loss_of(*net, spikes.slice(1, s.begin, s.end), labels.slice(0, s.begin, s.end)), s.count(),
                         kBatch);
    } else {
      loss = dp.backward_without_data(kBatch);
    }
    adam.step();
    run.losses.push_back(loss);
  }
  run.parameters = flat_parameters(*net);
  if (comm.rank() == 0) {
    std::printf("distributed: %d ranks, %lld buckets, %lld bytes all-reduced per step\n", comm.size(),
                static_cast<long long>(dp.bucket_count()), static_cast<long long>(dp.bytes_per_step()));
  }
  return run;
}

Run train_single_process() {
  auto net = make_net();
  optim::Adam adam = make_adam(*net);
  Run run;
  for (int step = 0; step < kTrainSteps; ++step) {
    const auto [spikes, labels] = global_batch(step);
    adam.zero_grad();
    const Variable loss = loss_of(*net, spikes, labels);
    loss.backward();
    adam.step();
    run.losses.push_back(loss.item());
  }
  run.parameters = flat_parameters(*net);
  return run;
}

float max_relative_difference(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size()) return INFINITY;
  float worst = 0.0f;
  for (size_t i = 0; i < a.size(); ++i) {
    worst = std::max(worst, std::fabs(a[i] - b[i]) / std::max(1.0f, std::fabs(b[i])));
  }
  return worst;
}

int failures = 0;
void report(int rank, const char* name, bool ok, const std::string& why) {
  if (rank != 0) return;
  if (ok) {
    std::printf("CHECK %s: ok (%s)\n", name, why.c_str());
  } else {
    std::printf("CHECK %s: FAILED %s\n", name, why.c_str());
    ++failures;
  }
}

int run_checks(dist::World& world, const Failure& failure) {
  dist::Communicator& comm = world.communicator();
  const int rank = comm.rank();
  dist::DataParallelOptions options;
  options.bucket_bytes = 1024;  // several buckets even for this small network
  const Run first = train_distributed(comm, options, failure);
  if (rank == 0) {
    for (size_t k = 0; k < first.losses.size(); ++k) std::printf("step %zu loss %.7f\n", k + 1, first.losses[k]);
  }
  const Run single = rank == 0 ? train_single_process() : Run{};
  const float loss_diff = rank == 0 ? max_relative_difference(first.losses, single.losses) : 0.0f;
  const float param_diff = rank == 0 ? max_relative_difference(first.parameters, single.parameters) : 0.0f;
  report(rank, "single_process", loss_diff <= 1e-5f && param_diff <= 1e-5f,
         str_cat("losses differ by at most ", loss_diff, ", parameters by ", param_diff, " (relative; limit 1e-5)"));

  std::vector<float> root = first.parameters;
  comm.broadcast(root.data(), static_cast<int64_t>(root.size()), 0, "check: rank 0's parameters");
  double mismatches = std::memcmp(root.data(), first.parameters.data(), root.size() * sizeof(float)) != 0 ? 1 : 0;
  comm.allreduce_sum(&mismatches, 1, "check: mismatch count");
  report(rank, "ranks_identical", mismatches == 0,
         str_cat(mismatches, " rank(s) differ from rank 0 in their ", root.size(), " parameters"));

  const Run second = train_distributed(comm, options, Failure{});
  report(rank, "deterministic", second.losses == first.losses && second.parameters == first.parameters,
         "a second run's losses and parameters compared bit for bit");

  dist::DataParallelOptions no_overlap;
  no_overlap.overlap = false;
  no_overlap.bucket_bytes = 64;
  const Run third = train_distributed(comm, no_overlap, Failure{});
  const float overlap_diff = max_relative_difference(third.losses, first.losses);
  report(rank, "no_overlap", overlap_diff <= 1e-6f, str_cat("losses differ by at most ", overlap_diff, " (relative)"));
  return failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Failure failure;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.rfind("--fail=", 0) == 0) failure.mode = a.substr(7);
    if (a.rfind("--fail_rank=", 0) == 0) failure.rank = std::stoi(a.substr(12));
    if (a.rfind("--fail_step=", 0) == 0) failure.step = std::stoi(a.substr(12));
  }
  std::unique_ptr<dist::World> world;
  try {
    world = std::make_unique<dist::World>();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dp_mpi_check: %s\n", e.what());
    return 2;
  }
  const int rank = world->rank();
  if (rank == 0) std::printf("backend: %s, %d ranks\n", world->communicator().backend().c_str(), world->size());
  try {
    const int status = run_checks(*world, failure);
    if (rank == 0) std::printf("dp_mpi_check: %s\n", status == 0 ? "all checks passed" : "FAILED");
    return status;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rank %d: error: %s; aborting every rank\n", rank, e.what());
    world->abort(3);
  }
}
