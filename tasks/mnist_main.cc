// The MNIST task, the project's main job:
//
//   bazel run -c opt //tasks:mnist                 # defaults: the Quick start's run
//   bazel run -c opt //tasks:mnist -- --help
//
// Trains Norse's spiking ConvNet (or --model=fc) on the bundled MNIST subset (or --data_dir),
// prints progress, per-epoch train loss and test accuracy, writes metrics.csv and a checkpoint
// per epoch to --output_dir, and ends with the line `test_accuracy=<value>`.
//
//   mpirun -np 2 bazel-bin/tasks/mnist [flags]     # data-parallel: the same flags, --batch_size
//                                                  # is the global batch; rank 0 prints and writes
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include <CLI/CLI.hpp>

#include "core/core.h"
#include "tasks/idx.h"
#include "tasks/mnist_train.h"
#include "tasks/ranks.h"
#include "tasks/run_util.h"

namespace {

// The bundled subset: in the runfiles under `bazel run`, else in the source tree.
std::string default_data_dir() {
  for (const std::string& dir :
       {std::string("tasks/data/mnist"),
        std::string(std::getenv("BUILD_WORKSPACE_DIRECTORY") ? std::getenv("BUILD_WORKSPACE_DIRECTORY") : ".") +
            "/tasks/data/mnist"}) {
    if (::access((dir + "/train-images-idx3-ubyte.gz").c_str(), R_OK) == 0) return dir;
  }
  return "tasks/data/mnist";
}

}  // namespace

