// The event-driven convolution of spike inputs (models/event_ops.h) against the dense conv2d:
// values and all three gradients at the densities the MNIST task has and around them, with and
// without padding and bias; finite differences of the weight and bias gradients; the same bits
// on one and two threads; when it falls back to the dense path, and bad input.
#include <catch2/catch.hpp>

#include <limits>
#include <string>

#include "core/core.h"
#include "core/stream_copy.h"
#include "models/event_ops.h"
#include "models/layers.h"
#include "tests/testing/gradcheck.h"

using namespace norse;

namespace {

Tensor spikes(const Shape& shape, float density, Generator& g) { return gt(full(shape, density), rand(shape, g)); }

struct Run {
  Tensor y, gx, gw, gb;
  bool events = false;
};

Run run(bool event_driven, const Tensor& x, const Tensor& w, const Tensor& b, const Conv2dOptions& o,
        const Tensor& w_out) {
  Variable xv(x, true), wv(w, true), bv = b.defined() ? Variable(b, true) : Variable();
  Run r;
  const Variable y = event_driven ? spike_conv2d(xv, wv, bv, o, 1.0f, &r.events) : conv2d(xv, wv, bv, o);
  sum(y * Variable(w_out)).backward();
  r.y = y.value();
  r.gx = xv.grad();
  r.gw = wv.grad();
  if (bv.defined()) r.gb = bv.grad();
  return r;
}

}  // namespace

TEST_CASE("spike_conv2d equals conv2d in values and gradients", "[event]") {
  Generator g(1);
  for (float density : {0.02f, 0.06f, 0.15f, 0.3f}) {
    for (int64_t padding : {0, 2}) {
      // A rectangular kernel too: an event adds each kernel row's columns as one run.
      for (const Shape& kernel : {Shape{3, 3}, Shape{2, 4}}) {
        for (bool with_bias : {true, false}) {
          INFO("density " << density << ", padding " << padding << ", kernel " << kernel[0] << "x" << kernel[1]
                          << ", bias " << with_bias);
          const Tensor x = spikes({3, 4, 9, 7}, density, g), w = randn({5, 4, kernel[0], kernel[1]}, g);
          const Tensor b = with_bias ? randn({5}, g) : Tensor();
          Conv2dOptions o;
          o.padding = padding;
          const Tensor w_out = randn(conv2d(x, w, b, o).shape(), g);
          const Run event = run(true, x, w, b, o, w_out), dense = run(false, x, w, b, o, w_out);
          REQUIRE(event.events);
          CHECK(testing::compare_tensors(event.y, dense.y, 1e-5f, 1e-5f).empty());
          CHECK(testing::compare_tensors(event.gw, dense.gw, 1e-4f, 1e-5f).empty());
          CHECK(testing::compare_tensors(event.gx, dense.gx, 0.0f, 0.0f).empty());  // the same dense function
          if (with_bias) CHECK(testing::compare_tensors(event.gb, dense.gb, 1e-4f, 1e-5f).empty());
        }
      }
    }
  }
}

TEST_CASE("spike_conv2d: the bias gradient alone when the weight is frozen", "[event]") {
  Generator g(4);
  const Tensor x = spikes({3, 4, 9, 7}, 0.1f, g), w = randn({5, 4, 3, 3}, g), b = randn({5}, g);
  const Tensor w_out = randn({3, 5, 7, 5}, g);
  Variable be(b, true), bd(b, true);
  bool events = false;
  sum(spike_conv2d(Variable(x), Variable(w), be, {}, 1.0f, &events) * Variable(w_out)).backward();
  sum(conv2d(Variable(x), Variable(w), bd, {}) * Variable(w_out)).backward();
  REQUIRE(events);
  CHECK(testing::compare_tensors(be.grad(), bd.grad(), 1e-4f, 1e-5f).empty());
}

TEST_CASE("spike_conv2d: finite differences of the weight and bias gradients", "[event]") {
  Generator g(2);
  const Tensor x = spikes({2, 3, 6, 6}, 0.2f, g);
  Conv2dOptions o;
  o.padding = 1;
  testing::GradCheckOptions options;
  testing::check_gradients(
      [x, o](const std::vector<Variable>& v) {
        bool events = false;
        const Variable y = spike_conv2d(Variable(x), v[0], v[1], o, 1.0f, &events);
        REQUIRE(events);
        return y;
      },
      {randn({4, 3, 3, 3}, g), randn({4}, g)}, 7, options);
}

