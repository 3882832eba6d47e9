#include "tasks/cartpole_env.h"

#include <cmath>

#include "core/error.h"

namespace norse {
namespace cartpole {

std::array<float, 4> CartPoleEnv::reset(Generator& gen) {
  for (float& s : state_) s = -0.05f + 0.1f * gen.uniform();
  steps_ = 0;
  done_ = false;
  return state_;
}

StepResult CartPoleEnv::step(int action) {
  NORSE_CHECK(action == 0 || action == 1, InvalidArgument, "CartPoleEnv::step", "action must be 0 or 1, got ", action);
  NORSE_CHECK(!done_, InvalidArgument, "CartPoleEnv::step", "the episode has ended; call reset()");
  const float force = action == 1 ? kForce : -kForce;
  const float total_mass = kMassCart + kMassPole, pole_mass_length = kMassPole * kLength;
  auto& [x, x_dot, theta, theta_dot] = state_;
  const float cos_t = std::cos(theta), sin_t = std::sin(theta);
  const float temp = (force + pole_mass_length * theta_dot * theta_dot * sin_t) / total_mass;
  const float theta_acc =
      (kGravity * sin_t - cos_t * temp) / (kLength * (4.0f / 3.0f - kMassPole * cos_t * cos_t / total_mass));
  const float x_acc = temp - pole_mass_length * theta_acc * cos_t / total_mass;
  x += kTau * x_dot;
  x_dot += kTau * x_acc;
  theta += kTau * theta_dot;
  theta_dot += kTau * theta_acc;
  ++steps_;
  StepResult r;
  r.observation = state_;
  r.reward = 1.0f;
  r.terminated = x < -kXThreshold || x > kXThreshold || theta < -kThetaThreshold || theta > kThetaThreshold;
  r.truncated = !r.terminated && steps_ >= kMaxSteps;
  done_ = r.terminated || r.truncated;
  return r;
}

}  // namespace cartpole
}  // namespace norse
