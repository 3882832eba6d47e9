// Norse's small functional pieces: spike logic, the sign spike function, exp_filter_step,
// regularize_step with both accumulators, lift, and population_encode's kernel and distance
// functions. Values against Norse's definitions, gradients against finite differences.
#include <catch2/catch.hpp>
#include <cmath>

#include "core/core.h"
#include "models/decoders.h"
#include "models/encoders.h"
#include "models/lif.h"
#include "models/lift.h"
#include "models/logical.h"
#include "models/regularization.h"
#include "models/threshold.h"
#include "tests/testing/gradcheck.h"

using namespace norse;

namespace {
std::vector<float> to_vector(const Tensor& t) { return t.to_vector(); }
Variable v1(std::vector<float> values) {
  const int64_t n = static_cast<int64_t>(values.size());
  return Variable(from_vector(std::move(values), {n}));
}
std::vector<float> values_of(const Variable& x) { return to_vector(x.value()); }
}  // namespace

TEST_CASE("logical: and, or, xor, the Muller C-element and the positive-edge detector on every input", "[logical]") {
  // Every pair of bits: x = 0 0 1 1, y = 0 1 0 1.
  const Variable x = v1({0, 0, 1, 1}), y = v1({0, 1, 0, 1});
  REQUIRE(values_of(logical::logical_and(x, y)) == std::vector<float>{0, 0, 0, 1});
  REQUIRE(values_of(logical::logical_or(x, y)) == std::vector<float>{0, 1, 1, 1});
  REQUIRE(values_of(logical::logical_xor(x, y)) == std::vector<float>{0, 1, 1, 0});
  // posedge_detector(z, z_prev): 1 only for z_prev = 0, z = 1.
  REQUIRE(values_of(logical::posedge_detector(y, x)) == std::vector<float>{0, 1, 0, 0});
  // Muller C: both inputs 1 -> 1, both 0 -> 0, otherwise the previous output.
  for (float prev : {0.0f, 1.0f}) {
    const Variable y_prev = v1({prev, prev, prev, prev});
    REQUIRE(values_of(logical::muller_c(y_prev, x, y)) == std::vector<float>{0, prev, prev, 1});
  }
  REQUIRE_THROWS_AS(logical::logical_or(Variable(), y), InvalidArgument);
}

TEST_CASE("logical: or and the C-element pass gradients through SuperSpike (alpha 100) at their sum", "[logical]") {
  Variable x(from_vector({0.0f, 1.0f}, {2}), true), y(from_vector({0.0f, 0.0f}, {2}), true);
  sum(logical::logical_or(x, y)).backward();
  // d/dx H(x + y) = 1 / (100 |x + y| + 1)^2: 1 at 0, 1/101^2 at 1.
  const std::vector<float> gx = to_vector(x.grad()), gy = to_vector(y.grad());
  REQUIRE(gx[0] == Approx(1.0f));
  REQUIRE(gx[1] == Approx(1.0f / (101.0f * 101.0f)));
  REQUIRE(gy == gx);
  // The products: gradient of and / posedge by finite differences (smooth in real inputs).
  Generator g(3);
  testing::check_gradients(
      [](const std::vector<Variable>& v) {
        return logical::logical_and(v[0], v[1]) + logical::posedge_detector(v[0], v[1]);
      },
      {rand({5}, g), rand({5}, g)});
}

TEST_CASE("sign: -1 or +1 from the threshold, twice its surrogate gradient", "[threshold]") {
  Variable x(from_vector({-0.5f, 0.0f, 0.25f}, {3}), true);
  const Variable s = sign(x, Surrogate::kSuper, 10.0f);
  REQUIRE(values_of(s) == std::vector<float>{-1, -1, 1});  // H(0) = 0, strict
  sum(s).backward();
  const std::vector<float> g = to_vector(x.grad());
  for (int k = 0; k < 3; ++k) {
    const float d = 10.0f * std::fabs(values_of(x)[static_cast<size_t>(k)]) + 1.0f;
    REQUIRE(g[static_cast<size_t>(k)] == Approx(2.0f / (d * d)));
  }
}

TEST_CASE("exp_filter_step: parameter * old + new, its gradient, and bad arguments", "[filter]") {
  const Variable out = decode::exp_filter_step(v1({1.0f, -2.0f}), v1({0.5f, 0.5f}), 0.9f);
  REQUIRE(values_of(out) == std::vector<float>{0.9f * 1.0f + 0.5f, 0.9f * -2.0f + 0.5f});
  Generator g(4);
  testing::check_gradients([](const std::vector<Variable>& v) { return decode::exp_filter_step(v[0], v[1], 0.75f); },
                           {randn({2, 3}, g), randn({2, 3}, g)});
  REQUIRE_THROWS_AS(decode::exp_filter_step(v1({1.0f}), v1({1.0f, 2.0f}), 0.5f), ShapeError);
  REQUIRE_THROWS_AS(decode::exp_filter_step(v1({1.0f}), v1({1.0f}), NAN), InvalidArgument);
}

