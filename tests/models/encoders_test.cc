// Encoders: hand-worked spike trains, statistics of the random ones, gradients.
#include <catch2/catch.hpp>

#include <cmath>
#include <memory>

#include "core/core.h"
#include "models/encoders.h"
#include "models/neuron_modules.h"
#include "models/sequential.h"
#include "tests/testing/gradcheck.h"

using namespace norse;

TEST_CASE("constant-current LIF encoder: hand-worked spike times", "[encoders]") {
  // dt*tau_mem_inv = 0.1: v_t = 2 (1 - 0.9^t) crosses 1 at t = 7 (1.0434), then resets to 0.
  const Variable z = encode::constant_current_lif_encode(Variable(from_vector({2.0f, 0.5f}, {1, 2})), 30);
  REQUIRE(z.shape() == Shape{30, 1, 2});
  std::vector<int64_t> spikes;
  for (int64_t t = 0; t < 30; ++t) {
    if (z.value().at({t, 0, 0}) > 0) spikes.push_back(t);
    REQUIRE(z.value().at({t, 0, 1}) == 0.0f);  // 0.5 never reaches the threshold
  }
  REQUIRE(spikes == std::vector<int64_t>{6, 13, 20, 27});
  // Spike latency keeps only the first.
  const Variable first = encode::spike_latency_lif_encode(Variable(from_vector({2.0f, 0.5f}, {1, 2})), 30);
  REQUIRE(sum(first.value()).item() == 1.0f);
  REQUIRE(first.value().at({6, 0, 0}) == 1.0f);
}

TEST_CASE("spike latency encoder keeps the first spike and its gradient", "[encoders]") {
  Variable s(from_vector({0, 1, 1, 0, 1, 0, 0, 1}, {4, 2}), true);  // [T=4, 2]
  const Variable out = encode::spike_latency_encode(s);
  NORSE_REQUIRE_CLOSE(out.value(), from_vector({0, 1, 1, 0, 0, 0, 0, 0}, {4, 2}));
  sum(out * Variable(arange(1, 9).view({4, 2}))).backward();
  // Gradient passes where no spike came strictly before: column 0 until t=1, column 1 at t=0.
  NORSE_REQUIRE_CLOSE(s.grad(), from_vector({1, 2, 3, 0, 0, 0, 0, 0}, {4, 2}));
}

TEST_CASE("Poisson encoders: rates within tolerance of dt * f_max * x", "[encoders][random]") {
  Generator g(1);
  const Tensor x = from_vector({0.0f, 0.25f, 0.5f, 1.0f}, {4});
  const Tensor z = encode::poisson_encode(x, 20000, g, 100.0f);
  const Tensor rate = mean(z, {0});
  // Binomial standard error sqrt(p(1-p)/n) <= 0.0036; 5 sigma.
  NORSE_REQUIRE_CLOSE(rate, from_vector({0.0f, 0.025f, 0.05f, 0.1f}, {4}), 0.01f, 0.0f);
  const Tensor signed_z = encode::signed_poisson_encode(from_vector({-1.0f, 1.0f}, {2}), 20000, g, 300.0f);
  NORSE_REQUIRE_CLOSE(mean(signed_z, {0}), from_vector({-0.3f, 0.3f}, {2}), 0.02f, 0.0f);
  for (float v : signed_z.select(1, 0).to_vector()) REQUIRE((v == 0.0f || v == -1.0f));
  const Tensor step = encode::poisson_encode_step(from_vector({0.5f}, {1}), g);  // f_max 1000: p = 0.5
  REQUIRE(step.shape() == Shape{1});
  // Same generator state, same spikes.
  Generator a(5), b(5);
  REQUIRE(encode::poisson_encode(x, 50, a).to_vector() == encode::poisson_encode(x, 50, b).to_vector());
  REQUIRE_THROWS_AS(encode::poisson_encode(x, 0, g), InvalidArgument);
}

TEST_CASE("population encoder: Gaussian bumps over linspace centres, gradients", "[encoders]") {
  const Variable out = encode::population_encode(Variable(from_vector({0.0f, 1.0f}, {1, 2})), 3, 1.0f);
  REQUIRE(out.shape() == Shape{1, 2, 3});
  // Centres 0, 0.5, 1 with scale 1: exp(-d^2 / 2).
  NORSE_REQUIRE_CLOSE(
      out.value(),
      from_vector({1.0f, std::exp(-0.125f), std::exp(-0.5f), std::exp(-0.5f), std::exp(-0.125f), 1.0f}, {1, 2, 3}));
  Generator g(2);
  testing::check_gradients([](const std::vector<Variable>& v) { return encode::population_encode(v[0], 4, 2.0f); },
                           {rand({2, 3}, g)});
  // With scale = max(x), Norse's gradient flows through the factor scale but not through the
  // centres (torch.linspace takes a number), so finite differences, which move the centres
  // too, disagree at the maximum by design; the conformance fixture checks that case.
}

TEST_CASE("Poisson encoders as container layers draw from the container's generator", "[encoders][nn]") {
  const Tensor rates = from_vector({0.2f, 0.9f, 0.0f, 0.5f}, {2, 2});
  // In a SequentialState in front of a LIF layer: the encoder's spikes are what
  // poisson_encode gives with the same generator state.
  nn::SequentialState net;
  auto encoder = std::make_shared<nn::PoissonEncoder>(8, 1000.0f);
  net.add(encoder).add(std::make_shared<nn::LIF>());
  Generator g(42), reference(42);
  net.set_generator(&g);
  std::vector<nn::LayerState> states;
  std::vector<Variable> outputs;
  net.forward(Variable(rates), states, &outputs);
  const Tensor expected = encode::poisson_encode(rates, 8, reference, 1000.0f);
  REQUIRE(outputs[0].shape() == Shape{8, 2, 2});
  REQUIRE(outputs[0].value().to_vector() == expected.to_vector());
  REQUIRE(outputs[1].shape() == Shape{8, 2, 2});

  // The signed and step forms likewise; each call draws anew.
  Generator g2(7), reference2(7);
  nn::SignedPoissonEncoder signed_encoder(4);
  signed_encoder.set_generator(&g2);
  const Tensor signed_rates = from_vector({-0.5f, 0.5f}, {1, 2});
  REQUIRE(signed_encoder.forward(Variable(signed_rates)).value().to_vector() ==
          encode::signed_poisson_encode(signed_rates, 4, reference2).to_vector());
  nn::PoissonEncoderStep step;
  step.set_generator(&g2);
  REQUIRE(step.forward(Variable(rates)).value().to_vector() ==
          encode::poisson_encode_step(rates, reference2).to_vector());
  nn::SignedPoissonEncoderStep signed_step;
  signed_step.set_generator(&g2);
  REQUIRE(signed_step.forward(Variable(signed_rates)).value().to_vector() ==
          encode::signed_poisson_encode_step(signed_rates, reference2).to_vector());

  // Without a generator the layer says what is missing.
  nn::PoissonEncoder bare(4);
  REQUIRE_THROWS_WITH(bare.forward(Variable(rates)), Catch::Contains("no generator"));
}
