// The plots as images: each kind rendered from known data, read back as a PNG, and its pixels
// checked against where the data must appear (the returned Frame maps data to pixels).
#include <cairo/cairo.h>
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "core/core.h"
#include "plot/plot.h"

using namespace norse;

namespace {

std::string temp_path(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return std::string(dir ? dir : "/tmp") + "/" + name;
}

struct Pixel {
  int r, g, b;
  bool dark() const { return r < 110 && g < 110 && b < 110; }
  bool white() const { return r > 245 && g > 245 && b > 245; }
};

// A PNG read back through Cairo: its size and pixels.
class Image {
 public:
  explicit Image(const std::string& path) : surface_(cairo_image_surface_create_from_png(path.c_str())) {
    REQUIRE(cairo_surface_status(surface_) == CAIRO_STATUS_SUCCESS);
    cairo_surface_flush(surface_);
  }
  ~Image() { cairo_surface_destroy(surface_); }
  int width() const { return cairo_image_surface_get_width(surface_); }
  int height() const { return cairo_image_surface_get_height(surface_); }
  Pixel at(int x, int y) const {
    const unsigned char* row = cairo_image_surface_get_data(surface_) + y * cairo_image_surface_get_stride(surface_);
    const uint32_t v = reinterpret_cast<const uint32_t*>(row)[x];  // native-endian xRGB / ARGB
    return Pixel{static_cast<int>((v >> 16) & 255), static_cast<int>((v >> 8) & 255), static_cast<int>(v & 255)};
  }

 private:
  cairo_surface_t* surface_;
};

// Pixels strictly inside the plot area (2 px off the axes box).
template <class F>
void for_inside(const plot::Frame& f, F&& fn) {
  for (int y = static_cast<int>(f.top) + 2; y <= static_cast<int>(f.bottom) - 2; ++y) {
    for (int x = static_cast<int>(f.left) + 2; x <= static_cast<int>(f.right) - 2; ++x) fn(x, y);
  }
}

}  // namespace

TEST_CASE("A raster of one spike has dark pixels only at that spike", "[plot]") {
  Tensor z = zeros({20, 10});
  z.at({7, 3}) = 1.0f;
  plot::RasterOptions o;
  o.width = 400, o.height = 300, o.title = "one spike", o.x_label = "step", o.y_label = "neuron";
  const std::string path = temp_path("raster.png");
  const plot::Frame f = plot::spike_raster(path, z, o);
  const Image img(path);
  REQUIRE(img.width() == 400);
  REQUIRE(img.height() == 300);
  const double x0 = f.px(7) - 1, x1 = f.px(8) + 1, y0 = f.py(3) - 1, y1 = f.py(4) + 1;
  int inside = 0, outside = 0;
  for_inside(f, [&](int x, int y) {
    if (!img.at(x, y).dark()) return;
    (x >= x0 && x <= x1 && y >= y0 && y <= y1 ? inside : outside) += 1;
  });
  CHECK(inside > 10);
  CHECK(outside == 0);
}

TEST_CASE("A raster of two layers puts the second below the first", "[plot]") {
  Tensor a = zeros({10, 2, 4}), b = zeros({10, 2, 6});
  b.at({2, 1, 0}) = 1.0f;  // batch 1, second layer's neuron 0: row 4 of the stack
  plot::RasterOptions o;
  o.batch = 1;
  const std::string path = temp_path("layers.png");
  const plot::Frame f = plot::spike_raster(path, {{"in", a}, {"out", b}}, o);
  const Image img(path);
  const Pixel p = img.at(static_cast<int>(f.px(2.5)), static_cast<int>(f.py(4.5)));
  CHECK_FALSE(p.white());  // the mark (layer colour)
  CHECK(img.at(static_cast<int>(f.px(2.5)), static_cast<int>(f.py(0.5))).white());
}

TEST_CASE("max_neurons keeps every k-th neuron", "[plot]") {
  Tensor z = zeros({5, 1000});
  z.at({2, 500}) = 1.0f;  // kept: row 50 of 100 (k = 10)
  z.at({3, 501}) = 1.0f;  // dropped
  plot::RasterOptions o;
  o.max_neurons = 100;
  const std::string path = temp_path("sub.png");
  const plot::Frame f = plot::spike_raster(path, z, o);
  CHECK(f.y_max == 100.0);
  const Image img(path);
  CHECK(img.at(static_cast<int>(f.px(2.5)), static_cast<int>(f.py(50.5))).dark());
  int dark_at_3 = 0;
  for (int y = static_cast<int>(f.top) + 2; y < static_cast<int>(f.bottom) - 2; ++y) {
    dark_at_3 += img.at(static_cast<int>(f.px(3.5)), y).dark() ? 1 : 0;
  }
  CHECK(dark_at_3 == 0);
}

TEST_CASE("A heat map colours each cell by its value on the colour bar's scale", "[plot]") {
  const Tensor m = from_vector({0, 1, 2, 3, 4, 5}, {2, 3});
  const std::string path = temp_path("heat.png");
  const plot::Frame f = plot::heatmap(path, m, {});
  const Image img(path);
  const Pixel low = img.at(static_cast<int>(f.px(0.5)), static_cast<int>(f.py(0.5)));   // value 0: viridis' dark purple
  const Pixel high = img.at(static_cast<int>(f.px(2.5)), static_cast<int>(f.py(1.5)));  // value 5: its yellow
  CHECK(std::abs(low.r - 68) <= 3);
  CHECK(std::abs(low.g - 1) <= 3);
  CHECK(std::abs(low.b - 84) <= 3);
  CHECK(std::abs(high.r - 253) <= 3);
  CHECK(std::abs(high.g - 231) <= 3);
  CHECK(std::abs(high.b - 37) <= 3);
}

