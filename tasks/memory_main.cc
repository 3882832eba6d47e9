// The memory task: store a bit, hold it through distractors, recall it on command.
//
//   bazel run -c opt //tasks:memory                   # LSNN network (defaults: see README)
//   bazel run -c opt //tasks:memory -- --model=lif    # the same with LIF neurons only
//   bazel run -c opt //tasks:memory -- --help
//
// Trains Norse's memory network (tasks/memory_model.h) on the store/recall dataset
// (tasks/memory_data.h), prints per-epoch loss and accuracy, writes metrics.csv and a
// checkpoint per epoch to --output_dir, and ends with the line `recall_accuracy=<value>`:
// the fraction of recall periods answered right on freshly drawn test sequences.
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>

#include "core/core.h"
#include "tasks/memory_train.h"
#include "tasks/ranks.h"
#include "tasks/run_util.h"

int main(int argc, char** argv) {
  norse::memory::TrainConfig c;
  std::string output_dir = "memory_output";
  int threads = 0;
  CLI::App app{"norse-cpp memory task: trains a recurrent spiking network to store and recall a bit."};
  app.set_version_flag("--version", norse::tasks::version_line());
  app.add_option("--model", c.network.neuron_model,
                 "recurrent neurons: lsnn, lif, lsnnlif (half each) or iaf_box (NIR's neurons: --export_nir)")
      ->check(CLI::IsMember({"lsnn", "lif", "lsnnlif", "iaf_box"}))
      ->capture_default_str();
  app.add_option("--hidden", c.network.hidden, "recurrent neurons (0: the input width, as Norse's task)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--v_th", c.network.v_th, "spike threshold")->capture_default_str();
  app.add_option("--tau_adapt", c.network.tau_adapt, "LSNN adaptation time constant (s)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--beta", c.network.beta, "LSNN threshold jump per spike")->capture_default_str();
  app.add_option("--epochs", c.epochs, "training epochs")->check(CLI::PositiveNumber)->capture_default_str();
  app.add_option("--samples", c.samples, "training sequences per epoch")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--batch_size", c.batch_size, "sequences per batch")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--learning_rate", c.learning_rate, "Adam learning rate")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--lr_step", c.lr_step, "StepLR: epochs between rate decays")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--lr_gamma", c.lr_gamma, "StepLR: decay factor")->check(CLI::PositiveNumber)->capture_default_str();
  app.add_option("--seq_length", c.data.seq_length, "time steps per period")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--seq_periods", c.data.seq_periods, "periods per store/recall episode (even)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--seq_repetitions", c.data.seq_repetitions, "episodes per training sequence (test: twice)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--population_size", c.data.population_size, "Poisson neurons per input channel")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--poisson_rate", c.data.poisson_rate, "Hz of an active data channel (commands: half)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--loss", c.loss.loss, "norse (Norse's BCE-with-logits on probabilities) or ce (cross-entropy)")
      ->check(CLI::IsMember({"norse", "ce"}))
      ->capture_default_str();
  app.add_option("--regularization_factor", c.loss.regularization_factor, "weight of the spike-rate penalty")
      ->capture_default_str();
  app.add_option("--regularization_target", c.loss.regularization_target,
                 "spike-rate target (divided by seq_length * seq_repetitions, as Norse)")
      ->capture_default_str();
  app.add_option("--eval_every", c.eval_every, "epochs between validation checks")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--seed", c.seed, "seed of initialisation and data")->capture_default_str();
  app.add_option("--output_dir", output_dir, "where checkpoint.safetensors and metrics.csv go")->capture_default_str();
  app.add_option("--threads", threads, "CPU threads per rank (0: the cores, divided among the ranks on this machine)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--device", c.device, "cpu, or cuda (a --config=cuda build on a machine with a GPU)")
      ->check(CLI::IsMember({"cpu", "cuda"}))
      ->capture_default_str();
  app.add_option("--export_nir", c.export_nir,
                 "after training, write the network as a NIR graph here (--model=iaf_box)")
      ->transform([](const std::string& p) { return norse::tasks::user_path(p); });
  app.add_flag("--resume", c.resume, "continue from the checkpoint in --output_dir");
  app.add_flag("--plots,!--no_plots", c.plots,
               "draw accuracy curves and one test episode's spikes and read-out with STORE/RECALL marked into "
               "--output_dir (default on)");
  app.add_flag("--detect_anomaly", c.detect_anomaly,
               "name the first op whose output or gradient is NaN/inf (slow; training always stops at a "
               "non-finite loss or gradient)");
  CLI11_PARSE(app, argc, argv);

  const std::unique_ptr<norse::tasks::Ranks> ranks = norse::tasks::make_ranks("memory", c.device == "cuda", threads);
  if (!ranks) return 1;
  return ranks->run("memory", [&]() -> int {
    c.output_dir = norse::tasks::user_path(output_dir);
    if (!ranks->root()) {  // only rank 0 prints; the others train and evaluate their shards
      norse::memory::train(c, {}, ranks->communicator());
      return 0;
    }
    std::printf(
        "memory task: model=%s hidden=%lld samples=%lld batch_size=%lld epochs=%lld lr=%g "
        "seq_length=%lld seq_periods=%lld seq_repetitions=%lld (T=%lld steps) loss=%s seed=%llu threads=%d device=%s "
        "ranks=%d\n",
        c.network.neuron_model.c_str(),
        static_cast<long long>(c.network.hidden > 0 ? c.network.hidden : c.data.input_features()),
        static_cast<long long>(c.samples), static_cast<long long>(c.batch_size), static_cast<long long>(c.epochs),
        c.learning_rate, static_cast<long long>(c.data.seq_length), static_cast<long long>(c.data.seq_periods),
        static_cast<long long>(c.data.seq_repetitions), static_cast<long long>(c.data.time_steps()),
        c.loss.loss.c_str(), static_cast<unsigned long long>(c.seed), norse::num_threads(), c.device.c_str(),
        ranks->size());
    std::fflush(stdout);
    auto progress = [&](const norse::memory::Progress& p) {
      const auto& m = p.metrics;
      std::printf("epoch %lld/%lld loss %.4f train_accuracy %.3f spike_rate %.4f", static_cast<long long>(p.epoch),
                  static_cast<long long>(p.epochs), m.train_loss, m.train_accuracy, m.spike_rate);
      if (m.val_accuracy >= 0) std::printf(" val_accuracy %.3f", m.val_accuracy);
      std::printf(" (%.1f s/epoch, %s elapsed, ETA %s)\n", m.seconds, norse::tasks::format_duration(p.seconds).c_str(),
                  norse::tasks::format_duration(p.eta_seconds).c_str());
      std::fflush(stdout);
    };
    const norse::memory::TrainResult r = norse::memory::train(c, progress, ranks->communicator());
    if (r.resumed_from_epoch > 0) {
      std::printf("resumed from %s/checkpoint.safetensors after epoch %lld\n", c.output_dir.c_str(),
                  static_cast<long long>(r.resumed_from_epoch));
    }
    std::printf("metrics: %s/metrics.csv, checkpoint: %s/checkpoint.safetensors\n", c.output_dir.c_str(),
                c.output_dir.c_str());
    std::printf("Norse's test (fresh sequences, %lld repetitions, %lld recalls): recall_accuracy_2x=%.4f\n",
                static_cast<long long>(2 * c.data.seq_repetitions), static_cast<long long>(r.test_long_recalls),
                r.recall_accuracy_long);
    std::printf("test: %lld recall periods on fresh sequences with %lld repetition(s), as trained\n",
                static_cast<long long>(r.test_recalls), static_cast<long long>(c.data.seq_repetitions));
    if (ranks->size() > 1) {
      std::printf("%s\n", norse::tasks::data_parallel_line(ranks->size(), r.allreduce_bytes_per_step,
                                                           r.communication_seconds, r.train_seconds)
                              .c_str());
    }
    for (const std::string& f : r.plots) std::printf("plot: %s\n", f.c_str());
    if (!r.nir_export.empty()) std::printf("%s\n", r.nir_export.c_str());
    std::printf("recall_accuracy=%.4f\n", r.recall_accuracy);
    return 0;
  });
}
