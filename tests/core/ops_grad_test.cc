// Finite-difference gradient checks for every differentiable op (tests/testing/gradcheck.h).
// Inputs are seeded random values kept away from kinks (relu/abs at 0, ties in max, clamp
// bounds) by more than the finite-difference step.
#include <catch2/catch.hpp>

#include <cmath>

#include "core/core.h"
#include "tests/testing/gradcheck.h"

using namespace norse;
using testing::check_gradients;
using Vars = std::vector<Variable>;

namespace {
// Uniform values in [low, high) whose magnitude is at least `gap` (away from 0).
Tensor away_from_zero(const Shape& shape, Generator& g, float low, float high, float gap = 0.1f) {
  Tensor t = rand(shape, g, low, high);
  for (int64_t i = 0; i < t.numel(); ++i) {
    float& v = t.data()[i];
    if (std::fabs(v) < gap) v = v < 0 ? -gap - 0.05f : gap + 0.05f;
  }
  return t;
}
}  // namespace

TEST_CASE("gradients of binary ops, with broadcasting", "[ops][grad]") {
  Generator g(1);
  const Tensor a = randn({3, 4}, g), b = randn({4}, g), c = randn({3, 1}, g);
  check_gradients([](const Vars& v) { return add(v[0], v[1]); }, {a, b});
  check_gradients([](const Vars& v) { return sub(v[0], v[1]); }, {a, c});
  check_gradients([](const Vars& v) { return mul(v[0], v[1]); }, {c, b});
  check_gradients([](const Vars& v) { return div(v[0], v[1]); }, {a, away_from_zero({4}, g, -2, 2, 0.5f)});
  check_gradients([](const Vars& v) { return pow(v[0], v[1]); },
                  {rand({3, 4}, g, 0.5f, 2.0f), rand({4}, g, -1.5f, 2.5f)});
  check_gradients([](const Vars& v) { return v[0] * 2.0f - 1.0f + v[0] / 4.0f; }, {a});
  check_gradients([](const Vars& v) { return 3.0f - v[0] * v[0]; }, {a});
  check_gradients([](const Vars& v) { return 2.0f / v[0]; }, {away_from_zero({4}, g, -2, 2, 0.5f)});
}

TEST_CASE("gradients of unary ops", "[ops][grad]") {
  Generator g(2);
  const Tensor x = randn({2, 5}, g);
  const Tensor positive = rand({2, 5}, g, 0.3f, 3.0f);
  const Tensor nonzero = away_from_zero({2, 5}, g, -2.0f, 2.0f);
  check_gradients([](const Vars& v) { return neg(v[0]); }, {x});
  check_gradients([](const Vars& v) { return exp(v[0]); }, {x});
  check_gradients([](const Vars& v) { return log(v[0]); }, {positive});
  check_gradients([](const Vars& v) { return tanh(v[0]); }, {x});
  check_gradients([](const Vars& v) { return sin(v[0]); }, {x});
  check_gradients([](const Vars& v) { return cos(v[0]); }, {x});
  check_gradients([](const Vars& v) { return sqrt(v[0]); }, {positive});
  check_gradients([](const Vars& v) { return sigmoid(v[0]); }, {x});
  check_gradients([](const Vars& v) { return relu(v[0]); }, {nonzero});
  check_gradients([](const Vars& v) { return abs(v[0]); }, {nonzero});
  check_gradients([](const Vars& v) { return pow(v[0], 3.0f); }, {x});
  check_gradients([](const Vars& v) { return pow(v[0], -0.5f); }, {positive});
  // Clamp bounds chosen so no element lies within the FD step of a bound.
  const Tensor spread = from_vector({-2.0f, -0.7f, -0.2f, 0.3f, 0.6f, 1.4f}, {6});
  check_gradients([](const Vars& v) { return clamp(v[0], -0.5f, 1.0f); }, {spread});
}

