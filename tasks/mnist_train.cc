#include "tasks/mnist_train.h"

#include "tasks/nir_export.h"

#include <chrono>
#include <cstdio>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/philox.h"
#include "distributed/data_parallel.h"
#include "models/optim.h"
#include "tasks/checkpoint.h"

namespace norse {
namespace mnist {
namespace {

using Clock = std::chrono::steady_clock;

// A permutation of [0, n) for `epoch`, from the seed alone (Fisher-Yates over Philox draws), so
// that a resumed run shuffles exactly as an uninterrupted one.
std::vector<int64_t> epoch_order(int64_t n, uint64_t seed, int64_t epoch) {
  std::vector<int64_t> order(static_cast<size_t>(n));
  for (int64_t k = 0; k < n; ++k) order[static_cast<size_t>(k)] = k;
  const uint64_t stream = seed * 0x9E3779B97F4A7C15ull + static_cast<uint64_t>(epoch);
  for (int64_t k = n - 1; k > 0; --k) {
    const uint32_t bits = philox_bits(stream, 0, static_cast<uint64_t>(k));
    const int64_t j = static_cast<int64_t>(static_cast<uint64_t>(bits) * static_cast<uint64_t>(k + 1) >> 32);
    std::swap(order[static_cast<size_t>(k)], order[static_cast<size_t>(j)]);
  }
  return order;
}

// Rows `indices` of images [N, 28, 28] and labels [N].
std::pair<Tensor, Tensor> gather(const data::Dataset& d, const std::vector<int64_t>& order, int64_t begin,
                                 int64_t end) {
  const int64_t b = end - begin;
  Tensor images = Tensor::empty({b, 28, 28}), labels = Tensor::empty({b});
  const float* src = d.images.data();
  for (int64_t k = 0; k < b; ++k) {
    const int64_t row = order[static_cast<size_t>(begin + k)];
    std::copy(src + row * 784, src + (row + 1) * 784, images.data() + k * 784);
    labels.data()[k] = d.labels.data()[row];
  }
  return {images, labels};
}

int64_t limited(int64_t size, int64_t limit) { return limit > 0 ? std::min(size, limit) : size; }

std::string checkpoint_path(const TrainConfig& c) { return c.output_dir + "/checkpoint.safetensors"; }

// The settings a checkpoint must agree with to be resumed.
tasks::RunIdentity run_identity(const TrainConfig& c, int ranks) {
  return {{"ranks", std::to_string(ranks)},
          {"model", c.network.model},
          {"time_steps", std::to_string(c.network.time_steps)},
          {"input_scale", std::to_string(c.network.input_scale)},
          {"hidden", std::to_string(c.network.hidden)},
          {"batch_size", std::to_string(c.batch_size)},
          {"learning_rate", std::to_string(c.learning_rate)},
          {"lr_schedule", c.lr_schedule},
          {"seed", std::to_string(c.seed)},
          {"train_limit", std::to_string(c.train_limit)}};
}

std::string metrics_json(const std::vector<EpochMetrics>& epochs) {
  nlohmann::json j = nlohmann::json::array();
  for (const EpochMetrics& m : epochs) {
    nlohmann::json density = nlohmann::json::array();
    for (const auto& [layer, d] : m.input_density) density.push_back({layer, d});
    j.push_back({{"epoch", m.epoch},
                 {"train_loss", m.train_loss},
                 {"test_accuracy", m.test_accuracy},
                 {"seconds", m.seconds},
                 {"input_density", density}});
  }
  return j.dump();
}

// One column per layer's input spike density ("density_conv1", ...), from the last epoch's
// layers (every epoch of a run has the same; a run resumed from a checkpoint written before the
// densities existed leaves its old epochs' cells empty).
std::string metrics_csv(const std::vector<EpochMetrics>& epochs) {
  std::string out = "epoch,train_loss,test_accuracy,seconds";
  const std::vector<std::pair<std::string, double>> none;
  const auto& layers = epochs.empty() ? none : epochs.back().input_density;
  for (const auto& [layer, d] : layers) out += ",density_" + layer;
  out += "\n";
  char line[128];
  for (const EpochMetrics& m : epochs) {
    std::snprintf(line, sizeof(line), "%lld,%.6f,%.4f,%.1f", static_cast<long long>(m.epoch), m.train_loss,
                  m.test_accuracy, m.seconds);
    out += line;
    for (size_t k = 0; k < layers.size(); ++k) {
      if (k < m.input_density.size()) {
        std::snprintf(line, sizeof(line), ",%.5f", m.input_density[k].second);
        out += line;
      } else {
        out += ",";
      }
    }
    out += "\n";
  }
  return out;
}

std::vector<EpochMetrics> parse_metrics(const std::string& json) {
  std::vector<EpochMetrics> epochs;
  for (const auto& m : tasks::metrics_entries(json)) {
    EpochMetrics e{tasks::metric_int(m, "epoch"),
                   tasks::metric_number(m, "train_loss"),
                   tasks::metric_number(m, "test_accuracy"),
                   tasks::metric_number(m, "seconds"),
                   {}};
    // Optional (checkpoints before the densities lack it): [[layer, density], ...].
    if (m.contains("input_density")) {
      const nlohmann::json& all = m.at("input_density");
      NORSE_CHECK(all.is_array(), IoError, "checkpoint metadata 'metrics'", "field 'input_density' must be an array");
      for (const nlohmann::json& pair : all) {
        NORSE_CHECK(pair.is_array() && pair.size() == 2 && pair[0].is_string() && pair[1].is_number(), IoError,
                    "checkpoint metadata 'metrics'", "field 'input_density' must hold [layer, number] pairs");
        e.input_density.emplace_back(pair[0].get<std::string>(), pair[1].get<double>());
      }
    }
    epochs.push_back(e);
  }
  return epochs;
}

}  // namespace

double evaluate(Network& net, const data::Dataset& test_set, int64_t batch_size, int64_t limit, Device device,
                dist::Communicator* comm) {
  NoGradGuard no_grad;
  const int64_t n = limited(test_set.images.size(0), limit);
  const dist::Shard part = dist::shard(0, n, comm);
  std::vector<int64_t> order(static_cast<size_t>(n));
  for (int64_t k = 0; k < n; ++k) order[static_cast<size_t>(k)] = k;
  double correct = 0;
  for (int64_t begin = part.begin; begin < part.end; begin += batch_size) {
    const int64_t end = std::min(part.end, begin + batch_size);
    const auto [images, labels] = gather(test_set, order, begin, end);
    const Tensor predicted = max(net.forward(images.to(device)).value(), 1).indices;
    correct += sum(eq(predicted, labels.to(device))).item();
  }
  if (comm != nullptr) comm->allreduce_sum(&correct, 1, "mnist: test accuracy");
  return n > 0 ? correct / static_cast<double>(n) : 0.0;
}

TrainResult train(const TrainConfig& c, const data::Dataset& train_set, const data::Dataset& test_set,
                  const std::function<void(const Progress&)>& progress, dist::Communicator* comm) {
  const int ranks = comm != nullptr ? comm->size() : 1;
  const bool root = comm == nullptr || comm->rank() == 0;
  if (ranks == 1) comm = nullptr;
  NORSE_CHECK(c.epochs >= 1, InvalidArgument, "mnist", "--epochs must be >= 1, got ", c.epochs);
  NORSE_CHECK(c.batch_size >= 1, InvalidArgument, "mnist", "--batch_size must be >= 1, got ", c.batch_size);
  NORSE_CHECK(c.lr_schedule == "cosine" || c.lr_schedule == "constant", InvalidArgument, "mnist",
              "--lr_schedule must be cosine or constant, got ", c.lr_schedule);
  const Device device = device_from_name(c.device, "--device");
  const optim::CosineAnnealingLR cosine(c.learning_rate, c.epochs, c.learning_rate * 0.01f);
  Generator init(c.seed);
  std::unique_ptr<Network> net = make_network(c.network, init);  // initialised on the host: same weights on any device
  NORSE_CHECK(c.export_nir.empty() || net->sequential() != nullptr, InvalidArgument, "mnist",
              "--export_nir needs --model=conv_box or fc_box: --model=", c.network.model,
              " has layers NIR cannot hold (Norse's LIF with a synaptic current, max pooling, the LI read-out with "
              "its synaptic current)");
  net->to(device);
  optim::AdamOptions adam_options;
  adam_options.lr = c.learning_rate;
  optim::Adam adam(net->named_parameters(), adam_options);
  TrainResult result;
  int64_t start_epoch = 0;
  if (const auto saved = tasks::prepare_output_dir(c.output_dir, c.resume, "mnist --resume", net->named_parameters(),
                                                   adam, run_identity(c, ranks))) {
    result.epochs = parse_metrics(saved->metrics_json);
    start_epoch = saved->completed;
    result.resumed_from_epoch = start_epoch;
  }
  // Rank 0's parameters (equal anyway: same seed, same checkpoint) on every rank.
  std::unique_ptr<dist::DataParallel> parallel;
  if (comm != nullptr) {
    parallel = std::make_unique<dist::DataParallel>(*comm, net->named_parameters());
    result.allreduce_bytes_per_step = parallel->bytes_per_step();
  }
  const int64_t n = limited(train_set.images.size(0), c.train_limit);
  const AnomalyModeGuard anomaly(c.detect_anomaly);
  for (int64_t epoch = start_epoch; epoch < c.epochs; ++epoch) {
    const auto t0 = Clock::now();
    adam.set_lr(c.lr_schedule == "cosine" ? cosine.lr(epoch) : c.learning_rate);
    const std::vector<int64_t> order = epoch_order(n, c.seed, epoch);
    double loss_sum = 0.0;
    int64_t batches = 0;
    // Sums of each layer's input density x shard size, in Activity::layer_inputs' order.
    std::vector<std::pair<std::string, double>> density;
    for (const std::string& layer : net->spike_input_layers()) density.emplace_back(layer, 0.0);
    net->train(true);
    for (int64_t begin = 0; begin < n; begin += c.batch_size) {
      const int64_t end = std::min(n, begin + c.batch_size);
      // This rank's part of the global batch (all of it in one process).
      const dist::Shard part = dist::shard(begin, end, comm);
      adam.zero_grad();
      float l = 0.0f;
      if (part.count() == 0) {
        l = parallel->backward_without_data(end - begin);
      } else {
        const auto [images, labels] = gather(train_set, order, part.begin, part.end);
        Activity activity;
        const Variable loss = nll_loss(net->forward(images.to(device), &activity), labels);
        const auto batch_density = input_densities(activity);
        NORSE_CHECK(batch_density.size() == density.size(), InvalidArgument, "mnist", "the network recorded ",
                    batch_density.size(), " layer inputs, its spike_input_layers() names ", density.size());
        for (size_t k = 0; k < density.size(); ++k) {
          density[k].second += batch_density[k].second * static_cast<double>(part.count());
        }
        if (parallel) {
          l = parallel->backward(loss, part.count(), end - begin);
          result.communication_seconds += parallel->last_step().wait + parallel->last_step().unpack;
        } else {
          loss.backward();
          l = loss.item();
        }
        adam.check_finite(loss, str_cat("mnist: epoch ", epoch + 1, ", batch ", batches + 1, " (samples ", begin, "-",
                                        end - 1, " of the epoch's order)"));
      }
      adam.step();
      result.batch_losses.push_back(l);
      loss_sum += l;
      ++batches;
      if (progress) {
        const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
        Progress p;
        p.epoch = epoch + 1;
        p.epochs = c.epochs;
        p.samples_done = end;
        p.samples_total = n;
        p.samples_per_second = static_cast<double>(end) / std::max(elapsed, 1e-9);
        p.eta_seconds = static_cast<double>(n - end) / std::max(p.samples_per_second, 1e-9);
        p.running_loss = loss_sum / static_cast<double>(batches);
        progress(p);
      }
    }
    net->train(false);
    result.train_seconds += std::chrono::duration<double>(Clock::now() - t0).count();
    EpochMetrics m;
    m.epoch = epoch + 1;
    if (comm != nullptr && !density.empty()) {  // the epoch's sums over all ranks
      std::vector<double> sums;
      for (const auto& [layer, d] : density) sums.push_back(d);
      comm->allreduce_sum(sums.data(), static_cast<int64_t>(sums.size()), "mnist: spike densities");
      for (size_t k = 0; k < density.size(); ++k) density[k].second = sums[k];
    }
    for (auto& [layer, d] : density) d /= static_cast<double>(std::max<int64_t>(n, 1));
    m.input_density = density;
    m.train_loss = loss_sum / static_cast<double>(std::max<int64_t>(batches, 1));
    m.test_accuracy = evaluate(*net, test_set, c.batch_size, c.test_limit, device, comm);
    m.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    result.epochs.push_back(m);
    if (!c.output_dir.empty() && root) {
      tasks::CheckpointContents contents;
      contents.completed = m.epoch;
      contents.metrics_json = metrics_json(result.epochs);
      tasks::save_checkpoint(checkpoint_path(c), net->named_parameters(), adam, run_identity(c, ranks), contents);
      tasks::write_file_atomically(c.output_dir + "/metrics.csv", metrics_csv(result.epochs));
    }
    if (progress) {
      Progress p;
      p.epoch = m.epoch;
      p.epochs = c.epochs;
      p.samples_done = p.samples_total = n;
      p.running_loss = m.train_loss;
      p.test_accuracy = m.test_accuracy;
      p.input_density = m.input_density;
      p.epoch_finished = true;
      progress(p);
    }
  }
  if (!result.epochs.empty()) result.test_accuracy = result.epochs.back().test_accuracy;
  if (c.plots && !c.output_dir.empty() && root)
    result.plots = write_plots(*net, result, test_set, c.output_dir, device);
  if (!c.export_nir.empty() && root) {
    // Checked on the first 8 test digits: the graph's read-out voltages against the network's.
    NoGradGuard no_grad;
    std::vector<int64_t> first(static_cast<size_t>(std::min<int64_t>(8, test_set.images.size(0))));
    for (size_t k = 0; k < first.size(); ++k) first[k] = static_cast<int64_t>(k);
    const Tensor images = gather(test_set, first, 0, static_cast<int64_t>(first.size())).first.to(device);
    Activity activity;
    net->forward(images, &activity);
    const Tensor current = sequence_current(images, c.network, net->input_shape());
    result.nir_export =
        tasks::export_nir_checked(*net->sequential(), net->input_shape(), current, activity.readout_v, c.export_nir)
            .line();
  }
  return result;
}

}  // namespace mnist
}  // namespace norse
