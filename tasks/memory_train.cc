#include "tasks/memory_train.h"

#include "tasks/nir_export.h"

#include <chrono>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "distributed/data_parallel.h"
#include "models/optim.h"
#include "tasks/checkpoint.h"

namespace norse {
namespace memory {
namespace {

using Clock = std::chrono::steady_clock;

// The datasets' seeds: training, validation and test sequences never share a stream.
uint64_t split_seed(uint64_t seed, uint64_t split) { return seed * 4 + split; }

std::string checkpoint_path(const TrainConfig& c) { return c.output_dir + "/checkpoint.safetensors"; }

std::string to_string(float x) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.9g", x);
  return buf;
}

tasks::RunIdentity run_identity(const TrainConfig& c, int ranks) {
  return {{"task", "memory"},
          {"ranks", std::to_string(ranks)},
          {"neuron_model", c.network.neuron_model},
          {"hidden", std::to_string(c.network.hidden)},
          {"v_th", to_string(c.network.v_th)},
          {"tau_adapt", to_string(c.network.tau_adapt)},
          {"beta", to_string(c.network.beta)},
          {"dt", to_string(c.network.dt)},
          {"seq_length", std::to_string(c.data.seq_length)},
          {"seq_periods", std::to_string(c.data.seq_periods)},
          {"seq_repetitions", std::to_string(c.data.seq_repetitions)},
          {"population_size", std::to_string(c.data.population_size)},
          {"poisson_rate", to_string(c.data.poisson_rate)},
          {"loss", c.loss.loss},
          {"regularization_factor", to_string(c.loss.regularization_factor)},
          {"regularization_target", to_string(c.loss.regularization_target)},
          {"samples", std::to_string(c.samples)},
          {"batch_size", std::to_string(c.batch_size)},
          {"learning_rate", to_string(c.learning_rate)},
          {"lr_step", std::to_string(c.lr_step)},
          {"lr_gamma", to_string(c.lr_gamma)},
          {"seed", std::to_string(c.seed)}};
}

std::string metrics_json(const std::vector<EpochMetrics>& epochs) {
  nlohmann::json j = nlohmann::json::array();
  for (const EpochMetrics& m : epochs) {
    j.push_back({{"epoch", m.epoch},
                 {"train_loss", m.train_loss},
                 {"train_accuracy", m.train_accuracy},
                 {"val_accuracy", m.val_accuracy},
                 {"spike_rate", m.spike_rate},
                 {"seconds", m.seconds}});
  }
  return j.dump();
}

std::vector<EpochMetrics> parse_metrics(const std::string& json) {
  std::vector<EpochMetrics> out;
  for (const auto& m : tasks::metrics_entries(json)) {
    EpochMetrics e;
    e.epoch = tasks::metric_int(m, "epoch");
    e.train_loss = tasks::metric_number(m, "train_loss");
    e.train_accuracy = tasks::metric_number(m, "train_accuracy");
    e.spike_rate = tasks::metric_number(m, "spike_rate");
    e.val_accuracy = tasks::metric_number(m, "val_accuracy");
    e.seconds = tasks::metric_number(m, "seconds");
    out.push_back(e);
  }
  return out;
}

std::string metrics_csv(const std::vector<EpochMetrics>& epochs) {
  std::string out = "epoch,train_loss,train_accuracy,spike_rate,val_accuracy,seconds\n";
  char line[160];
  for (const EpochMetrics& m : epochs) {
    std::snprintf(line, sizeof(line), "%lld,%.6f,%.4f,%.5f,%s,%.2f\n", static_cast<long long>(m.epoch), m.train_loss,
                  m.train_accuracy, m.spike_rate, m.val_accuracy < 0 ? "" : std::to_string(m.val_accuracy).c_str(),
                  m.seconds);
    out += line;
  }
  return out;
}

void check_config(const TrainConfig& c) {
  c.data.validate("memory");
  NORSE_CHECK(c.samples >= 1, InvalidArgument, "memory", "--samples must be >= 1, got ", c.samples);
  NORSE_CHECK(c.batch_size >= 1, InvalidArgument, "memory", "--batch_size must be >= 1, got ", c.batch_size);
  NORSE_CHECK(c.epochs >= 1, InvalidArgument, "memory", "--epochs must be >= 1, got ", c.epochs);
  NORSE_CHECK(c.lr_step >= 1, InvalidArgument, "memory", "--lr_step must be >= 1, got ", c.lr_step);
  NORSE_CHECK(c.eval_every >= 1, InvalidArgument, "memory", "--eval_every must be >= 1, got ", c.eval_every);
  NORSE_CHECK(c.learning_rate > 0.0f, InvalidArgument, "memory", "--learning_rate must be > 0, got ", c.learning_rate);
}

}  // namespace

Evaluation evaluate(MemoryNetwork& net, const StoreRecallDataset& data, const LossOptions& loss, int64_t batch_size,
                    int64_t epoch, Device device, dist::Communicator* comm) {
  NoGradGuard no_grad;
  const bool was_training = net.is_training();
  net.train(false);
  const dist::Shard part = dist::shard(0, data.size(), comm);
  double sums[4] = {0, 0, 0, 0};  // correct, recalls, task loss, batches
  for (int64_t begin = part.begin; begin < part.end; begin += batch_size) {
    const int64_t end = std::min(part.end, begin + batch_size);
    const StoreRecallBatch batch = data.batch(begin, end, epoch);
    const LossResult r = memory_loss(net.forward(batch.input.to(device)), batch, data.options(), loss);
    sums[0] += static_cast<double>(r.correct);
    sums[1] += static_cast<double>(r.recalls);
    sums[2] += r.task;
    sums[3] += 1;
  }
  if (comm != nullptr) comm->allreduce_sum(sums, 4, "memory: evaluation");
  net.train(was_training);
  Evaluation e;
  e.recalls = static_cast<int64_t>(sums[1]);
  e.accuracy = sums[1] > 0 ? sums[0] / sums[1] : 0.0;
  e.loss = sums[3] > 0 ? sums[2] / sums[3] : 0.0;
  return e;
}

TrainResult train(const TrainConfig& c, const std::function<void(const Progress&)>& progress,
                  dist::Communicator* comm) {
  check_config(c);
  const int ranks = comm != nullptr ? comm->size() : 1;
  const bool root = comm == nullptr || comm->rank() == 0;
  if (ranks == 1) comm = nullptr;
  const Device device = device_from_name(c.device, "--device");
  Generator init(c.seed);
  MemoryNetwork net(c.data.input_features(), c.network, init);  // initialised on the host: same weights on any device
  NORSE_CHECK(c.export_nir.empty() || net.sequential() != nullptr, InvalidArgument, "memory",
              "--export_nir needs --model=iaf_box: --model=", c.network.neuron_model,
              " has neurons NIR cannot hold (LSNN's adaptive threshold; LIF's and the LI read-out's synaptic current)");
  net.to(device);
  const StoreRecallDataset train_set(c.samples, c.data, split_seed(c.seed, 0));
  const StoreRecallDataset val_set(std::max<int64_t>(1, c.samples / 2), c.data, split_seed(c.seed, 1));
  const StoreRecallDataset test_set(std::max<int64_t>(1, c.samples / 2), c.data, split_seed(c.seed, 2));
  StoreRecallOptions long_options = c.data;
  long_options.seq_repetitions *= 2;  // Norse tests on sequences with twice the repetitions
  const StoreRecallDataset long_test_set(std::max<int64_t>(1, c.samples / 2), long_options, split_seed(c.seed, 3));

  optim::AdamOptions adam_options;
  adam_options.lr = c.learning_rate;
  optim::Adam adam(net.named_parameters(), adam_options);
  const optim::StepLR schedule(c.learning_rate, c.lr_step, c.lr_gamma);

  TrainResult result;
  int64_t start_epoch = 0;
  if (const auto saved = tasks::prepare_output_dir(c.output_dir, c.resume, "memory --resume", net.named_parameters(),
                                                   adam, run_identity(c, ranks))) {
    result.epochs = parse_metrics(saved->metrics_json);
    start_epoch = saved->completed;
    result.resumed_from_epoch = start_epoch;
  }
  std::unique_ptr<dist::DataParallel> parallel;
  if (comm != nullptr) {
    parallel = std::make_unique<dist::DataParallel>(*comm, net.named_parameters());
    result.allreduce_bytes_per_step = parallel->bytes_per_step();
  }
  const auto run_start = Clock::now();
  const AnomalyModeGuard anomaly(c.detect_anomaly);
  for (int64_t epoch = start_epoch; epoch < c.epochs; ++epoch) {
    const auto t0 = Clock::now();
    adam.set_lr(schedule.lr(epoch));
    net.train(true);
    EpochMetrics m;
    m.epoch = epoch + 1;
    int64_t batches = 0, correct = 0, recalls = 0;
    for (int64_t begin = 0; begin < train_set.size(); begin += c.batch_size) {
      const int64_t end = std::min(train_set.size(), begin + c.batch_size);
      // This rank's part of the global batch (all of it in one process).
      const dist::Shard part = dist::shard(begin, end, comm);
      const double share = static_cast<double>(part.count()) / static_cast<double>(end - begin);
      adam.zero_grad();
      if (part.count() == 0) {
        m.train_loss += parallel->backward_without_data(end - begin);
      } else {
        const StoreRecallBatch batch = train_set.batch(part.begin, part.end, epoch);
        const LossResult r = memory_loss(net.forward(batch.input.to(device)), batch, c.data, c.loss);
        if (parallel) {
          m.train_loss += parallel->backward(r.total, part.count(), end - begin);
          result.communication_seconds += parallel->last_step().wait + parallel->last_step().unpack;
        } else {
          r.total.backward();
          m.train_loss += r.total.item();
        }
        adam.check_finite(r.total, str_cat("memory: epoch ", epoch + 1, ", batch ", batches + 1));
        m.spike_rate += r.spike_rate * share;
        correct += r.correct;
        recalls += r.recalls;
      }
      adam.step();
      ++batches;
    }
    result.train_seconds += std::chrono::duration<double>(Clock::now() - t0).count();
    if (comm != nullptr) {  // the epoch's counts over all ranks
      double sums[3] = {m.spike_rate, static_cast<double>(correct), static_cast<double>(recalls)};
      comm->allreduce_sum(sums, 3, "memory: epoch metrics");
      m.spike_rate = sums[0];
      correct = static_cast<int64_t>(sums[1]);
      recalls = static_cast<int64_t>(sums[2]);
    }
    m.train_loss /= static_cast<double>(batches);
    m.spike_rate /= static_cast<double>(batches);
    m.train_accuracy = static_cast<double>(correct) / static_cast<double>(recalls);
    if ((epoch + 1) % c.eval_every == 0 || epoch + 1 == c.epochs) {
      m.val_accuracy = evaluate(net, val_set, c.loss, c.batch_size, epoch, device, comm).accuracy;
    }
    m.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    result.epochs.push_back(m);
    if (!c.output_dir.empty() && root) {
      tasks::CheckpointContents contents;
      contents.completed = m.epoch;
      contents.metrics_json = metrics_json(result.epochs);
      tasks::save_checkpoint(checkpoint_path(c), net.named_parameters(), adam, run_identity(c, ranks), contents);
      tasks::write_file_atomically(c.output_dir + "/metrics.csv", metrics_csv(result.epochs));
    }
    if (progress) {
      Progress p;
      p.epoch = m.epoch;
      p.epochs = c.epochs;
      p.seconds = std::chrono::duration<double>(Clock::now() - run_start).count();
      p.eta_seconds =
          p.seconds / static_cast<double>(epoch + 1 - start_epoch) * static_cast<double>(c.epochs - epoch - 1);
      p.metrics = m;
      progress(p);
    }
  }
  const Evaluation test = evaluate(net, test_set, c.loss, c.batch_size, 0, device, comm);
  result.recall_accuracy = test.accuracy;
  result.test_recalls = test.recalls;
  const Evaluation long_test = evaluate(net, long_test_set, c.loss, c.batch_size, 0, device, comm);
  result.recall_accuracy_long = long_test.accuracy;
  result.test_long_recalls = long_test.recalls;
  if (c.plots && !c.output_dir.empty() && root) result.plots = write_plots(net, result, test_set, c.output_dir, device);
  if (!c.export_nir.empty() && root) {
    // Checked on 8 test sequences: the graph's read-out voltages against the network's.
    NoGradGuard no_grad;
    net.train(false);
    const StoreRecallBatch batch = test_set.batch(0, std::min<int64_t>(8, test_set.size()), 0);
    const Tensor input = batch.input.to(device);
    const Tensor readout = net.forward(input).readout.value();
    result.nir_export =
        tasks::export_nir_checked(*net.sequential(), {c.data.input_features()}, input, readout, c.export_nir).line();
  }
  return result;
}

}  // namespace memory
}  // namespace norse