TEST_CASE("gradients of matmul: 2-D, batched, broadcast batch", "[ops][grad]") {
  Generator g(3);
  check_gradients([](const Vars& v) { return matmul(v[0], v[1]); }, {randn({3, 4}, g), randn({4, 2}, g)});
  check_gradients([](const Vars& v) { return matmul(v[0], v[1]); }, {randn({2, 3, 4}, g), randn({2, 4, 2}, g)});
  check_gradients([](const Vars& v) { return matmul(v[0], v[1]); }, {randn({2, 3, 4}, g), randn({4, 5}, g)});
  check_gradients([](const Vars& v) { return matmul(transpose(v[0], 0, 1), v[1]); },
                  {randn({4, 3}, g), randn({4, 2}, g)});
}

TEST_CASE("gradients of shape ops", "[ops][grad]") {
  Generator g(4);
  const Tensor x = randn({2, 3, 4}, g);
  check_gradients([](const Vars& v) { return reshape(v[0], {4, 6}); }, {x});
  check_gradients([](const Vars& v) { return permute(v[0], {2, 0, 1}); }, {x});
  check_gradients([](const Vars& v) { return transpose(v[0], 0, 2); }, {x});
  check_gradients([](const Vars& v) { return slice(v[0], 2, 1, 4, 2); }, {x});
  check_gradients([](const Vars& v) { return select(v[0], 1, -1); }, {x});
  check_gradients([](const Vars& v) { return concat({v[0], v[1]}, 1); }, {x, randn({2, 2, 4}, g)});
  check_gradients([](const Vars& v) { return stack({v[0], v[1], v[0]}, 1); }, {randn({2, 3}, g), randn({2, 3}, g)});
}

TEST_CASE("gradients of reductions", "[ops][grad]") {
  Generator g(5);
  const Tensor x = randn({2, 3, 4}, g);
  check_gradients([](const Vars& v) { return sum(v[0]); }, {x});
  check_gradients([](const Vars& v) { return sum(v[0], {0, 2}); }, {x});
  check_gradients([](const Vars& v) { return sum(v[0], {1}, true); }, {x});
  check_gradients([](const Vars& v) { return mean(v[0]); }, {x});
  check_gradients([](const Vars& v) { return mean(v[0], {-1}); }, {x});
  check_gradients([](const Vars& v) { return mean(v[0], {0, 1}, true); }, {x});
  // max: values well separated so the FD step never changes the arg-max.
  const Tensor distinct = mul(add(arange(0, 12), 0.0f).view({3, 4}), 0.5f);
  const Tensor shuffled = from_vector({3, 0.5f, 5, 1, 2.5f, 4, 0, 1.5f, 5.5f, 2, 3.5f, 4.5f}, {3, 4});
  check_gradients([](const Vars& v) { return max(v[0], 1).values; }, {shuffled});
  check_gradients([](const Vars& v) { return max(v[0], 0, true).values; }, {shuffled});
  check_gradients([](const Vars& v) { return max(v[0], 1).values; }, {distinct});
}

TEST_CASE("gradients of softmax, log_softmax and the losses", "[ops][grad]") {
  Generator g(6);
  const Tensor x = randn({3, 5}, g);
  check_gradients([](const Vars& v) { return softmax(v[0], 1); }, {x});
  check_gradients([](const Vars& v) { return softmax(v[0], 0); }, {x});
  check_gradients([](const Vars& v) { return log_softmax(v[0], 1); }, {x});
  const Tensor targets = from_vector({4, 0, 2}, {3});
  check_gradients([targets](const Vars& v) { return nll_loss(log_softmax(v[0], 1), targets); }, {x});
  check_gradients([targets](const Vars& v) { return cross_entropy(v[0], targets); }, {x});
  check_gradients([](const Vars& v) { return mse_loss(v[0], v[1]); }, {x, randn({3, 5}, g)});
}

TEST_CASE("loss values match hand-worked numbers", "[ops][values]") {
  // cross_entropy of logits [0, 0] with target 1: log 2.
  REQUIRE(cross_entropy(Variable(zeros({1, 2})), from_vector({1}, {1})).item() == Approx(0.69314718f));
  // nll of log-probs [[-1, -2], [-3, -4]] with targets [1, 0]: (2 + 3) / 2.
  REQUIRE(nll_loss(Variable(from_vector({-1, -2, -3, -4}, {2, 2})), from_vector({1, 0}, {2})).item() == 2.5f);
  REQUIRE(mse_loss(Variable(from_vector({1, 2}, {2})), Variable(from_vector({3, 2}, {2}))).item() == 2.0f);
}

