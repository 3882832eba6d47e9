// Decoders and the exponential filter: hand-worked values, gradients, and the case Norse's
// backward cannot handle (fewer spikes than asked).
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "core/core.h"
#include "models/decoders.h"
#include "tests/testing/gradcheck.h"

using namespace norse;

TEST_CASE("spikes_to_times: sorted first spike times, +inf when missing, gradient -dt", "[decoders]") {
  // [T=5, 3 neurons]: spikes at t=1,3 / t=0 only / none.
  Variable s(from_vector({0, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0}, {5, 3}), true);
  const Variable times = decode::spikes_to_times_decode(s, 2, true, 1e-3f);
  REQUIRE(times.shape() == Shape{2, 3});
  const float inf = std::numeric_limits<float>::infinity();
  REQUIRE(times.value().at({0, 0}) == Approx(1e-3f));
  REQUIRE(times.value().at({1, 0}) == Approx(3e-3f));
  REQUIRE(times.value().at({0, 1}) == 0.0f);
  REQUIRE(times.value().at({1, 1}) == inf);
  REQUIRE(times.value().at({0, 2}) == inf);
  // Gradient only from the finite entries (Norse's backward fails here; missing spikes have no
  // dependency on the input).
  times.backward(from_vector({1, 2, 3, 4, 5, 6}, {2, 3}));
  NORSE_REQUIRE_CLOSE(s.grad(), from_vector({0, -2e-3f, 0, -1e-3f, 0, 0, 0, 0, 0, -4e-3f, 0, 0, 0, 0, 0}, {5, 3}));
  // K is capped by T; indices without conversion.
  REQUIRE(decode::spikes_to_times_decode(Variable(ones({2, 1})), 5, false).value().to_vector() ==
          std::vector<float>{0, 1});
  REQUIRE_THROWS_AS(decode::spikes_to_times_decode(s, 0), InvalidArgument);
}

TEST_CASE("sum_decode sums over time", "[decoders]") {
  NORSE_REQUIRE_CLOSE(decode::sum_decode(Variable(arange(0, 6).view({3, 2}))).value(), from_vector({6, 9}, {2}));
}

TEST_CASE("ExpFilter: Linear then out[t] = decay out[t-1] + y[t]; gradients", "[decoders][filter]") {
  Generator g(1);
  decode::ExpFilter filter(2, 1, g, 100.0f);  // decay = exp(-0.1)
  filter.linear.weight = Variable(from_vector({1, 0}, {1, 2}), true);
  filter.linear.bias = Variable(from_vector({0}, {1}), true);
  const Variable out = filter.forward(Variable(from_vector({1, 5, 0, 5, 2, 5}, {3, 1, 2})));
  const float d = std::exp(-0.1f);
  NORSE_REQUIRE_CLOSE(out.value(), from_vector({1, d, d * d + 2}, {3, 1, 1}), 1e-6f, 1e-6f);
  testing::check_gradients(
      [](const std::vector<Variable>& v) {
        Generator unused(0);
        decode::ExpFilter f(3, 2, unused, 50.0f);
        f.linear.weight = v[1];
        f.linear.bias = v[2];
        return f.forward(v[0]);
      },
      {randn({4, 2, 3}, g), randn({2, 3}, g), randn({2}, g)});
}

#include "models/lif.h"
#include "models/regularization.h"

TEST_CASE("regularisation: spike and voltage accumulators, and their gradient through the surrogate",
          "[regularization]") {
  regularization::RegularizationCell cell;
  REQUIRE(cell.forward(Variable(from_vector({1, 0, 1}, {3}))).item() == 2.0f);
  REQUIRE(cell.forward(Variable(from_vector({1, 1, 1}, {3}))).item() == 5.0f);
  cell.reset();
  REQUIRE_FALSE(cell.total().defined());
  regularization::RegularizationCell volts(regularization::RegularizationCell::Kind::kVoltage);
  REQUIRE(volts.forward(Variable(from_vector({0.5f, -0.25f}, {2}))).value().to_vector() ==
          std::vector<float>{0.5f, -0.25f});
  // A spike-count penalty reaches the input current of a LIF layer.
  Variable x(full({20, 1, 3}, 0.3f), true);
  const lif::SequenceResult r = lif::lif_sequence(x, {}, lif::Params{});
  const Variable count = regularization::spike_accumulator(r.z);
  REQUIRE(count.item() > 0.0f);
  count.backward();
  REQUIRE(sum(abs(x.grad())).item() > 0.0f);
  REQUIRE_THROWS_AS(regularization::spike_accumulator(Variable(ones({2})), Variable(ones({2}))), ShapeError);
}