TEST_CASE("regularize_step: spike counts and element-wise voltage sums over a LIF sequence", "[regularization]") {
  Variable x(full({12, 2, 3}, 0.4f), true);
  const lif::Params p;
  Variable spikes, volts;
  lif::State s;
  float expected_count = 0.0f;
  std::vector<float> expected_v(6, 0.0f);
  for (int64_t t = 0; t < 12; ++t) {
    const lif::StepResult r = lif::lif_step(select(x, 0, t), s, p);
    s = r.state;
    const regularization::RegularizeResult counted = regularization::regularize_step(r.z, s, {}, spikes);
    REQUIRE(values_of(counted.z) == values_of(r.z));
    spikes = counted.total;
    volts = regularization::regularize_step(r.z, s, regularization::VoltageAccumulator{}, volts).total;
    for (float z : to_vector(r.z.value())) expected_count += z;
    const std::vector<float> v = to_vector(s.v.value());
    for (size_t k = 0; k < v.size(); ++k) expected_v[k] += v[k];
  }
  REQUIRE(expected_count > 0.0f);
  REQUIRE(spikes.shape().empty());
  REQUIRE(spikes.item() == expected_count);
  REQUIRE(volts.shape() == Shape{2, 3});
  const std::vector<float> got_v = to_vector(volts.value());
  for (size_t k = 0; k < got_v.size(); ++k) REQUIRE(got_v[k] == Approx(expected_v[k]).epsilon(1e-5));
  // The count's gradient reaches the input through the surrogate.
  spikes.backward();
  REQUIRE(sum(abs(x.grad())).item() > 0.0f);
  REQUIRE_THROWS_AS(regularization::voltage_accumulator(Variable(ones({2})), Variable(ones({3}))), ShapeError);
  regularization::RegularizationCell cell(regularization::RegularizationCell::Kind::kVoltage);
  cell.forward(v1({0.5f, -0.25f}));
  REQUIRE(values_of(cell.forward(v1({1.0f, 1.0f}))) == std::vector<float>{1.5f, 0.75f});
}

TEST_CASE("lift: a step function over time equals the fused sequence, values and gradients", "[lift]") {
  Generator g(5);
  const Tensor input = mul(rand({20, 2, 4}, g), 2.0f);
  lif::Params p;
  p.tau_mem_inv = Variable(scalar_tensor(100.0f), true);
  Variable x_lifted(input, true), x_fused(input, true);
  const auto lifted = lift([&](const Variable& x, const lif::State& s) { return lif::lif_step(x, s, p); });
  const LiftedResult<lif::State> r = lifted(x_lifted, lif::State{});
  const lif::SequenceResult f = lif::lif_sequence(x_fused, {}, p);
  REQUIRE(r.z.shape() == Shape{20, 2, 4});
  REQUIRE(sum(r.z).item() > 0.0f);
  REQUIRE(testing::compare_tensors(r.z.value(), f.z.value(), 0.0f, 0.0f).empty());
  REQUIRE(testing::compare_tensors(r.state.v.value(), f.state.v.value(), 1e-6f, 1e-5f).empty());
  sum(r.state.v + r.z).backward();
  const Tensor g_lifted = x_lifted.grad();
  const float tau_grad_lifted = p.tau_mem_inv.grad().item();
  p.tau_mem_inv.zero_grad();
  sum(f.state.v + f.z).backward();
  REQUIRE(testing::compare_tensors(g_lifted, x_fused.grad(), 1e-5f, 1e-4f).empty());
  REQUIRE(tau_grad_lifted == Approx(p.tau_mem_inv.grad().item()).epsilon(1e-4));
  REQUIRE_THROWS_AS(lifted(Variable(zeros({0, 2, 4})), lif::State{}), ShapeError);
}

TEST_CASE("population_encode: Norse's default kernel and distance, and user-given ones", "[encode]") {
  const Variable x = Variable(from_vector({0.0f, 1.0f, 2.0f}, {3}));
  // The defaults are gaussian_rbf(euclidean_distance(x, c) * scale).
  const Variable by_default = encode::population_encode(x, 3, 2.0f);
  const Variable explicit_fns = encode::population_encode(
      x, 3, 2.0f, [](const Variable& d) { return encode::gaussian_rbf(d, 1.0f); }, encode::euclidean_distance);
  REQUIRE(values_of(by_default) == values_of(explicit_fns));
  // A wider kernel and the absolute distance: exp(-|x - c| * scale / (2 * 2^2)).
  const Variable custom = encode::population_encode(
      x, 3, 2.0f, [](const Variable& d) { return encode::gaussian_rbf(d, 2.0f); },
      [](const Variable& a, const Variable& c) { return abs(a - c); });
  const std::vector<float> got = values_of(custom);
  const float centres[3] = {0.0f, 1.0f, 2.0f};
  for (int i = 0; i < 3; ++i) {
    for (int k = 0; k < 3; ++k) {
      const float expected = std::exp(-std::fabs(static_cast<float>(i) - centres[k]) * 2.0f / 8.0f);
      REQUIRE(got[static_cast<size_t>(i * 3 + k)] == Approx(expected).epsilon(1e-6));
    }
  }
  Generator g(6);
  testing::check_gradients(
      [](const std::vector<Variable>& v) {
        return encode::population_encode(v[0], 4, 1.5f,
                                         [](const Variable& d) { return encode::gaussian_rbf(d, 0.7f); });
      },
      {rand({2, 3}, g)});
  // A distance function that does not broadcast to [..., K] is named in the error.
  REQUIRE_THROWS_WITH(encode::population_encode(
                          x, 3, 2.0f, [](const Variable& d) { return encode::gaussian_rbf(d); },
                          [](const Variable& a, const Variable&) { return a; }),
                      Catch::Contains("distance_function"));
  REQUIRE_THROWS_AS(encode::gaussian_rbf(x, 0.0f), InvalidArgument);
}