TEST_CASE("gradients of conv2d (input, weight, bias) for stride and padding", "[ops][grad]") {
  Generator g(7);
  const Tensor x = randn({2, 2, 5, 4}, g), w = randn({3, 2, 3, 2}, g), b = randn({3}, g);
  for (int64_t stride : {1, 2}) {
    for (int64_t pad : {0, 1}) {
      CAPTURE(stride, pad);
      const Conv2dOptions o{stride, pad};
      check_gradients([o](const Vars& v) { return conv2d(v[0], v[1], v[2], o); }, {x, w, b});
    }
  }
  check_gradients([](const Vars& v) { return conv2d(v[0], v[1], Variable(), {}); }, {x, w});
}

TEST_CASE("gradients of conv2d with per-axis stride and padding, dilation and groups", "[ops][grad]") {
  Generator g(17);
  const Tensor x = randn({2, 4, 7, 6}, g), b = randn({6}, g);
  const Tensor w2 = randn({6, 2, 3, 2}, g);  // groups = 2: 4 input channels, 2 per group
  const Tensor w1 = randn({6, 4, 2, 3}, g);  // groups = 1
  Conv2dOptions o;
  o.stride = {2, 1};
  o.padding = {1, 2};
  o.dilation = {2, 1};
  check_gradients([o](const Vars& v) { return conv2d(v[0], v[1], v[2], o); }, {x, w1, b});
  o.groups = 2;
  check_gradients([o](const Vars& v) { return conv2d(v[0], v[1], v[2], o); }, {x, w2, b});
}

// torch.nn.functional.conv2d by its definition, one output element at a time (double sums).
static Tensor direct_conv2d(const Tensor& x, const Tensor& w, const Tensor& b, const Conv2dOptions& o) {
  const int64_t B = x.size(0), C = x.size(1), H = x.size(2), W = x.size(3);
  const int64_t O = w.size(0), Cg = w.size(1), kh = w.size(2), kw = w.size(3);
  const int64_t Ho = (H + 2 * o.padding.h - o.dilation.h * (kh - 1) - 1) / o.stride.h + 1;
  const int64_t Wo = (W + 2 * o.padding.w - o.dilation.w * (kw - 1) - 1) / o.stride.w + 1;
  const int64_t Og = O / o.groups;
  std::vector<float> out(static_cast<size_t>(B * O * Ho * Wo));
  const std::vector<float> xv = x.to_vector(), wv = w.to_vector(), bv = b.to_vector();
  for (int64_t n = 0; n < B; ++n)
    for (int64_t oc = 0; oc < O; ++oc)
      for (int64_t oy = 0; oy < Ho; ++oy)
        for (int64_t ox = 0; ox < Wo; ++ox) {
          double acc = bv[static_cast<size_t>(oc)];
          for (int64_t c = 0; c < Cg; ++c)
            for (int64_t i = 0; i < kh; ++i)
              for (int64_t j = 0; j < kw; ++j) {
                const int64_t y = oy * o.stride.h - o.padding.h + i * o.dilation.h;
                const int64_t xx = ox * o.stride.w - o.padding.w + j * o.dilation.w;
                if (y < 0 || y >= H || xx < 0 || xx >= W) continue;
                const int64_t ic = (oc / Og) * Cg + c;
                acc += static_cast<double>(xv[static_cast<size_t>(((n * C + ic) * H + y) * W + xx)]) *
                       wv[static_cast<size_t>(((oc * Cg + c) * kh + i) * kw + j)];
              }
          out[static_cast<size_t>(((n * O + oc) * Ho + oy) * Wo + ox)] = static_cast<float>(acc);
        }
  return from_vector(out, {B, O, Ho, Wo});
}

