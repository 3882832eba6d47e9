// Value tests for the Tensor math against numbers worked out by hand (or by a second,
// naive implementation written in the test).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>

#include "core/core.h"
#include "tests/testing/gradcheck.h"

using namespace norse;

TEST_CASE("unary element-wise ops", "[ops][values]") {
  const Tensor x = from_vector({-2.0f, -0.5f, 0.0f, 1.0f, 3.0f}, {5});
  NORSE_REQUIRE_CLOSE(neg(x), from_vector({2, 0.5f, 0, -1, -3}, {5}));
  NORSE_REQUIRE_CLOSE(relu(x), from_vector({0, 0, 0, 1, 3}, {5}));
  NORSE_REQUIRE_CLOSE(abs(x), from_vector({2, 0.5f, 0, 1, 3}, {5}));
  NORSE_REQUIRE_CLOSE(sign(x), from_vector({-1, -1, 0, 1, 1}, {5}));
  NORSE_REQUIRE_CLOSE(heaviside(x), from_vector({0, 0, 0, 1, 1}, {5}));  // strict: 0 at 0
  NORSE_REQUIRE_CLOSE(clamp(x, -1.0f, 2.0f), from_vector({-1, -0.5f, 0, 1, 2}, {5}));
  NORSE_REQUIRE_CLOSE(pow(x, 2.0f), from_vector({4, 0.25f, 0, 1, 9}, {5}));
  NORSE_REQUIRE_CLOSE(pow(from_vector({4, 9}, {2}), 0.5f), from_vector({2, 3}, {2}));
  NORSE_REQUIRE_CLOSE(exp(from_vector({0, 1, -1}, {3})), from_vector({1, 2.7182818f, 0.36787944f}, {3}));
  NORSE_REQUIRE_CLOSE(log(from_vector({1, 2.7182818f, 0.5f}, {3})), from_vector({0, 1, -0.69314718f}, {3}));
  NORSE_REQUIRE_CLOSE(tanh(from_vector({0, 0.5f, -2}, {3})), from_vector({0, 0.46211716f, -0.96402758f}, {3}));
  NORSE_REQUIRE_CLOSE(sigmoid(from_vector({0, 2, -100}, {3})), from_vector({0.5f, 0.88079708f, 0}, {3}));
  NORSE_REQUIRE_CLOSE(sqrt(from_vector({0, 4, 2}, {3})), from_vector({0, 2, 1.41421356f}, {3}));
  NORSE_REQUIRE_CLOSE(sin(from_vector({0, 1.5707963f, -0.5f}, {3})), from_vector({0, 1, -0.47942554f}, {3}));
  NORSE_REQUIRE_CLOSE(cos(from_vector({0, 3.14159265f, 0.5f}, {3})), from_vector({1, -1, 0.87758256f}, {3}));
  NORSE_REQUIRE_CLOSE(add(x, 1.0f), from_vector({-1, 0.5f, 1, 2, 4}, {5}));
  NORSE_REQUIRE_CLOSE(mul(x, -2.0f), from_vector({4, 1, 0, -2, -6}, {5}));
  NORSE_REQUIRE_CLOSE(in_range(x, -0.5f, 1.0f), from_vector({0, 1, 1, 1, 0}, {5}));
}

