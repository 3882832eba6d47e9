// Training and evaluation of the memory task (Norse's norse/task/memory.py settings by
// default): Adam, StepLR per epoch, fresh bits and spikes every epoch, a validation check every
// --eval_every epochs, per-epoch checkpoints (atomic) and --resume that reproduces an
// uninterrupted run exactly, and the final recall accuracy on freshly drawn test sequences:
// samples / 2 sequences like the training ones, and Norse's test set (as many sequences with
// twice the repetitions: the network must overwrite a stored bit it was never trained to).
#ifndef NORSE_TASKS_MEMORY_TRAIN_H_
#define NORSE_TASKS_MEMORY_TRAIN_H_

#include <functional>
#include <string>
#include <vector>

#include "distributed/communicator.h"
#include "tasks/memory_data.h"
#include "tasks/memory_model.h"

namespace norse {
namespace memory {

struct TrainConfig {
  StoreRecallOptions data;
  NetworkOptions network;
  LossOptions loss;
  int64_t samples = 512;  // training sequences (their store/recall positions are fixed)
  int64_t batch_size = 128;
  int64_t epochs = 300;
  float learning_rate = 0.01f;
  int64_t lr_step = 100;  // StepLR: multiply the rate by lr_gamma every lr_step epochs
  float lr_gamma = 0.3f;
  int64_t eval_every = 10;  // validation every N epochs (and after the last)
  uint64_t seed = 0;
  std::string output_dir;  // checkpoint.safetensors and metrics.csv; empty: none written
  bool resume = false;
  // Anomaly detection (AnomalyModeGuard) during training: the first op whose output or gradient
  // is not finite is named. Slow (every value is read): for debugging a NaN.
  bool detect_anomaly = false;
  std::string device = "cpu";  // "cpu" or "cuda" (a --config=cuda build): network, gradients, Adam
  // Pictures in output_dir after training (tasks/memory_plots.cc): accuracy curves, one test
  // episode's spikes and read-out voltages with the STORE and RECALL periods marked.
  bool plots = true;
  // After training, the network as a NIR graph at this path (--model=iaf_box), checked by
  // re-importing it and running it on test sequences.
  std::string export_nir;
};

struct EpochMetrics {
  int64_t epoch = 0;            // 1-based
  double train_loss = 0.0;      // mean total loss (task + regularisation) over the batches
  double train_accuracy = 0.0;  // recall accuracy on the training batches
  double spike_rate = 0.0;      // mean spikes per recurrent neuron and step (training batches)
  double val_accuracy = -1.0;   // -1: not evaluated this epoch
  double seconds = 0.0;
};

struct Progress {
  int64_t epoch = 0, epochs = 0;
  double seconds = 0.0;  // since training (this run) started
  double eta_seconds = 0.0;
  EpochMetrics metrics;
};

struct TrainResult {
  std::vector<EpochMetrics> epochs;  // every epoch so far, including resumed ones
  int64_t resumed_from_epoch = 0;
  double recall_accuracy = 0.0;  // on fresh test sequences drawn like the training ones
  int64_t test_recalls = 0;
  double recall_accuracy_long = 0.0;  // on Norse's test sequences: twice the repetitions
  int64_t test_long_recalls = 0;
  std::vector<std::string> plots;  // the files written (config.plots)
  std::string nir_export;          // the --export_nir report line
  // Data-parallel runs: what one step all-reduces, and the seconds this rank spent training
  // and, of those, waiting for the all-reduce after backward and copying the averages back.
  int64_t allreduce_bytes_per_step = 0;
  double train_seconds = 0.0, communication_seconds = 0.0;
};

// With `comm` of more than one rank (mpirun), trains data-parallel: each global batch is split
// over the ranks (dist::shard) and dist::DataParallel averages the gradients weighted by each
// shard's share of the sequences. The spike-rate regulariser is then computed per shard (a
// batch statistic, as BatchNorm's under PyTorch's DDP), so an N-rank run follows the one-process
// run closely but not to float tolerance. Evaluation is sharded; rank 0 alone writes.
TrainResult train(const TrainConfig& config, const std::function<void(const Progress&)>& progress = {},
                  dist::Communicator* comm = nullptr);

// Draws the plots of a trained network into `output_dir`; returns the files written.
std::vector<std::string> write_plots(MemoryNetwork& net, const TrainResult& result, const StoreRecallDataset& test_set,
                                     const std::string& output_dir, Device device);

struct Evaluation {
  double accuracy = 0.0, loss = 0.0;
  int64_t recalls = 0;
};
// With `comm` of several ranks each evaluates its contiguous part and the sums are combined.
Evaluation evaluate(MemoryNetwork& net, const StoreRecallDataset& data, const LossOptions& loss, int64_t batch_size,
                    int64_t epoch = 0, Device device = Device::kCPU, dist::Communicator* comm = nullptr);

}  // namespace memory
}  // namespace norse

#endif  // NORSE_TASKS_MEMORY_TRAIN_H_
