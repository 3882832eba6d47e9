// The memory task's pictures (TrainConfig::plots): did it learn, and what does the network do
// between a STORE and its RECALL.
#include "plot/plot.h"
#include "tasks/memory_train.h"

namespace norse {
namespace memory {

std::vector<std::string> write_plots(MemoryNetwork& net, const TrainResult& result, const StoreRecallDataset& test_set,
                                     const std::string& output_dir, Device device) {
  std::vector<std::string> files;
  const std::string dir = output_dir + "/";
  if (!result.epochs.empty()) {
    plot::Series train, val;
    train.label = "training batches";
    val.label = "validation";
    for (const EpochMetrics& m : result.epochs) {
      train.add(static_cast<double>(m.epoch), m.train_accuracy);
      if (m.val_accuracy >= 0) {
        val.add(static_cast<double>(m.epoch), m.val_accuracy);
      }
    }
    std::vector<plot::Series> series = {train};
    if (!val.x.empty()) series.push_back(val);
    plot::LineOptions o;
    o.title = "memory task: recall accuracy";
    o.x_label = "epoch";
    o.y_label = "accuracy";
    o.hlines = {{0.5, "chance"}};
    files.push_back(dir + "memory_accuracy.png");
    plot::line_plot(files.back(), series, o);
  }

  // Test episode 0: its input and hidden spikes, the read-out, the STORE and RECALL periods.
  NoGradGuard no_grad;
  net.train(false);
  const StoreRecallBatch batch = test_set.batch(0, 1, 0);
  const NetworkOutput out = net.forward(batch.input.to(device));
  const StoreRecallOptions& d = test_set.options();
  std::vector<plot::Span> spans;
  for (int64_t r = 0; r < d.seq_repetitions; ++r) {
    const double base = static_cast<double>(r * d.seq_periods);
    const double store = base + test_set.store_period(0, r), recall = base + test_set.recall_period(0, r);
    spans.push_back({store * d.seq_length, (store + 1) * d.seq_length, "STORE"});
    spans.push_back({recall * d.seq_length, (recall + 1) * d.seq_length, "RECALL"});
  }
  const Tensor labels = batch.labels.to(Device::kCPU);
  const int64_t recall0 = test_set.recall_period(0, 0);
  const int bit = labels.at({recall0, 0, 1}) > 0.5f ? 1 : 0;
  const std::string which = " (test episode 0, stored bit " + std::to_string(bit) + ")";

  plot::RasterOptions raster;
  raster.title = "input and recurrent spikes" + which;
  raster.x_label = "time step";
  raster.y_label = "neuron";
  raster.spans = spans;
  raster.height = 600;
  files.push_back(dir + "memory_spikes.png");
  plot::spike_raster(files.back(), {{"input", batch.input}, {"recurrent", out.spikes.value()}}, raster);

  plot::TraceOptions traces;
  traces.title = "read-out voltages" + which;
  traces.x_label = "time step";
  traces.y_label = "v";
  traces.neurons = {0, 1};
  traces.labels = {"bit 0", "bit 1"};
  traces.spans = spans;
  files.push_back(dir + "memory_readout.png");
  plot::state_traces(files.back(), out.readout.value(), traces);
  return files;
}

}  // namespace memory
}  // namespace norse
