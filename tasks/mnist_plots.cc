// The MNIST task's pictures (TrainConfig::plots): what its users look at to see whether the
// network learned and whether a layer is silent or saturated.
#include <algorithm>
#include <cctype>

#include "plot/plot.h"
#include "tasks/mnist_train.h"

namespace norse {
namespace mnist {
namespace {

std::string slug(const std::string& name) {
  std::string out;
  for (char ch : name) out += std::isalnum(static_cast<unsigned char>(ch)) ? static_cast<char>(std::tolower(ch)) : '_';
  return out;
}

}  // namespace

std::vector<std::string> write_plots(Network& net, const TrainResult& result, const data::Dataset& test_set,
                                     const std::string& output_dir, Device device) {
  std::vector<std::string> files;
  const std::string dir = output_dir + "/";

  if (!result.epochs.empty()) {
    plot::Series loss, accuracy;
    loss.label = "training loss";
    accuracy.label = "test accuracy";
    for (const EpochMetrics& m : result.epochs) {
      loss.add(static_cast<double>(m.epoch), m.train_loss);
      accuracy.add(static_cast<double>(m.epoch), m.test_accuracy);
    }
    plot::LineOptions o;
    o.title = "MNIST: training loss and test accuracy";
    o.x_label = "epoch";
    o.markers = true;
    files.push_back(dir + "mnist_training.png");
    plot::line_plot(files.back(), {loss, accuracy}, o);
  }

  // One test digit through the trained network.
  NoGradGuard no_grad;
  net.train(false);
  Activity activity;
  const Tensor digit = test_set.images.slice(0, 0, 1).to(device);
  const int64_t label = static_cast<int64_t>(test_set.labels.to(Device::kCPU).data()[0]);
  const int64_t predicted = static_cast<int64_t>(max(net.forward(digit, &activity).value(), 1).indices.item());
  const std::string which =
      " (test digit 0: a " + std::to_string(label) + ", predicted " + std::to_string(predicted) + ")";

  std::vector<plot::RasterLayer> layers;
  for (const auto& [name, spikes] : activity.spikes) layers.push_back({name, spikes});
  plot::RasterOptions raster;
  raster.title = "spikes of every layer" + which;
  raster.x_label = "time step";
  raster.y_label = "neuron (layers stacked)";
  raster.max_neurons = 256;
  raster.height = 700;
  files.push_back(dir + "mnist_spikes.png");
  plot::spike_raster(files.back(), layers, raster);

  for (const auto& [name, spikes] : activity.spikes) {
    // Each neuron's firing rate: the fraction of time steps it spiked.
    const Tensor per_neuron = mean(spikes.to(Device::kCPU).select(1, 0), {0});
    plot::HistogramOptions h;
    h.title = name + ": firing rates" + which;
    h.x_label = "spikes per time step";
    h.y_label = "neurons";
    h.bins = 20;
    files.push_back(dir + "mnist_rates_" + slug(name) + ".png");
    plot::histogram(files.back(), per_neuron.contiguous().to_vector(), h);
  }

  plot::TraceOptions traces;
  traces.title = "read-out voltage per class" + which;
  traces.x_label = "time step";
  traces.y_label = "v";
  for (int64_t k = 0; k < activity.readout_v.size(2); ++k) {
    traces.neurons.push_back(k);
    traces.labels.push_back("class " + std::to_string(k));
  }
  files.push_back(dir + "mnist_readout.png");
  plot::state_traces(files.back(), activity.readout_v, traces);

  plot::Options kernels;
  kernels.title = "first layer's weights";
  kernels.width = kernels.height = 600;
  files.push_back(dir + "mnist_first_layer.png");
  plot::kernel_grid(files.back(), net.first_layer_kernels(), kernels);
  return files;
}

}  // namespace mnist
}  // namespace norse
