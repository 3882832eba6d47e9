// Training and evaluation of the MNIST task's networks: Adam (PyTorch's rule), per-epoch
// shuffling from the seed, per-epoch checkpoints (safetensors, atomic) and resumption that
// reproduces an uninterrupted run exactly.
#ifndef NORSE_TASKS_MNIST_TRAIN_H_
#define NORSE_TASKS_MNIST_TRAIN_H_

#include <functional>
#include <string>
#include <vector>

#include "distributed/communicator.h"
#include "tasks/idx.h"
#include "tasks/mnist_model.h"

namespace norse {
namespace mnist {

struct TrainConfig {
  NetworkOptions network;
  int64_t epochs = 10;
  int64_t batch_size = 32;
  float learning_rate = 2e-3f;
  // "cosine": CosineAnnealingLR over --epochs (per epoch, down to 1% of the rate; a resumed
  // run with the same --epochs follows the same schedule); "constant": Norse's fixed rate.
  std::string lr_schedule = "cosine";
  uint64_t seed = 1234;
  std::string output_dir;   // checkpoint.safetensors and metrics.csv; empty: none written
  bool resume = false;      // continue from output_dir/checkpoint.safetensors if present
  int64_t train_limit = 0;  // use only the first N training digits (0: all)
  int64_t test_limit = 0;   // evaluate on the first N test digits (0: all)
  // "cpu" or "cuda": where the network, its gradients and Adam's state live. The cuda path needs
  // a --config=cuda build and uses only the CUDA kernels (core/cuda_tensor_ops.h, the fused
  // LIF / LI / encoder loops, Adam).
  // Anomaly detection (AnomalyModeGuard) during training: the first op whose output or gradient
  // is not finite is named. Slow (every value is read): for debugging a NaN.
  bool detect_anomaly = false;
  std::string device = "cpu";
  // Pictures in output_dir after training (tasks/mnist_plots.cc): training curves, every
  // layer's spikes and rates for one test digit, the read-out voltages, the first layer's
  // weights.
  bool plots = true;
  // After training, the network as a NIR graph at this path (--model=conv_box / fc_box), checked
  // by re-importing it and running it on test digits.
  std::string export_nir;
};

struct EpochMetrics {
  int64_t epoch = 0;  // 1-based
  double train_loss = 0.0;
  double test_accuracy = 0.0;
  double seconds = 0.0;
  // Per weight layer that reads spikes, the fraction of non-zero entries of its input over the
  // epoch's training batches (Activity::layer_inputs): how much an event-driven layer would do,
  // and a silent (near 0) or saturated (near 1) layer at a glance.
  std::vector<std::pair<std::string, double>> input_density;
};

struct Progress {
  int64_t epoch = 0, epochs = 0;
  int64_t samples_done = 0, samples_total = 0;
  double samples_per_second = 0.0;
  double eta_seconds = 0.0;
  double running_loss = 0.0;
  bool epoch_finished = false;                                // then running_loss is the epoch's mean loss,
  double test_accuracy = 0.0;                                 // test_accuracy its evaluation and
  std::vector<std::pair<std::string, double>> input_density;  // its spike densities
};

struct TrainResult {
  std::vector<EpochMetrics> epochs;  // every epoch so far, including resumed ones
  std::vector<float> batch_losses;   // the batches trained in this run
  double test_accuracy = 0.0;        // after the last epoch
  int64_t resumed_from_epoch = 0;    // 0: started fresh
  std::vector<std::string> plots;    // the files written (config.plots)
  std::string nir_export;            // the --export_nir report line
  // Data-parallel runs: what one step all-reduces, and the seconds this rank spent training
  // and, of those, waiting for the all-reduce after backward and copying the averages back.
  int64_t allreduce_bytes_per_step = 0;
  double train_seconds = 0.0, communication_seconds = 0.0;
};

// With `comm` of more than one rank (mpirun), trains data-parallel: each global batch of
// --batch_size digits is split over the ranks (dist::shard), gradients are averaged by
// dist::DataParallel, the test set is evaluated in shards; every rank returns the same result.
// Only rank 0 writes the checkpoint, metrics, plots and NIR export (--resume: every rank reads
// the checkpoint; it records the rank count and must be resumed with the same).
TrainResult train(const TrainConfig& config, const data::Dataset& train_set, const data::Dataset& test_set,
                  const std::function<void(const Progress&)>& progress = {}, dist::Communicator* comm = nullptr);

// Draws the plots of a trained network into `output_dir`; returns the files written.
std::vector<std::string> write_plots(Network& net, const TrainResult& result, const data::Dataset& test_set,
                                     const std::string& output_dir, Device device);

// Fraction of correctly classified digits (argmax of the log-probabilities).
// With `comm` of several ranks each evaluates its contiguous part and the counts are summed.
double evaluate(Network& net, const data::Dataset& test_set, int64_t batch_size, int64_t limit = 0,
                Device device = Device::kCPU, dist::Communicator* comm = nullptr);

}  // namespace mnist
}  // namespace norse

#endif  // NORSE_TASKS_MNIST_TRAIN_H_