TEST_CASE("binary ops broadcast NumPy-style", "[ops][values]") {
  const Tensor a = from_vector({1, 2, 3, 4, 5, 6}, {2, 3});
  const Tensor row = from_vector({10, 20, 30}, {3});
  const Tensor col = from_vector({100, 200}, {2, 1});
  NORSE_REQUIRE_CLOSE(add(a, row), from_vector({11, 22, 33, 14, 25, 36}, {2, 3}));
  NORSE_REQUIRE_CLOSE(sub(a, col), from_vector({-99, -98, -97, -196, -195, -194}, {2, 3}));
  NORSE_REQUIRE_CLOSE(mul(col, row), from_vector({1000, 2000, 3000, 2000, 4000, 6000}, {2, 3}));
  NORSE_REQUIRE_CLOSE(div(a, row), from_vector({0.1f, 0.1f, 0.1f, 0.4f, 0.25f, 0.2f}, {2, 3}));
  NORSE_REQUIRE_CLOSE(pow(a, from_vector({2}, {1})), from_vector({1, 4, 9, 16, 25, 36}, {2, 3}));
  NORSE_REQUIRE_CLOSE(gt(a, from_vector({3}, {})), from_vector({0, 0, 0, 1, 1, 1}, {2, 3}));
  NORSE_REQUIRE_CLOSE(eq(a, row), zeros({2, 3}));
  // Broadcasting a 3-d against a 2-d with size-1 dims on both sides, and non-contiguous inputs.
  const Tensor p = arange(0, 6).view({3, 1, 2});
  const Tensor q = arange(0, 8).view({4, 2}).transpose(0, 1).slice(0, 0, 1);  // [1, 4] view
  const Tensor r = add(p.select(2, 0).unsqueeze(2), q);                       // [3, 1, 1] + [1, 4]
  REQUIRE(r.shape() == Shape{3, 1, 4});
  NORSE_REQUIRE_CLOSE(r, from_vector({0, 2, 4, 6, 2, 4, 6, 8, 4, 6, 8, 10}, {3, 1, 4}));
  REQUIRE_THROWS_AS(add(a, zeros({2})), ShapeError);
  REQUIRE_THROWS_WITH(mul(a, zeros({4, 3})), Catch::Contains("mul: shapes [2, 3] and [4, 3] do not broadcast"));
}

TEST_CASE("large element-wise ops give the same bits on 1 and 2 threads", "[ops][threads]") {
  Generator g(11);
  const Tensor a = randn({300, 257}, g), b = randn({257}, g);
  const int before = num_threads();
  set_num_threads(1);
  const Tensor one = tanh(add(mul(a, b), a));
  const Tensor s1 = sum(a, {0});
  const Tensor total1 = sum(a);
  set_num_threads(2);
  const Tensor two = tanh(add(mul(a, b), a));
  const Tensor s2 = sum(a, {0});
  const Tensor total2 = sum(a);
  set_num_threads(before);
  REQUIRE(one.to_vector() == two.to_vector());
  REQUIRE(s1.to_vector() == s2.to_vector());
  REQUIRE(total1.item() == total2.item());
}

TEST_CASE("reductions", "[ops][values]") {
  const Tensor t = arange(0, 24).view({2, 3, 4});
  REQUIRE(sum(t).item() == 276.0f);
  REQUIRE(mean(t).item() == 11.5f);
  NORSE_REQUIRE_CLOSE(sum(t, {1}), from_vector({12, 15, 18, 21, 48, 51, 54, 57}, {2, 4}));
  NORSE_REQUIRE_CLOSE(sum(t, {0, 2}, true), from_vector({60, 92, 124}, {1, 3, 1}));
  NORSE_REQUIRE_CLOSE(sum(t, {-1}), from_vector({6, 22, 38, 54, 70, 86}, {2, 3}));
  NORSE_REQUIRE_CLOSE(mean(t, {0}), add(arange(0, 12).view({3, 4}), 6.0f));
  NORSE_REQUIRE_CLOSE(sum(t.permute({2, 0, 1}), {0}), sum(t, {2}));  // non-contiguous input
  NORSE_REQUIRE_CLOSE(sum_to(t, {3, 1}), from_vector({60, 92, 124}, {3, 1}));
  NORSE_REQUIRE_CLOSE(sum_to(t, {4}), from_vector({60, 66, 72, 78}, {4}));
  REQUIRE(sum(zeros({0, 3})).item() == 0.0f);
  // Kept dims between reduced ones (a conv bias gradient) are summed in place, bit for bit as
  // the permuted copy that a non-contiguous input takes.
  Generator g(7);
  const Tensor x = randn({5, 7, 3, 4}, g);
  REQUIRE(sum(x, {0, 2, 3}).to_vector() == sum(x.permute({1, 0, 2, 3}), {1, 2, 3}).to_vector());
  REQUIRE(sum(x, {0, 3}, true).to_vector() == sum(x.permute({1, 2, 0, 3}), {2, 3}).to_vector());
  NORSE_REQUIRE_CLOSE(sum(x, {0, 2, 3}), sum(sum(sum(x, {3}), {2}), {0}), 1e-5f);

  const Tensor m = from_vector({1, 7, 3, 9, 2, 9, 5, 0, -1}, {3, 3});
  const MaxResult r = max(m, 1);
  NORSE_REQUIRE_CLOSE(r.values, from_vector({7, 9, 5}, {3}));
  NORSE_REQUIRE_CLOSE(r.indices, from_vector({1, 0, 0}, {3}));  // first of the tied 9s
  const MaxResult c = max(m, 0, true);
  NORSE_REQUIRE_CLOSE(c.values, from_vector({9, 7, 9}, {1, 3}));
  NORSE_REQUIRE_CLOSE(c.indices, from_vector({1, 0, 1}, {1, 3}));
}

