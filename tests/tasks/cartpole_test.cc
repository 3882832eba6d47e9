// The cart-pole task's policy and REINFORCE: returns against hand-worked values, the policy's
// shapes, probabilities and dropout, errors, and a short deterministic training run.
#include <catch2/catch.hpp>

#include <cmath>

#include "core/core.h"
#include "tasks/cartpole_policy.h"

using namespace norse;
using namespace norse::cartpole;

TEST_CASE("normalized returns: discounted, then zero mean and unit unbiased deviation", "[cartpole]") {
  // Rewards 1, 1, 1 with gamma 0.5: G = 1.75, 1.5, 1; mean 1.41667, unbiased std 0.381881.
  const std::vector<float> g = normalized_returns({1.0f, 1.0f, 1.0f}, 0.5f);
  REQUIRE(g.size() == 3);
  REQUIRE(g[0] == Approx((1.75 - 1.416667) / 0.381881).epsilon(1e-4));
  REQUIRE(g[1] == Approx((1.5 - 1.416667) / 0.381881).epsilon(1e-4));
  REQUIRE(g[2] == Approx((1.0 - 1.416667) / 0.381881).epsilon(1e-4));
  // A single step has no spread: its normalised return is 0, not NaN.
  REQUIRE(normalized_returns({1.0f}, 0.99f)[0] == 0.0f);
  REQUIRE(normalized_returns({}, 0.99f).empty());
}

TEST_CASE("spiking policy: shapes, probabilities, dropout masks, errors", "[cartpole]") {
  Generator init(1), gen(2);
  PolicyOptions o;
  o.hidden = 32;
  o.seq_length = 20;
  SpikingPolicy policy(o, init);
  const Tensor obs = from_vector({0.01f, -0.2f, 0.03f, 0.4f, -0.02f, 0.1f, -0.05f, -0.3f}, {2, 4});
  const Variable lp = policy.log_probs(obs, Tensor());
  REQUIRE(lp.shape() == Shape{2, 2});
  for (int64_t b = 0; b < 2; ++b) {
    REQUIRE(std::exp(lp.value().at({b, 0})) + std::exp(lp.value().at({b, 1})) == Approx(1.0).epsilon(1e-5));
  }
  // Batched evaluation equals one observation at a time (the policy has no state between steps).
  const Tensor mask = policy.draw_dropout_mask(2, gen);
  const Variable both = policy.log_probs(obs, mask);
  for (int64_t b = 0; b < 2; ++b) {
    const Variable one = policy.log_probs(obs.slice(0, b, b + 1).contiguous(), mask.slice(1, b, b + 1).contiguous());
    REQUIRE(one.value().at({0, 0}) == Approx(both.value().at({b, 0})).margin(1e-5));
  }
  // The mask keeps with probability 1 - p and scales the kept by 1 / (1 - p).
  const Tensor big = policy.draw_dropout_mask(50, gen);
  REQUIRE(big.shape() == Shape{20, 50, 32});
  double kept = 0.0;
  for (float v : big.to_vector()) {
    REQUIRE((v == 0.0f || v == 2.0f));
    kept += v > 0.0f ? 1.0 : 0.0;
  }
  REQUIRE(kept / static_cast<double>(big.numel()) == Approx(0.5).margin(0.02));
  // The gradient reaches every parameter.
  sum(both).backward();
  for (auto& [name, p] : policy.named_parameters()) {
    CAPTURE(name);
    if (!p->requires_grad()) continue;  // the read-out's LI parameters
    REQUIRE(p->grad().defined());
  }
  REQUIRE_THROWS_WITH(policy.log_probs(zeros({2, 3}), Tensor()),
                      Catch::Contains("[B, 4]") && Catch::Contains("[2, 3]"));
  REQUIRE_THROWS_WITH(policy.log_probs(obs, zeros({20, 2, 31})), Catch::Contains("dropout_mask"));
  PolicyOptions bad = o;
  bad.dropout = 1.0f;
  REQUIRE_THROWS_WITH(SpikingPolicy(bad, init), Catch::Contains("dropout"));
}

TEST_CASE("cartpole smoke run: episodes logged, deterministic for a seed", "[cartpole]") {
  TrainConfig c;
  c.policy.hidden = 32;
  c.policy.seq_length = 10;
  c.episodes = 5;
  const TrainResult a = train(c), b = train(c);
  REQUIRE(a.episodes.size() == 5);
  REQUIRE(a.solved_at == 0);
  float total = 0.0f;
  for (size_t k = 0; k < 5; ++k) {
    CAPTURE(k);
    REQUIRE(a.episodes[k].episode_return >= 1.0f);
    REQUIRE(a.episodes[k].episode_return <= 500.0f);
    REQUIRE(a.episodes[k].episode_return == b.episodes[k].episode_return);
    total += a.episodes[k].episode_return;
  }
  REQUIRE(a.episodes[4].mean_return_100 == Approx(total / 5.0f));
  TrainConfig bad = c;
  bad.gamma = 1.5f;
  REQUIRE_THROWS_WITH(train(bad), Catch::Contains("gamma"));
}