TEST_CASE("spike_conv2d gives the same bits on one and on two threads", "[event]") {
  Generator g(3);
  // 70 samples: three of the weight gradient's 32-sample chunks.
  const Tensor x = spikes({70, 6, 12, 12}, 0.06f, g), w = randn({10, 6, 5, 5}, g), b = randn({10}, g);
  const Tensor w_out = randn({70, 10, 8, 8}, g);
  const int threads = num_threads();
  set_num_threads(1);
  const Run one = run(true, x, w, b, {}, w_out);
  set_num_threads(2);
  const Run two = run(true, x, w, b, {}, w_out);
  set_num_threads(threads);
  REQUIRE(one.y.to_vector() == two.y.to_vector());
  REQUIRE(one.gw.to_vector() == two.gw.to_vector());
  REQUIRE(one.gb.to_vector() == two.gb.to_vector());
}

TEST_CASE("spike_conv2d streams a large output: the same bits as a few samples at a time", "[event]") {
  // 130 samples of [64, 16, 16] floats: above kStreamingBytes, so the forward stages each sample
  // and streams it (core/stream_copy.h); 10 samples at a time stay below it and write directly.
  Generator g(6);
  const int64_t n = 130, chunk = 10;
  const Tensor x = spikes({n, 2, 20, 20}, 0.13f, g), w = randn({64, 2, 5, 5}, g), b = randn({64}, g);
  bool events = false;
  // Freed, this block is what the CPU allocator's cache hands the output: a float the op does
  // not write stays NaN.
  full({n, 64, 16, 16}, std::numeric_limits<float>::quiet_NaN());
  const Tensor whole = spike_conv2d(Variable(x), Variable(w), Variable(b), {}, 1.0f, &events).value();
  REQUIRE(events);
  REQUIRE(whole.numel() * static_cast<int64_t>(sizeof(float)) >= kStreamingBytes);
  for (int64_t b0 = 0; b0 < n; b0 += chunk) {
    CAPTURE(b0);
    const Tensor part =
        spike_conv2d(Variable(x.slice(0, b0, b0 + chunk).contiguous()), Variable(w), Variable(b), {}, 1.0f, &events)
            .value();
    REQUIRE(events);
    REQUIRE(part.to_vector() == whole.slice(0, b0, b0 + chunk).contiguous().to_vector());
  }
}

TEST_CASE("spike_conv2d: the dense path above the density, for other options, and bad input", "[event]") {
  Generator g(4);
  const Tensor x = spikes({2, 3, 8, 8}, 0.5f, g), w = randn({4, 3, 3, 3}, g);
  bool events = true;
  const Variable dense = spike_conv2d(Variable(x), Variable(w), Variable(), {}, 0.3f, &events);
  CHECK_FALSE(events);  // density 0.5 > 0.3
  REQUIRE(dense.value().to_vector() == conv2d(x, w, Tensor(), {}).to_vector());
  Conv2dOptions strided;
  strided.stride = 2;
  spike_conv2d(Variable(x), Variable(w), Variable(), strided, 1.0f, &events);
  CHECK_FALSE(events);
  spike_conv2d(Variable(x), Variable(w), Variable(), {}, 1.0f, &events);
  CHECK(events);
  // A value other than 0 and 1 in a declared spike input is named.
  REQUIRE_THROWS_WITH(spike_conv2d(Variable(mul(x, 0.5f)), Variable(w), Variable(), {}, 1.0f),
                      Catch::Contains("only 0 and 1"));
  REQUIRE_THROWS_AS(spike_conv2d(Variable(x), Variable(randn({4, 2, 3, 3}, g)), Variable(), {}, 1.0f), ShapeError);
  REQUIRE_THROWS_AS(spike_conv2d(Variable(x), Variable(w), Variable(randn({3}, g)), {}, 1.0f), ShapeError);
  REQUIRE_THROWS_AS(spike_conv2d(Variable(spikes({2, 3, 2, 2}, 0.5f, g)), Variable(w), Variable(), {}, 1.0f),
                    ShapeError);
}