TEST_CASE("matmul matches a naive triple loop, 2-D, batched, broadcast and transposed", "[ops][values]") {
  Generator g(3);
  auto naive = [](const Tensor& a, const Tensor& b) {
    const int64_t m = a.size(0), k = a.size(1), n = b.size(1);
    Tensor c = zeros({m, n});
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double acc = 0;
        for (int64_t p = 0; p < k; ++p) acc += static_cast<double>(a.at({i, p})) * b.at({p, j});
        c.at({i, j}) = static_cast<float>(acc);
      }
    return c;
  };
  const Tensor a = randn({5, 7}, g), b = randn({7, 3}, g);
  NORSE_REQUIRE_CLOSE(matmul(a, b), naive(a, b), 1e-5f, 1e-4f);
  NORSE_REQUIRE_CLOSE(matmul(from_vector({1, 2, 3, 4}, {2, 2}), from_vector({5, 6, 7, 8}, {2, 2})),
                      from_vector({19, 22, 43, 50}, {2, 2}));
  // Transposed views are read in place.
  const Tensor at = randn({7, 5}, g), bt = randn({3, 7}, g);
  NORSE_REQUIRE_CLOSE(matmul(at.transpose(0, 1), bt.transpose(0, 1)),
                      naive(at.transpose(0, 1).contiguous(), bt.transpose(0, 1).contiguous()), 1e-5f, 1e-4f);
  // Batched with broadcasting of the batch dims: [2, 1, 4, 3] @ [3, 3, 2] -> [2, 3, 4, 2].
  const Tensor x = randn({2, 1, 4, 3}, g), y = randn({3, 3, 2}, g);
  const Tensor z = matmul(x, y);
  REQUIRE(z.shape() == Shape{2, 3, 4, 2});
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 3; ++j)
      NORSE_REQUIRE_CLOSE(z.select(0, i).select(0, j), naive(x.select(0, i).select(0, 0), y.select(0, j)), 1e-5f,
                          1e-4f);
  // Non-contiguous, non-transposed operand (a slice with step) is copied first.
  const Tensor big = randn({10, 7}, g);
  NORSE_REQUIRE_CLOSE(matmul(big.slice(0, 0, 10, 2), b), naive(big.slice(0, 0, 10, 2).contiguous(), b), 1e-5f, 1e-4f);
  REQUIRE_THROWS_WITH(matmul(a, a), Catch::Contains("matmul: argument 'b' must have size 7 in dimension -2"));
  REQUIRE_THROWS_AS(matmul(zeros({3}), a), ShapeError);
}

TEST_CASE("matmul results do not depend on the thread count", "[ops][threads]") {
  Generator g(8);
  const Tensor a = randn({300, 200}, g), b = randn({200, 250}, g);
  const int before = num_threads();
  set_num_threads(1);
  const Tensor one = matmul(a, b);
  set_num_threads(2);
  const Tensor two = matmul(a, b);
  set_num_threads(before);
  REQUIRE(one.to_vector() == two.to_vector());
}

