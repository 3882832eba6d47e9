// The cart-pole balancing environment with the physics, limits, reward and termination of the
// standard CartPole-v1 benchmark (Barto, Sutton & Anderson 1983, "Neuronlike adaptive elements
// that can solve difficult learning control problems"; the equations of motion as corrected
// by Florian 2007, integrated with explicit Euler steps of 20 ms):
//
//   temp   = (F + m_p l thetadot^2 sin(theta)) / (m_c + m_p)
//   thetaacc = (g sin(theta) - cos(theta) temp) / (l (4/3 - m_p cos^2(theta) / (m_c + m_p)))
//   xacc   = temp - m_p l thetaacc cos(theta) / (m_c + m_p)
//   x += tau xdot; xdot += tau xacc; theta += tau thetadot; thetadot += tau thetaacc
//
// g = 9.8, m_c = 1.0, m_p = 0.1, l = 0.5 (half the pole's length), F = +-10 N, tau = 0.02 s.
// Reward 1 for every step, including the one that ends the episode; the episode terminates
// when |x| > 2.4 or |theta| > 12 degrees, and is truncated after 500 steps. reset() draws all
// four state variables from U(-0.05, 0.05) with the given generator.
#ifndef NORSE_TASKS_CARTPOLE_ENV_H_
#define NORSE_TASKS_CARTPOLE_ENV_H_

#include <array>

#include "core/generator.h"

namespace norse {
namespace cartpole {

struct StepResult {
  std::array<float, 4> observation;  // x, x_dot, theta, theta_dot
  float reward;
  bool terminated;  // the pole fell or the cart left the track
  bool truncated;   // 500 steps reached
};

class CartPoleEnv {
 public:
  static constexpr float kGravity = 9.8f, kMassCart = 1.0f, kMassPole = 0.1f, kLength = 0.5f, kForce = 10.0f,
                         kTau = 0.02f;
  static constexpr float kXThreshold = 2.4f;
  static constexpr float kThetaThreshold = 12.0f * 2.0f * 3.14159265358979f / 360.0f;
  static constexpr int kMaxSteps = 500;

  std::array<float, 4> reset(Generator& gen);
  // action 0 pushes left, 1 pushes right. Throws InvalidArgument for another action or a step
  // after the episode ended.
  StepResult step(int action);
  const std::array<float, 4>& state() const { return state_; }
  void set_state(const std::array<float, 4>& state) {
    state_ = state;
    done_ = false;
    steps_ = 0;
  }

 private:
  std::array<float, 4> state_{};
  int steps_ = 0;
  bool done_ = true;
};

}  // namespace cartpole
}  // namespace norse

#endif  // NORSE_TASKS_CARTPOLE_ENV_H_