TEST_CASE("nn::Conv2d with spike_input runs event-driven and gives the dense layer's output", "[event]") {
  Generator g(5);
  nn::Conv2d conv(3, 4, 3, g);
  const Tensor x = spikes({2, 3, 8, 8}, 0.05f, g);
  const std::vector<float> dense = conv.forward(Variable(x)).value().to_vector();
  conv.spike_input = true;
  const Variable y = conv.forward(Variable(x));
  REQUIRE(std::string(y.grad_fn()->name()) == "spike_conv2d");  // the event-driven op ran
  const std::vector<float> event = y.value().to_vector();
  REQUIRE(event.size() == dense.size());
  for (size_t k = 0; k < event.size(); ++k) REQUIRE(event[k] == Approx(dense[k]).margin(1e-5));
}

TEST_CASE("spike_linear equals the dense linear layer in values and gradients", "[event]") {
  Generator g(6);
  for (float density : {0.02f, 0.1f, 0.15f}) {
    for (bool with_bias : {true, false}) {
      INFO("density " << density << ", bias " << with_bias);
      const Tensor x = spikes({3, 5, 40}, density, g), w = randn({7, 40}, g);
      const Tensor b = with_bias ? randn({7}, g) : Tensor();
      const Tensor w_out = randn({3, 5, 7}, g);
      Variable xe(x, true), we(w, true), be = with_bias ? Variable(b, true) : Variable();
      Variable xd(x, true), wd(w, true), bd = with_bias ? Variable(b, true) : Variable();
      bool events = false;
      const Variable ye = spike_linear(xe, we, be, 1.0f, &events);
      Variable yd = matmul(xd, transpose(wd, 0, 1));
      if (with_bias) yd = yd + bd;
      REQUIRE(events);
      CHECK(testing::compare_tensors(ye.value(), yd.value(), 1e-5f, 1e-5f).empty());
      sum(ye * Variable(w_out)).backward();
      sum(yd * Variable(w_out)).backward();
      CHECK(testing::compare_tensors(we.grad(), wd.grad(), 1e-5f, 1e-5f).empty());
      CHECK(testing::compare_tensors(xe.grad(), xd.grad(), 1e-5f, 1e-5f).empty());
      if (with_bias) CHECK(testing::compare_tensors(be.grad(), bd.grad(), 1e-5f, 1e-5f).empty());
    }
  }
  // Finite differences of the weight and bias gradients.
  const Tensor x = spikes({6, 12}, 0.2f, g);
  testing::check_gradients(
      [x](const std::vector<Variable>& v) {
        bool events = false;
        const Variable y = spike_linear(Variable(x), v[0], v[1], 1.0f, &events);
        REQUIRE(events);
        return y;
      },
      {randn({4, 12}, g), randn({4}, g)});
}

TEST_CASE("spike_linear: the same bits on one and two threads; the dense path; bad input", "[event]") {
  Generator g(7);
  const Tensor x = spikes({64, 300}, 0.05f, g), w = randn({50, 300}, g), w_out = randn({64, 50}, g);
  const int threads = num_threads();
  std::vector<std::vector<float>> results;
  for (int t : {1, 2}) {
    set_num_threads(t);
    Variable wv(w, true);
    const Variable y = spike_linear(Variable(x), wv, Variable(), 1.0f);
    sum(y * Variable(w_out)).backward();
    std::vector<float> r = y.value().to_vector(), gw = wv.grad().to_vector();
    r.insert(r.end(), gw.begin(), gw.end());
    results.push_back(r);
  }
  set_num_threads(threads);
  REQUIRE(results[0] == results[1]);
  bool events = true;
  spike_linear(Variable(x), Variable(w), Variable(), 0.01f, &events);
  CHECK_FALSE(events);  // density 0.05 > 0.01
  REQUIRE_THROWS_WITH(spike_linear(Variable(mul(x, 2.0f)), Variable(w), Variable(), 1.0f),
                      Catch::Contains("only 0 and 1"));
  REQUIRE_THROWS_AS(spike_linear(Variable(x), Variable(randn({50, 299}, g)), Variable(), 1.0f), ShapeError);
  // Empty inputs take the dense path (nothing to list).
  REQUIRE(spike_linear(Variable(zeros({0, 300})), Variable(w), Variable(), 1.0f).shape() == Shape{0, 50});
  REQUIRE_THROWS_AS(spike_linear(Variable(x), Variable(w), Variable(randn({49}, g)), 1.0f), ShapeError);
}