TEST_CASE("concat and stack", "[ops][values]") {
  const Tensor a = from_vector({1, 2, 3, 4}, {2, 2});
  const Tensor b = from_vector({5, 6}, {1, 2});
  NORSE_REQUIRE_CLOSE(concat({a, b}, 0), from_vector({1, 2, 3, 4, 5, 6}, {3, 2}));
  NORSE_REQUIRE_CLOSE(concat({a, a}, 1), from_vector({1, 2, 1, 2, 3, 4, 3, 4}, {2, 4}));
  NORSE_REQUIRE_CLOSE(stack({a, a}, 0), from_vector({1, 2, 3, 4, 1, 2, 3, 4}, {2, 2, 2}));
  NORSE_REQUIRE_CLOSE(stack({a, a}, 2), from_vector({1, 1, 2, 2, 3, 3, 4, 4}, {2, 2, 2}));
  REQUIRE_THROWS_AS(concat({a, b}, 1), ShapeError);
  REQUIRE_THROWS_AS(stack({a, b}, 0), ShapeError);
  REQUIRE_THROWS_AS(concat(std::vector<Tensor>{}, 0), InvalidArgument);
}

TEST_CASE("softmax and log_softmax", "[ops][values]") {
  const Tensor x = from_vector({1, 2, 3, 0, 0, 0}, {2, 3});
  // softmax([1,2,3]) = exp([1,2,3]) / (e + e^2 + e^3)
  const Tensor expected = from_vector({0.09003057f, 0.24472847f, 0.66524096f, 1 / 3.0f, 1 / 3.0f, 1 / 3.0f}, {2, 3});
  NORSE_REQUIRE_CLOSE(softmax(x, 1), expected);
  NORSE_REQUIRE_CLOSE(log_softmax(x, -1), log(expected), 1e-5f, 1e-5f);
  NORSE_REQUIRE_CLOSE(softmax(x.transpose(0, 1), 0), expected.transpose(0, 1).contiguous());
  // Stable for large inputs.
  NORSE_REQUIRE_CLOSE(softmax(from_vector({1000, 1000}, {2}), 0), from_vector({0.5f, 0.5f}, {2}));
  NORSE_REQUIRE_CLOSE(log_softmax(from_vector({1000, 0}, {2}), 0), from_vector({0, -1000}, {2}));
}

TEST_CASE("conv2d matches a direct convolution", "[ops][values]") {
  Generator g(21);
  auto direct = [](const Tensor& x, const Tensor& w, const Tensor& b, int64_t stride, int64_t pad) {
    const int64_t B = x.size(0), C = x.size(1), H = x.size(2), W = x.size(3);
    const int64_t O = w.size(0), kh = w.size(2), kw = w.size(3);
    const int64_t Ho = (H + 2 * pad - kh) / stride + 1, Wo = (W + 2 * pad - kw) / stride + 1;
    Tensor out = zeros({B, O, Ho, Wo});
    for (int64_t n = 0; n < B; ++n)
      for (int64_t o = 0; o < O; ++o)
        for (int64_t y = 0; y < Ho; ++y)
          for (int64_t xo = 0; xo < Wo; ++xo) {
            double acc = b.defined() ? b.at({o}) : 0.0;
            for (int64_t c = 0; c < C; ++c)
              for (int64_t i = 0; i < kh; ++i)
                for (int64_t j = 0; j < kw; ++j) {
                  const int64_t yy = y * stride - pad + i, xx = xo * stride - pad + j;
                  if (yy >= 0 && yy < H && xx >= 0 && xx < W)
                    acc += static_cast<double>(x.at({n, c, yy, xx})) * w.at({o, c, i, j});
                }
            out.at({n, o, y, xo}) = static_cast<float>(acc);
          }
    return out;
  };
  const Tensor x = randn({2, 3, 7, 6}, g), w = randn({4, 3, 3, 2}, g), b = randn({4}, g);
  for (int64_t stride : {1, 2}) {
    for (int64_t pad : {0, 1}) {
      CAPTURE(stride, pad);
      NORSE_REQUIRE_CLOSE(conv2d(x, w, b, {stride, pad}), direct(x, w, b, stride, pad), 1e-4f, 1e-4f);
    }
  }
  NORSE_REQUIRE_CLOSE(conv2d(x, w, Tensor(), {}), direct(x, w, Tensor(), 1, 0), 1e-4f, 1e-4f);
  // A worked example: 1 channel, 3x3 input, 2x2 all-ones kernel -> 2x2 window sums.
  NORSE_REQUIRE_CLOSE(conv2d(arange(1, 10).view({1, 1, 3, 3}), ones({1, 1, 2, 2}), Tensor(), {}),
                      from_vector({12, 16, 24, 28}, {1, 1, 2, 2}));
}