TEST_CASE("A line plot draws the series where its values are, and a threshold line", "[plot]") {
  plot::Series s;
  for (int k = 0; k <= 10; ++k) s.x.push_back(k), s.y.push_back(0.25);
  plot::Series s2 = s;
  for (double& y : s2.y) y = 1.0;
  plot::LineOptions o;
  o.hlines = {{0.5, ""}};
  const std::string path = temp_path("line.png");
  const plot::Frame f = plot::line_plot(path, {s, s2}, o);
  const Image img(path);
  const int xm = static_cast<int>(f.px(5));
  const Pixel on = img.at(xm, static_cast<int>(std::lround(f.py(0.25))));
  CHECK(on.b > on.r + 60);  // tab10 blue (31, 119, 180)
  int red = 0;
  const int y_half = static_cast<int>(f.py(0.5));
  for (int x = static_cast<int>(f.left) + 2; x < static_cast<int>(f.right) - 2; ++x) {
    bool hit = false;
    for (int y = y_half - 1; y <= y_half + 1; ++y) {  // antialiasing spreads the line over two rows
      const Pixel p = img.at(x, y);
      hit = hit || (p.r > 150 && p.g < 120);
    }
    red += hit ? 1 : 0;
  }
  CHECK(red > 50);                                          // the dashed line
  CHECK(img.at(xm, static_cast<int>(f.py(0.75))).white());  // nothing between
}

TEST_CASE("State traces show the chosen neurons and the threshold", "[plot]") {
  Tensor v = zeros({30, 2, 3});
  for (int64_t t = 0; t < 30; ++t) v.at({t, 0, 2}) = 0.1f * static_cast<float>(t);
  plot::TraceOptions o;
  o.neurons = {2};
  o.threshold = 1.0;
  const std::string path = temp_path("traces.png");
  const plot::Frame f = plot::state_traces(path, v, o);
  const Image img(path);
  const Pixel p = img.at(static_cast<int>(std::lround(f.px(20))), static_cast<int>(std::lround(f.py(2.0))));
  CHECK_FALSE(p.white());
  CHECK(f.y_max >= 2.9);
  CHECK(f.y_min <= 0.0);
  REQUIRE_THROWS_WITH(plot::state_traces(path, v,
                                         [] {
                                           plot::TraceOptions bad;
                                           bad.neurons = {3};
                                           return bad;
                                         }()),
                      Catch::Contains("neurons") && Catch::Contains("[0, 3)"));
}

TEST_CASE("A histogram's bars have the counts' heights", "[plot]") {
  const std::string path = temp_path("hist.png");
  plot::HistogramOptions o;
  o.bins = 2;
  const plot::Frame f = plot::histogram(path, {0.0f, 0.0f, 0.0f, 1.0f}, o);
  const Image img(path);
  const int bin0 = static_cast<int>(f.px(0.25)), bin1 = static_cast<int>(f.px(0.75));
  CHECK_FALSE(img.at(bin0, static_cast<int>(f.py(2.5))).white());
  CHECK(img.at(bin1, static_cast<int>(f.py(2.5))).white());
  CHECK_FALSE(img.at(bin1, static_cast<int>(f.py(0.5))).white());
}

TEST_CASE("A kernel grid and an SVG are written", "[plot]") {
  Generator g(1);
  const std::string png = temp_path("kernels.png");
  plot::Options o;
  o.width = 300, o.height = 260;
  plot::kernel_grid(png, randn({4, 1, 3, 3}, g), o);
  const Image img(png);
  CHECK(img.width() == 300);
  CHECK(img.height() == 260);
  const std::string svg = temp_path("raster.svg");
  plot::spike_raster(svg, bernoulli({10, 5}, 0.3f, g));
  std::ifstream in(svg);
  std::stringstream text;
  text << in.rdbuf();
  CHECK(text.str().find("<svg") != std::string::npos);
}

TEST_CASE("Bad plot input throws naming the argument", "[plot]") {
  const std::string ok = temp_path("x.png");
  REQUIRE_THROWS_AS(plot::spike_raster(temp_path("x.jpg"), zeros({3, 3})), InvalidArgument);
  REQUIRE_THROWS_WITH(plot::spike_raster(temp_path("x.jpg"), zeros({3, 3})), Catch::Contains("'path'"));
  REQUIRE_THROWS_AS(plot::spike_raster(ok, zeros({3})), ShapeError);
  REQUIRE_THROWS_AS(plot::heatmap(ok, zeros({2, 2, 2})), ShapeError);
  REQUIRE_THROWS_AS(plot::spike_raster("/nonexistent-dir/x.png", zeros({3, 3})), IoError);
  REQUIRE_THROWS_AS(plot::line_plot(ok, {}), InvalidArgument);
  plot::Series nan;
  nan.x = {0, 1};
  nan.y = {0, std::nan("")};
  REQUIRE_THROWS_WITH(plot::line_plot(ok, {nan}), Catch::Contains("non-finite"));
  REQUIRE_THROWS_AS(plot::histogram(ok, {}), InvalidArgument);
  REQUIRE_THROWS_AS(plot::spike_raster(ok, zeros({3, 2, 3}),
                                       [] {
                                         plot::RasterOptions o;
                                         o.batch = 2;
                                         return o;
                                       }()),
                    InvalidArgument);
}
