// Properties from the literature: STDP's sign and decay of dw with the spike-time difference
// (Bi & Poo 1998), and depressing vs facilitating Tsodyks-Markram synapses (Tsodyks et al. 1998).
#include <catch2/catch.hpp>

#include <cmath>

#include "core/core.h"
#include "plasticity/stdp.h"
#include "plasticity/tsodyks_markram.h"
#include "tests/testing/gradcheck.h"

using namespace norse;

namespace {
// dw after one pre spike at t_pre and one post spike at t_post (steps of 1 ms, 1 pre, 1 post).
float pairing_dw(int t_pre, int t_post) {
  stdp::Params p;
  p.eta_plus = p.eta_minus = 0.01f;
  p.hardbound = false;
  stdp::State s;
  Tensor w = full({1, 1}, 0.5f);
  for (int t = 0; t < 60; ++t) {
    const Tensor pre = full({1, 1}, t == t_pre ? 1.0f : 0.0f), post = full({1, 1}, t == t_post ? 1.0f : 0.0f);
    w = stdp::stdp_step_linear(pre, post, w, s, p);
  }
  return w.item() - 0.5f;
}
}  // namespace

TEST_CASE("STDP: pre before post potentiates, post before pre depresses, |dw| shrinks with the interval", "[stdp]") {
  const float causal_5 = pairing_dw(10, 15), causal_20 = pairing_dw(10, 30);
  const float acausal_5 = pairing_dw(15, 10), acausal_20 = pairing_dw(30, 10);
  CAPTURE(causal_5, causal_20, acausal_5, acausal_20);
  REQUIRE(causal_5 > 0.0f);
  REQUIRE(acausal_5 < 0.0f);
  REQUIRE(causal_20 > 0.0f);
  REQUIRE(causal_20 < causal_5);
  REQUIRE(std::fabs(acausal_20) < std::fabs(acausal_5));
  // Norse's default traces (tau_pre_inv = 20 per s, dt = 1 ms): the pre trace jumps to
  // dt*tau = 0.02 at the pre spike and is 0.02 * 0.98^5 five steps later, so dw = eta * that.
  REQUIRE(causal_5 == Approx(0.01f * 0.02f * std::pow(0.98f, 5.0f)).epsilon(1e-4));
  REQUIRE(causal_20 == Approx(0.01f * 0.02f * std::pow(0.98f, 20.0f)).epsilon(1e-4));
}

TEST_CASE("STDP weight dependence and hard bounds", "[stdp]") {
  stdp::Params p;
  p.eta_plus = 1.0f;
  p.algorithm = stdp::Algorithm::kMultiplicativeRelu;
  stdp::State s;
  // At w = w_max, multiplicative potentiation vanishes.
  const Tensor at_max = stdp::stdp_step_linear(ones({1, 1}), ones({1, 1}), full({1, 1}, 1.0f), s, p);
  REQUIRE(at_max.item() <= 1.0f);
  p.algorithm = stdp::Algorithm::kAdditive;
  p.eta_plus = 100.0f;
  stdp::State s2;
  REQUIRE(stdp::stdp_step_linear(ones({1, 1}), ones({1, 1}), full({1, 1}, 0.5f), s2, p).item() == 1.0f);  // clamped
  REQUIRE_THROWS_WITH(stdp::parse_algorithm("hebbian"), Catch::Contains("valid: additive"));
  stdp::State s3;
  REQUIRE_THROWS_AS(stdp::stdp_step_linear(ones({2, 3}), ones({2, 4}), ones({3, 4}), s3), ShapeError);
}

TEST_CASE("Tsodyks-Markram: depressing synapses weaken over a train, facilitating ones strengthen", "[stp]") {
  // A regular 50 Hz train of 8 spikes.
  Tensor z = zeros({160, 1, 1});
  for (int k = 0; k < 8; ++k) z.at({k * 20, 0, 0}) = 1.0f;
  tsodyks_markram::Params depressing;  // large U, slow recovery
  depressing.U = 0.5f;
  depressing.tau_f_inv = 1.0f / 20e-3f;
  depressing.tau_d_inv = 1.0f / 800e-3f;
  tsodyks_markram::Params facilitating;  // small U, slow decay of u, fast recovery
  facilitating.U = 0.1f;
  facilitating.tau_f_inv = 1.0f / 1000e-3f;
  facilitating.tau_d_inv = 1.0f / 50e-3f;
  auto responses = [&](const tsodyks_markram::Params& p) {
    const Tensor out = tsodyks_markram::stp_sequence(Variable(z), {}, p).output.value();
    std::vector<float> r;
    for (int k = 0; k < 8; ++k) r.push_back(out.at({k * 20, 0, 0}));
    return r;
  };
  const std::vector<float> dep = responses(depressing), fac = responses(facilitating);
  CAPTURE(dep, fac);
  REQUIRE(dep.back() < 0.6f * dep.front());
  REQUIRE(fac[3] > 1.5f * fac.front());
  // Gradients reach the initial state (finite differences).
  Generator g(1);
  testing::check_gradients(
      [&](const std::vector<Variable>& v) {
        return tsodyks_markram::stp_sequence(Variable(z.slice(0, 0, 45)), {v[0], v[1]}, depressing).output;
      },
      {rand({1, 1}, g, 0.1f, 0.4f), rand({1, 1}, g, 0.5f, 0.9f)});
}

#include "plasticity/correlation_sensor.h"

TEST_CASE("correlation sensor: a batch of B equals B runs of batch 1 (unlike Norse)", "[correlation]") {
  Generator g(3);
  const Tensor z_pre = bernoulli({20, 3, 4}, 0.3f, g), z_post = bernoulli({20, 3, 2}, 0.3f, g);
  correlation::CorrelationSensorState batch;
  for (int64_t t = 0; t < 20; ++t) correlation::correlation_sensor_step(z_pre.select(0, t), z_post.select(0, t), batch);
  for (int64_t b = 0; b < 3; ++b) {
    correlation::CorrelationSensorState single;
    for (int64_t t = 0; t < 20; ++t) {
      correlation::correlation_sensor_step(z_pre.select(0, t).slice(0, b, b + 1),
                                           z_post.select(0, t).slice(0, b, b + 1), single);
    }
    CAPTURE(b);
    REQUIRE(single.correlation_trace.to_vector() == batch.correlation_trace.slice(0, b, b + 1).to_vector());
    REQUIRE(single.anti_correlation_trace.to_vector() == batch.anti_correlation_trace.slice(0, b, b + 1).to_vector());
    REQUIRE(single.post_pre.to_vector() == batch.post_pre.slice(0, b, b + 1).to_vector());
  }
  // A pre spike followed by a post spike raises the correlation trace of that pair.
  correlation::CorrelationSensorState s;
  correlation::correlation_sensor_step(from_vector({1}, {1, 1}), from_vector({0}, {1, 1}), s);
  REQUIRE(s.correlation_trace.item() == 1.0f);
  const Tensor w = correlation::correlation_based_update(zeros({1, 1}), s, 0.1f, 0.1f);
  REQUIRE(w.item() == Approx(0.1f));
}