TEST_CASE("max_pool2d and avg_pool2d", "[ops][values]") {
  const Tensor x = from_vector({1, 2, 5, 0, 3, 4, 1, 1, 0, 0, 2, 2, 9, 0, 2, 3}, {1, 1, 4, 4});
  const MaxPool2dResult r = max_pool2d(x, {2, 0, 0});
  NORSE_REQUIRE_CLOSE(r.values, from_vector({4, 5, 9, 3}, {1, 1, 2, 2}));
  NORSE_REQUIRE_CLOSE(r.indices, from_vector({5, 2, 12, 15}, {1, 1, 2, 2}));
  NORSE_REQUIRE_CLOSE(avg_pool2d(x, {2, 0, 0}), from_vector({2.5f, 1.75f, 2.25f, 2.25f}, {1, 1, 2, 2}));
  // Stride 1, padding 1 with a 3x3 window: padding counts in the average (PyTorch default).
  const Tensor ones4 = ones({1, 1, 2, 2});
  NORSE_REQUIRE_CLOSE(avg_pool2d(ones4, {3, 1, 1}), full({1, 1, 2, 2}, 4.0f / 9.0f));
  NORSE_REQUIRE_CLOSE(max_pool2d(neg(ones4), {3, 1, 1}).values, full({1, 1, 2, 2}, -1.0f));  // pad is -inf
  REQUIRE_THROWS_AS(max_pool2d(x, {2, 0, 2}), InvalidArgument);
}

TEST_CASE("max_pool2d: ties take the first position, a NaN wins and ends its window row", "[ops][values]") {
  // Five 2x2 windows side by side in one 2x10 plane (the CPU's unrolled 2x2 loop).
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const Tensor x = from_vector({0, 0, 0, 1, 1, nan, nan, 5, nan, nan,  //
                                0, 0, 1, 0, 2, 3,   nan, 1, 0,   0},
                               {1, 1, 2, 10});
  const MaxPool2dResult r = max_pool2d(x, {2, 0, 0});
  const std::vector<float> values = r.values.to_vector(), indices = r.indices.to_vector();
  REQUIRE(values[0] == 0.0f);
  REQUIRE(indices[0] == 0.0f);  // all zero (silent neurons): the first
  REQUIRE(values[1] == 1.0f);
  REQUIRE(indices[1] == 3.0f);  // two equal maxima: the first in row order
  REQUIRE(std::isnan(values[2]));
  REQUIRE(indices[2] == 5.0f);  // a NaN beats every number after it
  REQUIRE(std::isnan(values[3]));
  REQUIRE(indices[3] == 16.0f);  // a NaN in a later row replaces one in an earlier row
  REQUIRE(std::isnan(values[4]));
  REQUIRE(indices[4] == 8.0f);  // but not the next NaN in its own row
  // The generic loop (a 3x3 kernel) chooses alike: the row's second NaN does not replace its first.
  const Tensor y = from_vector({1, nan, nan, 2, 3, 4, 0, 0, 0}, {1, 1, 3, 3});
  const MaxPool2dResult q = max_pool2d(y, {3, 1, 0});
  REQUIRE(std::isnan(q.values.to_vector()[0]));
  REQUIRE(q.indices.to_vector()[0] == 1.0f);
}

