#include "plot/plot.h"

#include <cairo/cairo-svg.h>
#include <cairo/cairo.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>

#include "core/error.h"
#include "core/shape.h"

#ifdef NORSE_LSAN_SUPPRESSIONS
// --config=asan only: fontconfig (Cairo's text) keeps its configuration and font caches for the
// whole process and frees them only in FcFini(), which nothing may call while Cairo holds fonts.
// LeakSanitizer would report them in every program that draws; they are not this project's.
extern "C" const char* __lsan_default_suppressions() { return "leak:libfontconfig.so\n"; }
#endif

namespace norse {
namespace plot {
namespace {

struct Rgb {
  double r, g, b;
};

// Matplotlib's tab10: distinguishable lines and layers.
const Rgb kPalette[] = {{0.122, 0.467, 0.706}, {1.000, 0.498, 0.055}, {0.173, 0.627, 0.173}, {0.839, 0.153, 0.157},
                        {0.580, 0.404, 0.741}, {0.549, 0.337, 0.294}, {0.890, 0.467, 0.761}, {0.498, 0.498, 0.498},
                        {0.737, 0.741, 0.133}, {0.090, 0.745, 0.812}};
Rgb palette(size_t k) { return kPalette[k % (sizeof(kPalette) / sizeof(kPalette[0]))]; }

// Viridis, sampled at 9 points and interpolated: perceptually ordered, readable in grey.
Rgb viridis(double f) {
  static const Rgb kStops[] = {{0.267, 0.005, 0.329}, {0.279, 0.175, 0.483}, {0.230, 0.322, 0.546},
                               {0.173, 0.449, 0.558}, {0.128, 0.567, 0.551}, {0.153, 0.682, 0.502},
                               {0.361, 0.786, 0.388}, {0.667, 0.862, 0.196}, {0.993, 0.906, 0.144}};
  f = std::min(1.0, std::max(0.0, std::isfinite(f) ? f : 0.0)) * 8.0;
  const int k = std::min(7, static_cast<int>(f));
  const double w = f - k;
  return {kStops[k].r + w * (kStops[k + 1].r - kStops[k].r), kStops[k].g + w * (kStops[k + 1].g - kStops[k].g),
          kStops[k].b + w * (kStops[k + 1].b - kStops[k].b)};
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Ticks at 1, 2 or 5 times a power of ten, about `target` of them across [lo, hi].
std::vector<double> nice_ticks(double lo, double hi, int target) {
  const double raw = (hi - lo) / std::max(1, target);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * mag;
    if (step >= raw) break;
  }
  std::vector<double> ticks;
  for (double t = std::ceil(lo / step - 1e-9) * step; t <= hi + 1e-9 * step; t += step) {
    ticks.push_back(std::fabs(t) < 1e-12 * step ? 0.0 : t);
  }
  return ticks;
}

std::string tick_label(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%g", v);
  return buf;
}

// A data range that can be drawn: finite, not empty (a constant gets +-0.5 or +-5%).
void widen(double& lo, double& hi) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) lo = 0.0, hi = 1.0;
  if (hi - lo <= 1e-12 * std::max(1.0, std::fabs(hi))) {
    const double pad = lo == 0.0 ? 0.5 : 0.05 * std::fabs(lo);
    lo -= pad;
    hi += pad;
  }
}

// A Cairo surface for `path` (.png: an image, .svg: vector), the frame's axes and texts, and
// the checked write at the end.
class Canvas {
 public:
  Canvas(const char* op, const std::string& path, const Options& o) : op_(op), path_(path), o_(o) {
    NORSE_CHECK(o.width >= 100 && o.height >= 80 && o.width <= 20000 && o.height <= 20000, InvalidArgument, op,
                "options width x height must be between 100 x 80 and 20000 x 20000, got ", o.width, " x ", o.height);
    if (ends_with(path, ".png")) {
      surface_ = cairo_image_surface_create(CAIRO_FORMAT_RGB24, o.width, o.height);
    } else if (ends_with(path, ".svg")) {
      surface_ = cairo_svg_surface_create(path.c_str(), o.width, o.height);
    } else {
      throw InvalidArgument(str_cat(op, ": argument 'path' must end in .png or .svg, got '", path, "'"));
    }
    const cairo_status_t status = cairo_surface_status(surface_);
    if (status != CAIRO_STATUS_SUCCESS) {
      cairo_surface_destroy(surface_);
      throw IoError(str_cat(op, ": cannot create '", path, "': ", cairo_status_to_string(status)));
    }
    cr_ = cairo_create(surface_);
    cairo_set_source_rgb(cr_, 1, 1, 1);
    cairo_paint(cr_);
    cairo_select_font_face(cr_, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  }
  ~Canvas() {
    if (cr_) cairo_destroy(cr_);
    if (surface_) cairo_surface_destroy(surface_);
  }
  Canvas(const Canvas&) = delete;
  Canvas& operator=(const Canvas&) = delete;

  cairo_t* cr() { return cr_; }

  // The plot area inside margins (`right_extra` for a colour bar or legend), its data range.
  Frame frame(double x_min, double x_max, double y_min, double y_max, bool y_down = false, double right_extra = 0) {
    widen(x_min, x_max);
    widen(y_min, y_max);
    Frame f;
    f.left = 72;
    f.right = o_.width - 20 - right_extra;
    f.top = o_.title.empty() ? 20 : 40;
    f.bottom = o_.height - 52;
    f.x_min = x_min, f.x_max = x_max, f.y_min = y_min, f.y_max = y_max, f.y_down = y_down;
    return f;
  }

  // Axes box, ticks with labels, axis labels and the title (drawn after the data, on top).
  void axes(const Frame& f, bool x_ticks = true, bool y_ticks = true) {
    cairo_set_source_rgb(cr_, 0, 0, 0);
    cairo_set_line_width(cr_, 1.0);
    cairo_rectangle(cr_, f.left, f.top, f.right - f.left, f.bottom - f.top);
    cairo_stroke(cr_);
    cairo_set_font_size(cr_, 12);
    if (x_ticks) {
      for (double t : nice_ticks(f.x_min, f.x_max, std::max(2, static_cast<int>((f.right - f.left) / 90)))) {
        const double x = f.px(t);
        line(x, f.bottom, x, f.bottom + 5);
        text(tick_label(t), x, f.bottom + 8, 0.5, 0.0);
      }
    }
    if (y_ticks) {
      for (double t : nice_ticks(f.y_min, f.y_max, std::max(2, static_cast<int>((f.bottom - f.top) / 60)))) {
        const double y = f.py(t);
        line(f.left - 5, y, f.left, y);
        text(tick_label(t), f.left - 8, y, 1.0, 0.5);
      }
    }
    cairo_set_font_size(cr_, 13);
    if (!o_.x_label.empty()) text(o_.x_label, (f.left + f.right) / 2, o_.height - 22, 0.5, 0.0);
    if (!o_.y_label.empty()) {
      cairo_save(cr_);
      cairo_translate(cr_, 16, (f.top + f.bottom) / 2);
      cairo_rotate(cr_, -M_PI / 2);
      text(o_.y_label, 0, 0, 0.5, 0.5);
      cairo_restore(cr_);
    }
    if (!o_.title.empty()) {
      cairo_set_font_size(cr_, 15);
      text(o_.title, o_.width / 2.0, 12, 0.5, 0.0);
    }
  }

  // Shaded x-intervals with their labels at the top of the plot area.
  void spans(const Frame& f, const std::vector<Span>& spans) {
    for (size_t k = 0; k < spans.size(); ++k) {
      const Span& s = spans[k];
      const double x0 = std::max(f.left, f.px(s.x0)), x1 = std::min(f.right, f.px(s.x1));
      if (x1 <= x0) continue;
      const Rgb c = palette(k + 2);
      cairo_set_source_rgba(cr_, c.r, c.g, c.b, 0.15);
      cairo_rectangle(cr_, x0, f.top, x1 - x0, f.bottom - f.top);
      cairo_fill(cr_);
      cairo_set_source_rgb(cr_, 0.2, 0.2, 0.2);
      cairo_set_font_size(cr_, 11);
      text(s.label, (x0 + x1) / 2, f.top + 4, 0.5, 0.0);
    }
  }

  // Labelled coloured entries in the top-right corner of the plot area.
  void legend(const Frame& f, const std::vector<std::pair<std::string, Rgb>>& entries, bool dashed_last = false) {
    if (entries.empty()) return;
    cairo_set_font_size(cr_, 12);
    double width = 0;
    for (const auto& e : entries) {
      cairo_text_extents_t ext;
      cairo_text_extents(cr_, e.first.c_str(), &ext);
      width = std::max(width, ext.x_advance);
    }
    const double box_w = width + 42, box_h = 18.0 * entries.size() + 8;
    const double x = f.right - box_w - 8, y = f.top + 8;
    cairo_set_source_rgba(cr_, 1, 1, 1, 0.85);
    cairo_rectangle(cr_, x, y, box_w, box_h);
    cairo_fill_preserve(cr_);
    cairo_set_source_rgb(cr_, 0.6, 0.6, 0.6);
    cairo_set_line_width(cr_, 0.8);
    cairo_stroke(cr_);
    for (size_t k = 0; k < entries.size(); ++k) {
      const double ey = y + 13 + 18.0 * k;
      cairo_set_source_rgb(cr_, entries[k].second.r, entries[k].second.g, entries[k].second.b);
      cairo_set_line_width(cr_, 2.0);
      if (dashed_last && k + 1 == entries.size()) {
        const double dash[] = {5.0, 3.0};
        cairo_set_dash(cr_, dash, 2, 0);
      }
      line(x + 6, ey, x + 30, ey);
      cairo_set_dash(cr_, nullptr, 0, 0);
      cairo_set_source_rgb(cr_, 0, 0, 0);
      text(entries[k].first, x + 36, ey, 0.0, 0.5);
    }
  }

  // A vertical colour bar for [lo, hi] right of the plot area.
  void colour_bar(const Frame& f, double lo, double hi) {
    const double x = f.right + 18, w = 16, top = f.top, bottom = f.bottom;
    for (int k = 0; k < 256; ++k) {
      const Rgb c = viridis(k / 255.0);
      cairo_set_source_rgb(cr_, c.r, c.g, c.b);
      const double y0 = bottom - (k + 1) / 256.0 * (bottom - top), y1 = bottom - k / 256.0 * (bottom - top);
      cairo_rectangle(cr_, x, y0, w, y1 - y0 + 0.5);
      cairo_fill(cr_);
    }
    cairo_set_source_rgb(cr_, 0, 0, 0);
    cairo_set_line_width(cr_, 1.0);
    cairo_rectangle(cr_, x, top, w, bottom - top);
    cairo_stroke(cr_);
    widen(lo, hi);
    cairo_set_font_size(cr_, 11);
    for (double t : nice_ticks(lo, hi, 5)) {
      const double y = bottom - (t - lo) / (hi - lo) * (bottom - top);
      line(x + w, y, x + w + 4, y);
      text(tick_label(t), x + w + 6, y, 0.0, 0.5);
    }
  }

  void line(double x0, double y0, double x1, double y1) {
    cairo_move_to(cr_, x0, y0);
    cairo_line_to(cr_, x1, y1);
    cairo_stroke(cr_);
  }

  // Text anchored at (x, y): ax, ay in [0, 1] pick the anchor inside the text's box.
  void text(const std::string& s, double x, double y, double ax, double ay) {
    if (s.empty()) return;
    cairo_text_extents_t ext;
    cairo_text_extents(cr_, s.c_str(), &ext);
    cairo_move_to(cr_, x - ax * ext.x_advance - ext.x_bearing, y - ay * ext.height - ext.y_bearing);
    cairo_show_text(cr_, s.c_str());
  }

  // Clips drawing to the plot area (data never spills onto the axes' labels).
  void clip(const Frame& f) {
    cairo_save(cr_);
    cairo_rectangle(cr_, f.left, f.top, f.right - f.left, f.bottom - f.top);
    cairo_clip(cr_);
  }
  void unclip() { cairo_restore(cr_); }

  void write() {
    cairo_surface_flush(surface_);
    cairo_status_t status = cairo_status(cr_);
    if (status == CAIRO_STATUS_SUCCESS && ends_with(path_, ".png")) {
      status = cairo_surface_write_to_png(surface_, path_.c_str());
    }
    if (status == CAIRO_STATUS_SUCCESS) {
      cairo_surface_finish(surface_);
      status = cairo_surface_status(surface_);
    }
    NORSE_CHECK(status == CAIRO_STATUS_SUCCESS, IoError, op_, "cannot write '", path_,
                "': ", cairo_status_to_string(status));
  }

 private:
  const char* op_;
  std::string path_;
  Options o_;
  cairo_surface_t* surface_ = nullptr;
  cairo_t* cr_ = nullptr;
};

// A [T, N] host copy of a [T, N] or [T, B, ...] tensor (sample `batch` of the second dim).
struct Matrix {
  int64_t rows = 0, cols = 0;
  std::vector<float> data;
  float at(int64_t r, int64_t c) const { return data[static_cast<size_t>(r * cols + c)]; }
};

Matrix time_by_neuron(const char* op, const char* arg, const Tensor& t, int64_t batch) {
  NORSE_CHECK(t.defined() && (t.dim() == 2 || t.dim() >= 3), ShapeError, op, "argument '", arg,
              "' must be [T, N] or [T, B, N, ...], got ",
              t.defined() ? shape_to_string(t.shape()) : std::string("undefined"));
  Tensor host = t.to(Device::kCPU);
  if (t.dim() >= 3) {
    NORSE_CHECK(batch >= 0 && batch < t.size(1), InvalidArgument, op, "option 'batch' must be in [0, ", t.size(1),
                "), got ", batch);
    host = host.select(1, batch);
  }
  Matrix m;
  m.rows = host.size(0);
  m.cols = host.numel() / std::max<int64_t>(1, m.rows);
  NORSE_CHECK(m.rows > 0 && m.cols > 0, ShapeError, op, "argument '", arg, "' is empty: ", shape_to_string(t.shape()));
  m.data = host.contiguous().to_vector();
  return m;
}

void require_finite(const char* op, const char* arg, double v) {
  NORSE_CHECK(std::isfinite(v), InvalidArgument, op, "argument '", arg, "' holds a non-finite value: ", v);
}

}  // namespace

Frame line_plot(const std::string& path, const std::vector<Series>& series, const LineOptions& o) {
  const char* op = "plot::line_plot";
  NORSE_CHECK(!series.empty(), InvalidArgument, op, "argument 'series' is empty");
  double x_lo = std::numeric_limits<double>::infinity(), x_hi = -x_lo, y_lo = x_lo, y_hi = -x_lo;
  for (size_t k = 0; k < series.size(); ++k) {
    const Series& s = series[k];
    NORSE_CHECK(!s.y.empty() && s.x.size() == s.y.size(), InvalidArgument, op, "series ", k, " ('", s.label,
                "') must have as many x as y values and at least one, got ", s.x.size(), " x and ", s.y.size(), " y");
    for (size_t i = 0; i < s.x.size(); ++i) {
      require_finite(op, "series.x", s.x[i]);
      require_finite(op, "series.y", s.y[i]);
      x_lo = std::min(x_lo, s.x[i]), x_hi = std::max(x_hi, s.x[i]);
      y_lo = std::min(y_lo, s.y[i]), y_hi = std::max(y_hi, s.y[i]);
    }
  }
  for (const HLine& h : o.hlines) y_lo = std::min(y_lo, h.y), y_hi = std::max(y_hi, h.y);
  const double pad = 0.05 * (y_hi - y_lo);
  Canvas c(op, path, o);
  const Frame f = c.frame(x_lo, x_hi, y_lo - pad, y_hi + pad);
  cairo_t* cr = c.cr();
  c.spans(f, o.spans);
  c.clip(f);
  std::vector<std::pair<std::string, Rgb>> legend;
  for (size_t k = 0; k < series.size(); ++k) {
    const Series& s = series[k];
    const Rgb col = palette(k);
    cairo_set_source_rgb(cr, col.r, col.g, col.b);
    cairo_set_line_width(cr, 2.0);
    for (size_t i = 0; i < s.x.size(); ++i) {
      (i == 0 ? cairo_move_to : cairo_line_to)(cr, f.px(s.x[i]), f.py(s.y[i]));
    }
    cairo_stroke(cr);
    if (o.markers || s.x.size() == 1) {
      for (size_t i = 0; i < s.x.size(); ++i) {
        cairo_arc(cr, f.px(s.x[i]), f.py(s.y[i]), 3.0, 0, 2 * M_PI);
        cairo_fill(cr);
      }
    }
    if (!s.label.empty()) legend.push_back({s.label, col});
  }
  for (const HLine& h : o.hlines) {
    const double dash[] = {6.0, 4.0};
    cairo_set_dash(cr, dash, 2, 0);
    cairo_set_source_rgb(cr, 0.84, 0.15, 0.16);
    cairo_set_line_width(cr, 1.5);
    c.line(f.left, f.py(h.y), f.right, f.py(h.y));
    cairo_set_dash(cr, nullptr, 0, 0);
    if (!h.label.empty()) c.text(h.label, f.left + 6, f.py(h.y) - 3, 0.0, 1.0);
  }
  c.unclip();
  c.legend(f, legend);
  c.axes(f);
  c.write();
  return f;
}

Frame spike_raster(const std::string& path, const std::vector<RasterLayer>& layers, const RasterOptions& o) {
  const char* op = "plot::spike_raster";
  NORSE_CHECK(!layers.empty(), InvalidArgument, op, "argument 'layers' is empty");
  NORSE_CHECK(o.max_neurons >= 0, InvalidArgument, op, "option 'max_neurons' must be >= 0, got ", o.max_neurons);
  std::vector<Matrix> m;
  std::vector<std::string> names;
  int64_t total = 0;
  for (const RasterLayer& l : layers) {
    Matrix full = time_by_neuron(op, "spikes", l.spikes, o.batch);
    NORSE_CHECK(m.empty() || full.rows == m.front().rows, ShapeError, op, "layer '", l.name, "' has ", full.rows,
                " time steps, the first layer ", m.front().rows);
    std::string name = l.name;
    if (o.max_neurons > 0 && full.cols > o.max_neurons) {
      const int64_t k = (full.cols + o.max_neurons - 1) / o.max_neurons;
      Matrix kept;
      kept.rows = full.rows;
      kept.cols = (full.cols + k - 1) / k;
      kept.data.resize(static_cast<size_t>(kept.rows * kept.cols));
      for (int64_t t = 0; t < kept.rows; ++t) {
        for (int64_t n = 0; n < kept.cols; ++n) kept.data[static_cast<size_t>(t * kept.cols + n)] = full.at(t, n * k);
      }
      name += " (every " + std::to_string(k) + ")";
      full = std::move(kept);
    }
    total += full.cols;
    m.push_back(std::move(full));
    names.push_back(name);
  }
  const int64_t steps = m.front().rows;
  Canvas c(op, path, o);
  // Neuron index n occupies [n, n + 1) on the y axis (row 0 at the top), step t [t, t + 1).
  const Frame f =
      c.frame(0, static_cast<double>(steps), 0, static_cast<double>(total), true, layers.size() > 1 ? 140 : 0);
  cairo_t* cr = c.cr();
  c.spans(f, o.spans);
  c.clip(f);
  const double cell_w = (f.right - f.left) / steps, cell_h = (f.bottom - f.top) / total;
  // Marks at least 1.5 px: a single spike stays visible in a large layer.
  const double mark_w = std::max(1.5, cell_w * 0.8), mark_h = std::max(1.5, cell_h * 0.8);
  int64_t offset = 0;
  for (size_t l = 0; l < m.size(); ++l) {
    const Rgb col = m.size() > 1 ? palette(l) : Rgb{0, 0, 0};
    cairo_set_source_rgb(cr, col.r, col.g, col.b);
    for (int64_t t = 0; t < steps; ++t) {
      for (int64_t n = 0; n < m[l].cols; ++n) {
        if (m[l].at(t, n) == 0.0f) continue;
        const double cx = f.px(t + 0.5), cy = f.py(offset + n + 0.5);
        cairo_rectangle(cr, cx - mark_w / 2, cy - mark_h / 2, mark_w, mark_h);
      }
    }
    cairo_fill(cr);
    if (l > 0) {  // layer boundary
      cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
      cairo_set_line_width(cr, 1.0);
      c.line(f.left, f.py(offset), f.right, f.py(offset));
    }
    offset += m[l].cols;
  }
  c.unclip();
  if (m.size() > 1) {  // layer names right of the plot
    cairo_set_font_size(cr, 12);
    offset = 0;
    for (size_t l = 0; l < m.size(); ++l) {
      const Rgb col = palette(l);
      cairo_set_source_rgb(cr, col.r, col.g, col.b);
      c.text(names[l], f.right + 6, f.py(offset + m[l].cols / 2.0), 0.0, 0.5);
      offset += m[l].cols;
    }
  }
  c.axes(f);
  c.write();
  return f;
}

Frame spike_raster(const std::string& path, const Tensor& spikes, const RasterOptions& o) {
  return spike_raster(path, std::vector<RasterLayer>{{"", spikes}}, o);
}

Frame state_traces(const std::string& path, const Tensor& states, const TraceOptions& o) {
  const char* op = "plot::state_traces";
  const Matrix m = time_by_neuron(op, "states", states, o.batch);
  std::vector<int64_t> neurons = o.neurons;
  if (neurons.empty()) {
    for (int64_t n = 0; n < std::min<int64_t>(m.cols, 5); ++n) neurons.push_back(n);
  }
  NORSE_CHECK(o.labels.empty() || o.labels.size() == neurons.size(), InvalidArgument, op,
              "option 'labels' must name each of the ", neurons.size(), " neurons, got ", o.labels.size(), " names");
  std::vector<Series> series;
  for (size_t k = 0; k < neurons.size(); ++k) {
    const int64_t n = neurons[k];
    NORSE_CHECK(n >= 0 && n < m.cols, InvalidArgument, op, "option 'neurons' holds ", n, ", outside [0, ", m.cols, ")");
    Series s;
    s.label = o.labels.empty() ? "neuron " + std::to_string(n) : o.labels[k];
    for (int64_t t = 0; t < m.rows; ++t) {
      s.add(static_cast<double>(t), m.at(t, n));
    }
    series.push_back(std::move(s));
  }
  LineOptions lo;
  static_cast<Options&>(lo) = o;
  lo.spans = o.spans;
  if (o.threshold) lo.hlines.push_back({*o.threshold, "threshold"});
  return line_plot(path, series, lo);
}

namespace {

// Cells of a [rows, cols] grid of tiles, coloured on one scale; returns the frame. The cells
// span [0, width) x [0, height) in cell units, or x_range / y_range when given.
Frame draw_tiles(Canvas& c, const std::vector<Matrix>& tiles, int64_t grid_cols, float lo, float hi,
                 const std::optional<std::pair<double, double>>& x_range = std::nullopt,
                 const std::optional<std::pair<double, double>>& y_range = std::nullopt) {
  const int64_t grid_rows = (static_cast<int64_t>(tiles.size()) + grid_cols - 1) / grid_cols;
  const int64_t th = tiles.front().rows, tw = tiles.front().cols;
  const double gap = tiles.size() > 1 ? 1.0 : 0.0;  // one cell between tiles
  const double width = grid_cols * tw + (grid_cols - 1) * gap, height = grid_rows * th + (grid_rows - 1) * gap;
  const Frame axes = c.frame(x_range ? x_range->first : 0.0, x_range ? x_range->second : width,
                             y_range ? y_range->first : 0.0, y_range ? y_range->second : height, true, 70);
  // Cells are placed in cell units; `axes` labels them in the caller's units.
  Frame f = axes;
  f.x_min = 0, f.x_max = width, f.y_min = 0, f.y_max = height;
  cairo_t* cr = c.cr();
  const double scale = hi > lo ? 1.0 / (static_cast<double>(hi) - lo) : 0.0;
  for (size_t k = 0; k < tiles.size(); ++k) {
    const double x0 = (k % grid_cols) * (tw + gap), y0 = (k / grid_cols) * (th + gap);
    for (int64_t r = 0; r < th; ++r) {
      for (int64_t q = 0; q < tw; ++q) {
        const Rgb col = viridis((tiles[k].at(r, q) - lo) * scale);
        cairo_set_source_rgb(cr, col.r, col.g, col.b);
        const double xa = f.px(x0 + q), xb = f.px(x0 + q + 1), ya = f.py(y0 + r), yb = f.py(y0 + r + 1);
        // +0.5 px overlap: no hairline gaps between cells in the PNG.
        cairo_rectangle(cr, xa, ya, xb - xa + 0.5, yb - ya + 0.5);
        cairo_fill(cr);
      }
    }
  }
  c.colour_bar(f, lo, hi);
  return axes;
}

void value_range(const char* op, const std::vector<float>& v, float& lo, float& hi) {
  lo = std::numeric_limits<float>::infinity(), hi = -lo;
  for (float x : v) {
    require_finite(op, "values", x);
    lo = std::min(lo, x), hi = std::max(hi, x);
  }
}

}  // namespace

Frame heatmap(const std::string& path, const Tensor& matrix, const HeatmapOptions& o) {
  const char* op = "plot::heatmap";
  NORSE_CHECK(matrix.defined() && matrix.dim() == 2 && matrix.numel() > 0, ShapeError, op,
              "argument 'matrix' must be a non-empty [rows, cols] tensor, got ",
              matrix.defined() ? shape_to_string(matrix.shape()) : std::string("undefined"));
  Matrix m;
  m.rows = matrix.size(0), m.cols = matrix.size(1);
  m.data = matrix.to(Device::kCPU).contiguous().to_vector();
  float lo, hi;
  value_range(op, m.data, lo, hi);
  for (const auto& range : {o.x_range, o.y_range}) {
    NORSE_CHECK(!range || (std::isfinite(range->first) && std::isfinite(range->second) && range->second > range->first),
                InvalidArgument, op, "options x_range / y_range must be finite with first < second");
  }
  Canvas c(op, path, o);
  const Frame f = draw_tiles(c, {m}, 1, lo, hi, o.x_range, o.y_range);
  c.axes(f);
  c.write();
  return f;
}

Frame kernel_grid(const std::string& path, const Tensor& kernels, const Options& o) {
  const char* op = "plot::kernel_grid";
  NORSE_CHECK(kernels.defined() && kernels.dim() == 4 && kernels.numel() > 0, ShapeError, op,
              "argument 'kernels' must be a non-empty [C_out, C_in, kh, kw] tensor, got ",
              kernels.defined() ? shape_to_string(kernels.shape()) : std::string("undefined"));
  const Tensor host = kernels.to(Device::kCPU).contiguous();
  const int64_t count = kernels.size(0) * kernels.size(1), kh = kernels.size(2), kw = kernels.size(3);
  const std::vector<float> all = host.to_vector();
  float lo, hi;
  value_range(op, all, lo, hi);
  std::vector<Matrix> tiles(static_cast<size_t>(count));
  for (int64_t k = 0; k < count; ++k) {
    tiles[static_cast<size_t>(k)].rows = kh, tiles[static_cast<size_t>(k)].cols = kw;
    tiles[static_cast<size_t>(k)].data.assign(all.begin() + k * kh * kw, all.begin() + (k + 1) * kh * kw);
  }
  const int64_t grid_cols =
      std::max<int64_t>(1, static_cast<int64_t>(std::ceil(std::sqrt(static_cast<double>(count)))));
  Canvas c(op, path, o);
  const Frame f = draw_tiles(c, tiles, grid_cols, lo, hi);
  c.axes(f, false, false);
  c.write();
  return f;
}

Frame histogram(const std::string& path, const std::vector<float>& values, const HistogramOptions& o) {
  const char* op = "plot::histogram";
  NORSE_CHECK(!values.empty(), InvalidArgument, op, "argument 'values' is empty");
  NORSE_CHECK(o.bins >= 1 && o.bins <= 10000, InvalidArgument, op, "option 'bins' must be in [1, 10000], got ", o.bins);
  float lo_f, hi_f;
  value_range(op, values, lo_f, hi_f);
  double lo = lo_f, hi = hi_f;
  widen(lo, hi);
  std::vector<double> counts(static_cast<size_t>(o.bins), 0.0);
  for (float v : values) {
    const int b = std::min(o.bins - 1, static_cast<int>((v - lo) / (hi - lo) * o.bins));
    counts[static_cast<size_t>(std::max(0, b))] += 1.0;
  }
  const double top = *std::max_element(counts.begin(), counts.end());
  Canvas c(op, path, o);
  const Frame f = c.frame(lo, hi, 0, top * 1.05);
  cairo_t* cr = c.cr();
  const Rgb col = palette(0);
  for (int b = 0; b < o.bins; ++b) {
    if (counts[static_cast<size_t>(b)] == 0.0) continue;
    const double x0 = f.px(lo + (hi - lo) * b / o.bins), x1 = f.px(lo + (hi - lo) * (b + 1) / o.bins);
    const double y = f.py(counts[static_cast<size_t>(b)]);
    cairo_set_source_rgb(cr, col.r, col.g, col.b);
    cairo_rectangle(cr, x0, y, x1 - x0, f.bottom - y);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_set_line_width(cr, 0.5);
    cairo_stroke(cr);
  }
  c.axes(f);
  c.write();
  return f;
}

}  // namespace plot
}  // namespace norse
