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
#include "kernels/model_layout.h"

namespace norse {
namespace kernels {

#define NORSE_LI_PARAMS(X) X(tau_syn_inv) X(tau_mem_inv) X(v_leak)
#define NORSE_LI_STATES(X) X(v, Param::v_leak) X(i, kStartZero)
struct LIModel {
  NORSE_MODEL_LAYOUT(NORSE_LI_PARAMS, NORSE_LI_STATES)
  static constexpr bool kSpiking = false;
  struct Options {};
  template <Surrogate S, class T, class R>
  NORSE_HD static T step(const T* p, T* s, T x, R dt, R, R, const Options&) {
    const T i1 = s[State::i] + x;
    const T v1 = s[State::v] + dt * p[Param::tau_mem_inv] * ((p[Param::v_leak] - s[State::v]) + i1);
    s[State::i] = i1 - dt * p[Param::tau_syn_inv] * i1;
    s[State::v] = v1;
    return T(R(0));
  }

  // The hand-written adjoint of step() (see LSNNModel::adjoint for the contract): the fused
  // loops use it instead of dual numbers. Checked in tests/kernels/step_adjoint_test.cc.
  static constexpr bool kHasAdjoint = true;
  template <Surrogate S, class R>
  NORSE_HD static void adjoint(const R* p, const R* s, R x, R dt, R, R, const Options&, R, const R* g_out, R* g_state,
                               R* g_x, R* g_params) {
    const R a = dt * p[Param::tau_mem_inv], c = dt * p[Param::tau_syn_inv];
    const R i1 = s[State::i] + x;
    const R g_v1 = g_out[State::v];
    const R g_i1 = g_out[State::i] * (R(1) - c) + g_v1 * a;
    g_state[State::v] = g_v1 * (R(1) - a);
    g_state[State::i] = g_i1;
    *g_x = g_i1;
    if (g_params != nullptr) {
      g_params[Param::tau_syn_inv] -= g_out[State::i] * dt * i1;
      g_params[Param::tau_mem_inv] += g_v1 * dt * ((p[Param::v_leak] - s[State::v]) + i1);
      g_params[Param::v_leak] += g_v1 * a;
    }
  }
};

#define NORSE_LI_BOX_PARAMS(X) X(tau_mem_inv) X(v_leak)
#define NORSE_LI_BOX_STATES(X) X(v, Param::v_leak)
struct LIBoxModel {
  NORSE_MODEL_LAYOUT(NORSE_LI_BOX_PARAMS, NORSE_LI_BOX_STATES)
  static constexpr bool kSpiking = false;
  struct Options {};
  template <Surrogate S, class T, class R>
  NORSE_HD static T step(const T* p, T* s, T x, R dt, R, R, const Options&) {
    s[State::v] = s[State::v] + dt * p[Param::tau_mem_inv] * ((p[Param::v_leak] - s[State::v]) + x);
    return T(R(0));
  }
};

// Norse's ExpFilter (filter.py) after its Linear layer: out[t] = decay * out[t-1] + y[t] with
// decay = exp(-dt * tau_filter_inv) and out[-1] = 0.
#define NORSE_EXP_FILTER_PARAMS(X) X(decay)
#define NORSE_EXP_FILTER_STATES(X) X(out, kStartZero)
struct ExpFilterModel {
  NORSE_MODEL_LAYOUT(NORSE_EXP_FILTER_PARAMS, NORSE_EXP_FILTER_STATES)
  static constexpr bool kSpiking = false;
  struct Options {};
  template <Surrogate S, class T, class R>
  NORSE_HD static T step(const T* p, T* s, T x, R, R, R, const Options&) {
    s[State::out] = p[Param::decay] * s[State::out] + x;
    return T(R(0));
  }
};

}  // namespace kernels
}  // namespace norse

#endif  // NORSE_KERNELS_LI_MATH_H_