TEST_CASE("max_pool2d 2x2 on spikes: the first maximum of every window, as the definition", "[ops][values]") {
  // 0/1 inputs (most windows tie) and random values, odd widths (the last column is in no
  // window), rows of up to 32 inputs (the AVX-512 row: 9, 24, 33) and wider (40; the AVX2 row
  // takes any width, 8 windows at a time and the rest one by one: 4, 12, 16, 20 windows), and
  // one NaN row pair (its rows take the per-window path, the others the vectorised one). The
  // _no_avx512 and _portable targets run it on the narrower paths.
  for (const int64_t width : {9, 24, 33, 40}) {
    for (const bool spikes : {true, false}) {
      CAPTURE(width, spikes);
      Generator gen(5);
      Tensor x = rand({3, 4, 8, width}, gen);
      float* v = x.data();
      if (spikes) {
        for (int64_t k = 0; k < x.numel(); ++k) v[k] = v[k] < 0.3f ? 1.0f : 0.0f;
      }
      v[2 * width + 4] = std::numeric_limits<float>::quiet_NaN();  // plane 0, row 2: row pair 1
      const MaxPool2dResult r = max_pool2d(x, {2, 0, 0});
      const std::vector<float> values = r.values.to_vector(), indices = r.indices.to_vector();
      const int64_t out_w = width / 2, in_plane = 8 * width;
      int64_t wrong = 0;
      for (int64_t p = 0; p < 12; ++p) {
        for (int64_t oy = 0; oy < 4; ++oy) {
          for (int64_t ox = 0; ox < out_w; ++ox) {
            int64_t arg = -1;
            for (int64_t dy = 0; dy < 2; ++dy) {
              for (int64_t dx = 0; dx < 2; ++dx) {
                const int64_t at = (2 * oy + dy) * width + 2 * ox + dx;
                const float a = v[p * in_plane + at];
                if (arg < 0 || std::isnan(a) || a > v[p * in_plane + arg]) arg = at;  // the NaN is its window's first
              }
            }
            const size_t o = static_cast<size_t>((p * 4 + oy) * out_w + ox);
            const float want = v[p * in_plane + arg];
            wrong += indices[o] != static_cast<float>(arg) ||
                     !(values[o] == want || (std::isnan(values[o]) && std::isnan(want)));
          }
        }
      }
      REQUIRE(wrong == 0);
    }
  }
}

TEST_CASE("max_pool2d_backward 2x2: the gradient scattered into a zeroed input, bit for bit", "[ops][values]") {
  // Rows of up to 32 inputs take the AVX-512 row path (9, 24), wider ones (33, 40) the AVX2 rows
  // (every width on the _no_avx512 target) or the scatter (_portable);
  // an odd height and width leave a row and a column in no window; a -0 gradient becomes the
  // +0 that 0 + (-0) gives.
  for (const int64_t width : {9, 24, 33, 40}) {
    CAPTURE(width);
    Generator gen(7);
    const int64_t height = 7;
    const Tensor x = rand({2, 3, height, width}, gen);
    const MaxPool2dResult r = max_pool2d(x, {2, 0, 0});
    Tensor go = randn(r.values.shape(), gen);
    go.data()[1] = -0.0f;
    const Tensor got = max_pool2d_backward(go, r.indices, x.shape(), {2, 0, 0});
    std::vector<float> want(static_cast<size_t>(x.numel()), 0.0f);
    const int64_t in_plane = height * width, out_plane = r.values.size(2) * r.values.size(3);
    for (int64_t k = 0; k < go.numel(); ++k) {
      const int64_t p = k / out_plane;
      want[static_cast<size_t>(p * in_plane + static_cast<int64_t>(r.indices.data()[k]))] += go.data()[k];
    }
    int64_t differ = 0;
    for (size_t e = 0; e < want.size(); ++e) differ += std::memcmp(&want[e], got.data() + e, sizeof(float)) != 0;
    REQUIRE(differ == 0);
  }
}

