// Pictures of what a network does: spike rasters, state traces, heat maps, histograms and line
// plots, with axes, tick labels, titles and legends, drawn with Cairo (libcairo2-dev) to PNG or
// SVG (chosen by the file's extension, ".png" or ".svg").
//
//   plot::spike_raster("hidden.png", z);                       // z [T, N] or [T, B, N]
//   plot::TraceOptions o;  o.neurons = {0, 3};  o.threshold = 1.0;
//   plot::state_traces("v.png", v, o);                         // v [T, N] or [T, B, N]
//   plot::line_plot("loss.png", {{"train", epochs, losses}}, {});
//
// Every function returns the Frame it drew: where the plot area lies in pixels and the data
// range it shows (tests use it to find the data in the picture). Tensors may live on any
// device (they are copied to the host). Bad input (wrong rank, an empty series, an unknown
// extension, a file that cannot be written) throws naming the argument; nothing is drawn then.
#ifndef NORSE_PLOT_PLOT_H_
#define NORSE_PLOT_PLOT_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/tensor.h"

namespace norse {
namespace plot {

struct Options {
  int width = 800, height = 500;  // pixels (SVG: points)
  std::string title, x_label, y_label;
};

// The plot area [left, right] x [top, bottom] in pixels, showing [x_min, x_max] x [y_min, y_max].
struct Frame {
  double left = 0, top = 0, right = 0, bottom = 0;
  double x_min = 0, x_max = 1, y_min = 0, y_max = 1;
  bool y_down = false;  // rasters and heat maps: y grows downwards (row 0 at the top)
  double px(double x) const { return left + (x - x_min) / (x_max - x_min) * (right - left); }
  double py(double y) const {
    const double f = (y - y_min) / (y_max - y_min);
    return y_down ? top + f * (bottom - top) : bottom - f * (bottom - top);
  }
};

// A horizontal reference line (a threshold, a goal) and a shaded x-interval (a task period).
struct HLine {
  double y;
  std::string label;
};
struct Span {
  double x0, x1;
  std::string label;
};

struct Series {
  std::string label;  // shown in the legend when not empty
  std::vector<double> x, y;
  void add(double xv, double yv) {
    x.push_back(xv);
    y.push_back(yv);
  }
};

struct LineOptions : Options {
  std::vector<HLine> hlines;
  std::vector<Span> spans;
  bool markers = false;  // a dot at every point (short series such as per-epoch metrics)
};
Frame line_plot(const std::string& path, const std::vector<Series>& series, const LineOptions& options = {});

// Spikes of one or more layers stacked vertically (time on x, neuron on y, layer 0 at the top):
// one mark per non-zero entry. Each tensor is [T, N] or [T, B, N] (then sample `batch`); the
// layers share T. Extra dimensions are flattened into N ([T, B, C, H, W] -> N = C*H*W).
struct RasterLayer {
  std::string name;
  Tensor spikes;
};
struct RasterOptions : Options {
  int64_t batch = 0;
  // > 0: at most this many rows per layer (every k-th neuron, k = ceil(N / max_neurons); the
  // layer's label says so): a layer of 18,000 neurons stays readable.
  int64_t max_neurons = 0;
  std::vector<Span> spans;
};
Frame spike_raster(const std::string& path, const std::vector<RasterLayer>& layers, const RasterOptions& options = {});
Frame spike_raster(const std::string& path, const Tensor& spikes, const RasterOptions& options = {});

// Traces of chosen neurons of a state tensor [T, N] or [T, B, N] over time, the threshold (when
// given) drawn as a dashed line.
struct TraceOptions : Options {
  std::vector<int64_t> neurons;     // indices into N; empty: the first min(N, 5)
  std::vector<std::string> labels;  // the legend's names, one per neuron; empty: "neuron <index>"
  int64_t batch = 0;
  std::optional<double> threshold;
  std::vector<Span> spans;
};
Frame state_traces(const std::string& path, const Tensor& states, const TraceOptions& options = {});

// A 2-D tensor [rows, cols] as coloured cells (row 0 at the top), with a colour bar. The axes
// count cells unless x_range / y_range give what the columns / rows span (e.g. time in ms).
struct HeatmapOptions : Options {
  std::optional<std::pair<double, double>> x_range, y_range;
};
Frame heatmap(const std::string& path, const Tensor& matrix, const HeatmapOptions& options = {});
// Convolution kernels [C_out, C_in, kh, kw]: one tile per (out, in) pair in a grid, one shared
// colour scale, with a colour bar.
Frame kernel_grid(const std::string& path, const Tensor& kernels, const Options& options = {});

// Histogram of the values in `bins` equal bins between their minimum and maximum.
struct HistogramOptions : Options {
  int bins = 30;
};
Frame histogram(const std::string& path, const std::vector<float>& values, const HistogramOptions& options = {});

}  // namespace plot
}  // namespace norse

#endif  // NORSE_PLOT_PLOT_H_
