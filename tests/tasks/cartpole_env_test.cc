// Cart-pole environment against values worked out by hand from the equations of motion.
#include <catch2/catch.hpp>

#include "core/error.h"
#include "tasks/cartpole_env.h"

using namespace norse;
using cartpole::CartPoleEnv;

TEST_CASE("one push from rest matches the hand-worked Euler step", "[cartpole]") {
  CartPoleEnv env;
  env.set_state({0, 0, 0, 0});
  // temp = 10/1.1 = 9.0909; thetaacc = -9.0909 / (0.5 (4/3 - 0.1/1.1)) = -14.6341;
  // xacc = 9.0909 + 0.05 * 14.6341 / 1.1 = 9.7561; Euler with tau = 0.02.
  const cartpole::StepResult r = env.step(1);
  REQUIRE(r.observation[0] == 0.0f);
  REQUIRE(r.observation[1] == Approx(0.195122f).epsilon(1e-5));
  REQUIRE(r.observation[2] == 0.0f);
  REQUIRE(r.observation[3] == Approx(-0.292683f).epsilon(1e-5));
  REQUIRE(r.reward == 1.0f);
  REQUIRE_FALSE(r.terminated);
  // Pushing left mirrors it.
  env.set_state({0, 0, 0, 0});
  const cartpole::StepResult l = env.step(0);
  REQUIRE(l.observation[1] == Approx(-0.195122f).epsilon(1e-5));
  REQUIRE(l.observation[3] == Approx(0.292683f).epsilon(1e-5));
}

TEST_CASE("gravity: a tilted pole falls further without help", "[cartpole]") {
  CartPoleEnv env;
  env.set_state({0, 0, 0.1f, 0});
  // From theta = 0.1 at rest, pushing the cart left adds to gravity's pull to the right.
  const float theta_before = env.state()[2];
  env.step(0);  // pushing left makes it fall right faster
  env.step(0);
  REQUIRE(env.state()[2] > theta_before);
}

TEST_CASE("termination at 12 degrees or 2.4 m, truncation at 500 steps, errors", "[cartpole]") {
  CartPoleEnv env;
  env.set_state({0, 0, 0.2f, 2.0f});  // theta passes 0.2094 rad on the first step
  REQUIRE(env.step(1).terminated);
  REQUIRE_THROWS_AS(env.step(1), InvalidArgument);
  env.set_state({2.39f, 1.0f, 0, 0});
  REQUIRE(env.step(1).terminated);
  // A simple controller (push towards the side the pole falls to) keeps it up until the
  // episode is truncated at step 500.
  env.set_state({0, 0, 0, 0});
  cartpole::StepResult r{};
  int steps = 0;
  for (; steps < 600; ++steps) {
    r = env.step(env.state()[3] + 0.5f * env.state()[2] > 0 ? 1 : 0);
    if (r.terminated || r.truncated) break;
  }
  REQUIRE(r.truncated);
  REQUIRE(steps + 1 == 500);
  REQUIRE_THROWS_AS(env.step(2), InvalidArgument);
  Generator g(1);
  const auto obs = env.reset(g);
  for (float v : obs) REQUIRE((v >= -0.05f && v <= 0.05f));
}