TEST_CASE("max_pool2d_backward: an index outside its window is an error naming it, never a write", "[ops][errors]") {
  // Each path checks: the 2 x 2 rows (widths 9, 24: AVX-512; 40: AVX2; _portable: the scatter)
  // count one hit per window, the scatter checks before writing, a 3 x 3 pool always scatters.
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (const int64_t kernel : {2, 3}) {
    for (const int64_t width : {9, 24, 40}) {
      Generator gen(11);
      const Tensor x = rand({2, 3, 6, width}, gen);
      const Pool2dOptions options{kernel, 0, 0};
      const MaxPool2dResult r = max_pool2d(x, options);
      const Tensor go = randn(r.values.shape(), gen);
      REQUIRE_NOTHROW(max_pool2d_backward(go, r.indices, x.shape(), options));
      const int64_t k = r.indices.numel() - 2;  // the last plane, the last row, a window inside it
      const float own = r.indices.data()[k];
      // Another window's position, outside the plane, negative, NaN, not a whole number.
      for (const float bad : {r.indices.data()[k - 1], 1e6f, -1.0f, nan, own + 0.5f}) {
        CAPTURE(kernel, width, bad);
        Tensor indices = r.indices.clone();
        indices.data()[k] = bad;
        try {
          max_pool2d_backward(go, indices, x.shape(), options);
          FAIL("no exception");
        } catch (const InvalidArgument& e) {
          const std::string message = e.what();
          REQUIRE(message.find("max_pool2d_backward: indices") != std::string::npos);
          REQUIRE(message.find("at element " + std::to_string(k)) != std::string::npos);
        }
      }
    }
  }
}

TEST_CASE("unfold2d: conv2d is the weight matrix times the unfolded input; dilation", "[ops][values]") {
  Generator g(31);
  const Tensor x = randn({2, 3, 6, 5}, g), w = randn({4, 3, 3, 2}, g);
  for (int64_t stride : {1, 2}) {
    for (int64_t pad : {0, 1}) {
      CAPTURE(stride, pad);
      const Tensor cols = unfold2d(x, 3, 2, stride, pad);
      const Tensor y = matmul(w.reshape({4, 18}), cols);  // [2, 4, L]
      NORSE_REQUIRE_CLOSE(y.reshape(conv2d(x, w, Tensor(), {stride, pad}).shape()),
                          conv2d(x, w, Tensor(), {stride, pad}), 1e-4f, 1e-4f);
    }
  }
  // Dilation 2 on a 1x1x5x5 ramp with a 2x2 kernel: the block at (0, 0) reads (0,0),(0,2),(2,0),(2,2).
  const Tensor ramp = arange(0, 25).view({1, 1, 5, 5});
  const Tensor d = unfold2d(ramp, 2, 2, 1, 0, 2);
  REQUIRE(d.shape() == Shape{1, 4, 9});
  NORSE_REQUIRE_CLOSE(d.select(2, 0), from_vector({0, 2, 10, 12}, {1, 4}));
  REQUIRE_THROWS_AS(unfold2d(ramp, 2, 2, 1, 0, 0), InvalidArgument);
}

TEST_CASE("count_nonzero counts entries != 0 across its blocks", "[ops][values]") {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  REQUIRE(count_nonzero(from_vector({0, 1, -0.0f, 2, nan, 0}, {2, 3})) == 3);  // -0 is zero, NaN is not
  REQUIRE(count_nonzero(zeros({0})) == 0);
  // Past one partial block (8192 entries), and a strided view.
  Tensor big = zeros({3, 10000});
  for (int64_t k = 0; k < 10000; k += 7) big.at({1, k}) = 1.0f;
  REQUIRE(count_nonzero(big) == 1429);
  REQUIRE(count_nonzero(big.transpose(0, 1)) == 1429);
  REQUIRE(count_nonzero(big.slice(0, 0, 1)) == 0);
}
