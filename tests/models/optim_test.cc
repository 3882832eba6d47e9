// Optimizers on problems with trajectories worked out by hand (f(x) = x^2, gradient 2x).
#include <catch2/catch.hpp>

#include <cmath>

#include "core/core.h"
#include "kernels/adam.h"
#include "models/optim.h"

using namespace norse;

namespace {
// One optimizer step on f(x) = sum(x^2).
void quadratic_step(optim::Optimizer& opt, Variable& x) {
  opt.zero_grad();
  sum(x * x).backward();
  opt.step();
}
}  // namespace

TEST_CASE("Adam's first steps on x^2 match the hand-worked trajectory", "[optim]") {
  Variable x(scalar_tensor(1.0f), true);
  optim::Adam adam({{"x", &x}}, {0.1f});
  // Step 1: m = 0.2, v = 0.004, bias-corrected m/sqrt(v) = 1: x = 1 - 0.1 = 0.9.
  quadratic_step(adam, x);
  REQUIRE(x.item() == Approx(0.9f).epsilon(1e-6));
  // Step 2: g = 1.8, m = 0.36, v = 0.007236; x = 0.9 - (0.1/0.19) * 0.36 / (sqrt(v/0.001999) + eps).
  quadratic_step(adam, x);
  REQUIRE(x.item() == Approx(0.8004122).epsilon(1e-6));
  quadratic_step(adam, x);
  REQUIRE(x.item() == Approx(0.7015863).epsilon(1e-6));
  REQUIRE(adam.steps() == 3);
}

TEST_CASE("Adam on the CPU flushes subnormal moments to zero, and only inside its loop", "[optim]") {
#if defined(__SSE__)
  // A weight whose gradient stays 0 (its input never spikes) decays its first moment by beta1
  // every step, into the subnormal range, where x86 takes a microcode assist per operation.
  float param[2] = {0.5f, 0.5f}, m[2] = {1e-38f, 1e-3f}, v[2] = {1e-6f, 1e-6f};
  const float grad[2] = {0.0f, 0.0f};
  kernels::AdamStepArgs a;
  a.param = param;
  a.exp_avg = m;
  a.exp_avg_sq = v;
  a.grad = grad;
  a.n = 2;
  a.step_size = 1e-3f;
  kernels::adam_step_cpu(a);
  CHECK(m[0] == 0.0f);  // 0.9 * 1e-38 is subnormal: flushed
  CHECK(m[1] == 0.9f * 1e-3f);
  CHECK(param[0] == 0.5f);
  CHECK(param[1] < 0.5f);
  volatile float tiny = 1e-38f;  // the caller's floating-point mode is restored
  CHECK(tiny * 0.5f != 0.0f);
#else
  WARN("skipped: subnormals are flushed on x86 only");
#endif
}

TEST_CASE("SGD: plain, momentum, Nesterov, weight decay", "[optim]") {
  SECTION("momentum 0.9: x = 1 -> 0.8 -> 0.46") {
    Variable x(scalar_tensor(1.0f), true);
    optim::SGD sgd({{"x", &x}}, {0.1f, 0.9f});
    quadratic_step(sgd, x);  // g = 2, buffer = 2
    REQUIRE(x.item() == Approx(0.8f));
    quadratic_step(sgd, x);  // g = 1.6, buffer = 0.9*2 + 1.6 = 3.4
    REQUIRE(x.item() == Approx(0.46f));
  }
  SECTION("Nesterov: step 1 uses g + momentum * buffer = 3.8") {
    Variable x(scalar_tensor(1.0f), true);
    optim::SGDOptions o;
    o.lr = 0.1f;
    o.momentum = 0.9f;
    o.nesterov = true;
    optim::SGD sgd({{"x", &x}}, o);
    quadratic_step(sgd, x);
    REQUIRE(x.item() == Approx(0.62f));
  }
  SECTION("weight decay adds wd * x to the gradient") {
    Variable x(scalar_tensor(1.0f), true);
    optim::SGDOptions o;
    o.lr = 0.1f;
    o.weight_decay = 0.5f;
    optim::SGD sgd({{"x", &x}}, o);
    quadratic_step(sgd, x);  // g = 2 + 0.5
    REQUIRE(x.item() == Approx(0.75f));
  }
  Variable y(scalar_tensor(1.0f), true);
  optim::SGDOptions bad;
  bad.nesterov = true;
  REQUIRE_THROWS_AS(optim::SGD({{"y", &y}}, bad), InvalidArgument);
}

TEST_CASE("parameters without a gradient are left alone", "[optim]") {
  Variable a(scalar_tensor(1.0f), true), b(scalar_tensor(2.0f), true);
  optim::Adam adam({{"a", &a}, {"b", &b}}, {0.1f});
  sum(a * a).backward();
  adam.step();
  REQUIRE(b.item() == 2.0f);
  REQUIRE(a.item() != 1.0f);
}

TEST_CASE("clip_grad_norm scales the joint norm to max_norm", "[optim]") {
  Variable a(zeros({1}), true), b(zeros({1}), true);
  a.mutable_grad() = from_vector({3}, {1});
  b.mutable_grad() = from_vector({4}, {1});
  const float norm = optim::clip_grad_norm({{"a", &a}, {"b", &b}}, 1.0f);
  REQUIRE(norm == Approx(5.0f));
  REQUIRE(a.grad().item() == Approx(0.6f).epsilon(1e-5));
  REQUIRE(b.grad().item() == Approx(0.8f).epsilon(1e-5));
  // Below the limit nothing changes.
  optim::clip_grad_norm({{"a", &a}, {"b", &b}}, 10.0f);
  REQUIRE(a.grad().item() == Approx(0.6f).epsilon(1e-5));
}

TEST_CASE("learning-rate schedules", "[optim]") {
  const optim::StepLR step(0.1f, 3, 0.5f);
  REQUIRE(step.lr(0) == Approx(0.1f));
  REQUIRE(step.lr(2) == Approx(0.1f));
  REQUIRE(step.lr(3) == Approx(0.05f));
  REQUIRE(step.lr(7) == Approx(0.025f));
  const optim::CosineAnnealingLR cosine(1.0f, 10, 0.1f);
  REQUIRE(cosine.lr(0) == Approx(1.0f));
  REQUIRE(cosine.lr(5) == Approx(0.55f));
  REQUIRE(cosine.lr(10) == Approx(0.1f));
}

TEST_CASE("optimizer state round-trips: a restored Adam continues identically", "[optim][checkpoint]") {
  Variable x(from_vector({1.0f, -2.0f}, {2}), true);
  optim::Adam adam({{"x", &x}}, {0.05f});
  for (int k = 0; k < 3; ++k) quadratic_step(adam, x);
  const auto saved_state = adam.state();
  const Tensor saved_x = x.value().clone();
  for (int k = 0; k < 2; ++k) quadratic_step(adam, x);
  const std::vector<float> uninterrupted = x.value().to_vector();

  Variable y(saved_x.clone(), true);
  optim::Adam resumed({{"x", &y}}, {0.05f});
  resumed.load_state(saved_state);
  for (int k = 0; k < 2; ++k) quadratic_step(resumed, y);
  REQUIRE(y.value().to_vector() == uninterrupted);

  std::vector<std::pair<std::string, Tensor>> broken = saved_state;
  broken[1].second = zeros({3});
  REQUIRE_THROWS_WITH(resumed.load_state(broken), Catch::Contains("has shape [3], expected [2]"));
}
