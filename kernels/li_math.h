// Leaky integrator (LI) and its box variant: non-spiking read-out neurons.
//
// LI (norse/torch/functional/leaky_integrator.py, li_feed_forward_step):
//   i1 = i + x
//   v1 = v + dt*tau_mem_inv*((v_leak - v) + i1)
//   i2 = i1 - dt*tau_syn_inv*i1
//   output v1, state (v1, i2)
// LIBox (leaky_integrator_box.py): v1 = v + dt*tau_mem_inv*((v_leak - v) + x); output v1.
// Defaults: Norse's LIParameters / LIBoxParameters. Order of evaluation as Norse's.
#ifndef NORSE_KERNELS_LI_MATH_H_
#define NORSE_KERNELS_LI_MATH_H_

#include "kernels/dual.h"

namespace norse {
namespace kernels {

struct LIModel {
  static constexpr int kStates = 2;  // v, i
  static constexpr int kParams = 3;  // tau_syn_inv, tau_mem_inv, v_leak
  static constexpr bool kSpiking = false;
  struct Options {};
  template <Surrogate S, class T, class R>
  NORSE_HD static T step(const T* p, T* s, T x, R dt, R, R, const Options&) {
    const T i1 = s[1] + x;
    const T v1 = s[0] + dt * p[1] * ((p[2] - s[0]) + i1);
    s[1] = i1 - dt * p[0] * i1;
    s[0] = v1;
    return T(R(0));
  }

  // The hand-written adjoint of step() (see LSNNModel::adjoint for the contract): the fused
  // loops use it instead of dual numbers. Checked in tests/kernels/step_adjoint_test.cc.
  static constexpr bool kHasAdjoint = true;
  template <Surrogate S, class R>
  NORSE_HD static void adjoint(const R* p, const R* s, R x, R dt, R, R, const Options&, R, const R* g_out, R* g_state,
                               R* g_x, R* g_params) {
    const R a = dt * p[1], c = dt * p[0];
    const R i1 = s[1] + x;
    const R g_v1 = g_out[0];
    const R g_i1 = g_out[1] * (R(1) - c) + g_v1 * a;
    g_state[0] = g_v1 * (R(1) - a);
    g_state[1] = g_i1;
    *g_x = g_i1;
    if (g_params != nullptr) {
      g_params[0] -= g_out[1] * dt * i1;                // tau_syn_inv
      g_params[1] += g_v1 * dt * ((p[2] - s[0]) + i1);  // tau_mem_inv
      g_params[2] += g_v1 * a;                          // v_leak
    }
  }
};

struct LIBoxModel {
  static constexpr int kStates = 1;  // v
  static constexpr int kParams = 2;  // tau_mem_inv, v_leak
  static constexpr bool kSpiking = false;
  struct Options {};
  template <Surrogate S, class T, class R>
  NORSE_HD static T step(const T* p, T* s, T x, R dt, R, R, const Options&) {
    s[0] = s[0] + dt * p[0] * ((p[1] - s[0]) + x);
    return T(R(0));
  }
};

// Norse's ExpFilter (filter.py) after its Linear layer: out[t] = decay * out[t-1] + y[t] with
// decay = exp(-dt * tau_filter_inv) and out[-1] = 0.
struct ExpFilterModel {
  static constexpr int kStates = 1;  // the filtered output
  static constexpr int kParams = 1;  // decay
  static constexpr bool kSpiking = false;
  struct Options {};
  template <Surrogate S, class T, class R>
  NORSE_HD static T step(const T* p, T* s, T x, R, R, R, const Options&) {
    s[0] = p[0] * s[0] + x;
    return T(R(0));
  }
};

}  // namespace kernels
}  // namespace norse

#endif  // NORSE_KERNELS_LI_MATH_H_