TEST_CASE("conv2d values equal the definition for every option combination", "[ops][values]") {
  Generator g(18);
  const Tensor x = randn({2, 4, 9, 8}, g), b = randn({4}, g);
  for (int64_t groups : {1, 2, 4}) {
    const Tensor w = randn({4, 4 / groups, 3, 2}, g);
    for (const Size2 stride : {Size2(1), Size2(2, 1), Size2(1, 3)}) {
      for (const Size2 padding : {Size2(0), Size2(1, 2)}) {
        for (const Size2 dilation : {Size2(1), Size2(2, 3)}) {
          Conv2dOptions o;
          o.stride = stride;
          o.padding = padding;
          o.dilation = dilation;
          o.groups = groups;
          CAPTURE(groups, stride.h, stride.w, padding.h, padding.w, dilation.h, dilation.w);
          const Tensor got = conv2d(x, w, b, o), want = direct_conv2d(x, w, b, o);
          REQUIRE(got.shape() == want.shape());
          const std::vector<float> gv = got.to_vector(), wv = want.to_vector();
          for (size_t k = 0; k < gv.size(); ++k) REQUIRE(gv[k] == Approx(wv[k]).margin(1e-5));
        }
      }
    }
  }
  Conv2dOptions bad;
  bad.groups = 3;
  REQUIRE_THROWS_WITH(conv2d(x, randn({3, 1, 3, 3}, g), Tensor(), bad),
                      Catch::Contains("groups must be >= 1 and divide the input channels 4"));
}

TEST_CASE("gradients of pooling", "[ops][grad]") {
  // Distinct values spaced by more than the FD step, so the arg-max of every window is stable.
  Tensor x = mul(arange(0, 2 * 3 * 5 * 5), 0.1f);
  Generator g(8);
  const Tensor perm = rand({150}, g);
  std::vector<float> v = x.to_vector(), keys = perm.to_vector();
  std::vector<size_t> order(v.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return keys[a] < keys[b]; });
  std::vector<float> shuffled(v.size());
  for (size_t i = 0; i < order.size(); ++i) shuffled[i] = v[order[i]];
  const Tensor input = from_vector(shuffled, {2, 3, 5, 5});
  check_gradients([](const Vars& vv) { return max_pool2d(vv[0], {2, 0, 0}); }, {input});
  check_gradients([](const Vars& vv) { return max_pool2d(vv[0], {3, 2, 1}); }, {input});
  check_gradients([](const Vars& vv) { return avg_pool2d(vv[0], {2, 0, 0}); }, {input});
  check_gradients([](const Vars& vv) { return avg_pool2d(vv[0], {3, 1, 1}); }, {input});
}

TEST_CASE("dropout: scaling, determinism, gradient and eval mode", "[ops][grad]") {
  Generator g1(9), g2(9);
  const Tensor x = add(rand({1000}, g1), 1.0f);
  Variable v(x, true);
  Generator d1(42), d2(42);
  Variable y = dropout(v, 0.25f, true, d1);
  Variable y2 = dropout(Variable(x), 0.25f, true, d2);
  REQUIRE(y.value().to_vector() == y2.value().to_vector());  // same generator state, same mask
  int zeros_seen = 0;
  const std::vector<float> out = y.value().to_vector(), in = x.to_vector();
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == 0.0f) {
      ++zeros_seen;
    } else {
      REQUIRE(out[i] == Approx(in[i] / 0.75f));
    }
  }
  REQUIRE(zeros_seen == Approx(250).margin(45));  // binomial sd = 13.7
  sum(y).backward();
  const std::vector<float> grad = v.grad().to_vector();
  for (size_t i = 0; i < grad.size(); ++i) REQUIRE(grad[i] == (out[i] == 0.0f ? 0.0f : 1.0f / 0.75f));
  // The mask is a constant of the op, so a fixed generator makes it differentiable by FD.
  check_gradients(
      [](const Vars& vv) {
        Generator fixed(5);
        return dropout(vv[0], 0.5f, true, fixed);
      },
      {randn({10}, g2)});
  // Evaluation mode is the identity.
  Generator d3(1);
  REQUIRE(dropout(v, 0.5f, false, d3).value().to_vector() == in);
  REQUIRE_THROWS_AS(dropout(v, 1.0f, true, d3), InvalidArgument);
}