int main(int argc, char** argv) {
  norse::mnist::TrainConfig config;
  std::string data_dir, output_dir = "mnist_output";
  int threads = 0;
  CLI::App app{"norse-cpp MNIST task: trains a spiking network on MNIST and reports its test accuracy."};
  app.set_version_flag("--version", norse::tasks::version_line());
  app.add_option("--model", config.network.model,
                 "network: conv (Norse's ConvNet4), fc, or conv_box / fc_box (NIR's neurons: --export_nir)")
      ->check(CLI::IsMember({"conv", "fc", "conv_box", "fc_box"}))
      ->capture_default_str();
  app.add_option("--epochs", config.epochs, "training epochs")->check(CLI::PositiveNumber)->capture_default_str();
  app.add_option("--batch_size", config.batch_size, "samples per batch")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--learning_rate", config.learning_rate, "Adam learning rate")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--lr_schedule", config.lr_schedule, "cosine (annealed over the epochs) or constant")
      ->check(CLI::IsMember({"cosine", "constant"}))
      ->capture_default_str();
  app.add_option("--time_steps", config.network.time_steps, "time steps of the spike encoding")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--input_scale", config.network.input_scale, "pixel-to-current factor of the encoder")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--hidden", config.network.hidden, "hidden neurons of --model=fc")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--seed", config.seed, "seed of initialisation and shuffling")->capture_default_str();
  app.add_option("--data_dir", data_dir, "folder with the MNIST IDX files (default: the bundled 8000/2000 subset)");
  app.add_option("--output_dir", output_dir, "where checkpoint.safetensors and metrics.csv go")->capture_default_str();
  app.add_option("--threads", threads, "CPU threads per rank (0: the cores, divided among the ranks on this machine)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--device", config.device, "cpu, or cuda (a --config=cuda build on a machine with a GPU)")
      ->check(CLI::IsMember({"cpu", "cuda"}))
      ->capture_default_str();
  app.add_option("--export_nir", config.export_nir,
                 "after training, write the network as a NIR graph here (--model=conv_box or fc_box)")
      ->transform([](const std::string& p) { return norse::tasks::user_path(p); });
  app.add_flag("--resume", config.resume, "continue from the checkpoint in --output_dir");
  app.add_flag("--plots,!--no_plots", config.plots,
               "draw training curves, each layer's spikes and rates for one test digit, the read-out and the first "
               "layer's weights into --output_dir (default on)");
  app.add_flag("--detect_anomaly", config.detect_anomaly,
               "name the first op whose output or gradient is NaN/inf (slow; training always stops at a "
               "non-finite loss or gradient)");
  app.add_option("--train_limit", config.train_limit, "use only the first N training digits (0: all)")
      ->capture_default_str();
  app.add_option("--test_limit", config.test_limit, "evaluate on the first N test digits (0: all)")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  const std::unique_ptr<norse::tasks::Ranks> ranks =
      norse::tasks::make_ranks("mnist", config.device == "cuda", threads);
  if (!ranks) return 1;
  return ranks->run("mnist", [&]() -> int {
    const bool root = ranks->root();
    config.output_dir = norse::tasks::user_path(output_dir);
    const std::string dir = data_dir.empty() ? default_data_dir() : norse::tasks::user_path(data_dir);
    const norse::data::Dataset train_set = norse::data::load_mnist(dir, "train");
    const norse::data::Dataset test_set = norse::data::load_mnist(dir, "t10k");
    if (!root) {  // only rank 0 prints; the others train and evaluate their shards
      norse::mnist::train(config, train_set, test_set, {}, ranks->communicator());
      return 0;
    }
    std::printf(
        "MNIST from %s: %lld train, %lld test digits; model=%s time_steps=%lld batch_size=%lld lr=%g seed=%llu "
        "threads=%d device=%s ranks=%d\n",
        dir.c_str(), static_cast<long long>(train_set.images.size(0)), static_cast<long long>(test_set.images.size(0)),
        config.network.model.c_str(), static_cast<long long>(config.network.time_steps),
        static_cast<long long>(config.batch_size), config.learning_rate, static_cast<unsigned long long>(config.seed),
        norse::num_threads(), config.device.c_str(), ranks->size());
    const bool tty = ::isatty(STDOUT_FILENO) != 0;
    int64_t last_decile = -1;
    auto progress = [&](const norse::mnist::Progress& p) {
      if (p.epoch_finished) {
        std::printf("%sepoch %lld/%lld done: train_loss=%.4f test_accuracy=%.4f\n", tty ? "\n" : "",
                    static_cast<long long>(p.epoch), static_cast<long long>(p.epochs), p.running_loss, p.test_accuracy);
        if (!p.input_density.empty()) {
          std::printf("  input spike density (non-zero fraction):");
          for (const auto& [layer, d] : p.input_density) std::printf(" %s %.4f", layer.c_str(), d);
          std::printf("\n");
        }
        std::fflush(stdout);
        last_decile = -1;
        return;
      }
      const double fraction = static_cast<double>(p.samples_done) / static_cast<double>(p.samples_total);
      if (tty) {
        const int width = 30, filled = static_cast<int>(fraction * width);
        std::printf("\repoch %lld/%lld [%s%s] %3.0f%% %lld/%lld %.0f samples/s ETA %s loss %.4f ",
                    static_cast<long long>(p.epoch), static_cast<long long>(p.epochs), std::string(filled, '#').c_str(),
                    std::string(width - filled, '.').c_str(), 100.0 * fraction, static_cast<long long>(p.samples_done),
                    static_cast<long long>(p.samples_total), p.samples_per_second,
                    norse::tasks::format_duration(p.eta_seconds).c_str(), p.running_loss);
        std::fflush(stdout);
      } else {
        const int64_t decile = static_cast<int64_t>(fraction * 10);
        if (decile != last_decile) {
          last_decile = decile;
          std::printf("epoch %lld/%lld %3.0f%% %lld/%lld %.0f samples/s ETA %s loss %.4f\n",
                      static_cast<long long>(p.epoch), static_cast<long long>(p.epochs), 100.0 * fraction,
                      static_cast<long long>(p.samples_done), static_cast<long long>(p.samples_total),
                      p.samples_per_second, norse::tasks::format_duration(p.eta_seconds).c_str(), p.running_loss);
          std::fflush(stdout);
        }
      }
    };
    const norse::mnist::TrainResult result =
        norse::mnist::train(config, train_set, test_set, progress, ranks->communicator());
    if (tty) std::printf("\n");
    if (result.resumed_from_epoch > 0) {
      std::printf("resumed from %s after epoch %lld\n", (config.output_dir + "/checkpoint.safetensors").c_str(),
                  static_cast<long long>(result.resumed_from_epoch));
    }
    for (const auto& m : result.epochs) {
      std::printf("epoch %lld: train_loss=%.4f test_accuracy=%.4f (%.0f s)\n", static_cast<long long>(m.epoch),
                  m.train_loss, m.test_accuracy, m.seconds);
    }
    std::printf("metrics: %s/metrics.csv, checkpoint: %s/checkpoint.safetensors\n", config.output_dir.c_str(),
                config.output_dir.c_str());
    if (ranks->size() > 1) {
      std::printf("%s\n", norse::tasks::data_parallel_line(ranks->size(), result.allreduce_bytes_per_step,
                                                           result.communication_seconds, result.train_seconds)
                              .c_str());
    }
    for (const std::string& f : result.plots) std::printf("plot: %s\n", f.c_str());
    if (!result.nir_export.empty()) std::printf("%s\n", result.nir_export.c_str());
    std::printf("test_accuracy=%.4f\n", result.test_accuracy);
    return 0;
  });
}
