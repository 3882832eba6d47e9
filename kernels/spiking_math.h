// Spiking neuron models beyond LIF, each as a template step (kernels/neuron_sequence.h runs
// them fused, with the adjoint derived by dual numbers). Equations and order of evaluation:
// Norse's functional modules, as tests/conformance/fixtures/README.md section 9 states them.
// Each model names its parameters and state fields once (kernels/model_layout.h); the step
// reads them by name, p[Param::v_th], s[State::v].
#ifndef NORSE_KERNELS_SPIKING_MATH_H_
#define NORSE_KERNELS_SPIKING_MATH_H_

#include "kernels/dual.h"
#include "kernels/lif_math.h"
#include "kernels/model_layout.h"

namespace norse {
namespace kernels {

// Whether the reset (and other spike-triggered jumps) see the spike with its gradient (Norse's
// feed-forward cells) or detached (its recurrent cells, for some models).
struct ResetOptions {
  bool detach_reset = false;
};

template <class T>
NORSE_HD inline T reset_spike(const T& z, const ResetOptions& o) {
  return o.detach_reset ? detach(z) : z;
}

// LIF (lif.py): the equations are lif::step's (kernels/lif_math.h); its backward is the
// hand-written lif::step_backward, from the state before the step (parameter gradients) or from
// the compact record, the pre-reset voltage v1 alone (4 bytes per neuron-step: z is recomputed
// from it, the state gradient does not need i, and the input is not read again).
#define NORSE_LIF_PARAMS(X) X(tau_syn_inv) X(tau_mem_inv) X(v_leak) X(v_th) X(v_reset)
#define NORSE_LIF_STATES(X) X(v, Param::v_leak) X(i, kStartZero)
struct LIFModel {
  NORSE_MODEL_LAYOUT(NORSE_LIF_PARAMS, NORSE_LIF_STATES)
  static constexpr bool kSpiking = true;
  static constexpr bool kRecurrentDetachReset = true;  // Norse's LIFRecurrentCell detaches the reset
  using Options = ResetOptions;

  template <class T, class R>
  NORSE_HD static lif::StepParams<T> step_params(const T* p, R alpha) {
    return lif::StepParams<T>{p[Param::tau_syn_inv], p[Param::tau_mem_inv], p[Param::v_leak],
                              p[Param::v_th],        p[Param::v_reset],     T(alpha)};
  }
  template <Surrogate S, class T, class R>
  NORSE_HD static lif::StepForward<T> step_out(const T* p, T* s, T x, R dt, R alpha, R uniform, const Options& o) {
    const lif::StepParams<T> sp = step_params(p, alpha);
    const lif::StepState<T> st{s[State::v], s[State::i]};
    const lif::StepForward<T> out = lif::step<S>(sp, st, x, dt, uniform, o.detach_reset);
    s[State::v] = out.next.v;
    s[State::i] = out.next.i;
    return out;
  }
  template <Surrogate S, class T, class R>
  NORSE_HD static T step(const T* p, T* s, T x, R dt, R alpha, R uniform, const Options& o) {
    return step_out<S>(p, s, x, dt, alpha, uniform, o).z;
  }

  // The adjoint from the state s = (v, i) before the step (contract: LSNNModel::adjoint).
  static constexpr bool kHasAdjoint = true;
  template <Surrogate S, class R>
  NORSE_HD static void adjoint(const R* p, const R* s, R x, R dt, R alpha, R uniform, const Options& o, R g_z,
                               const R* g_out, R* g_state, R* g_x, R* g_params) {
    R after[kStates] = {s[State::v], s[State::i]};
    const lif::StepForward<R> f = step_out<S>(p, after, x, dt, alpha, uniform, o);
    lif::StepParamGrads<R> gp;
    const lif::StepBackward<R> b =
        backward<S>(p, alpha, dt, o, f.z, f.v1, f.i1, s[State::v], g_z, g_out, g_params != nullptr ? &gp : nullptr);
    g_state[State::v] = b.grad_state.v;
    g_state[State::i] = b.grad_state.i;
    *g_x = b.grad_x;
    if (g_params != nullptr) {
      g_params[Param::tau_syn_inv] += gp.tau_syn_inv;
      g_params[Param::tau_mem_inv] += gp.tau_mem_inv;
      g_params[Param::v_leak] += gp.v_leak;
      g_params[Param::v_th] += gp.v_th;
      g_params[Param::v_reset] += gp.v_reset;
    }
  }

  // The compact record: v1 (saved[0]).
  static constexpr int kCompactSaved = 1;
  template <Surrogate S, class R>
  NORSE_HD static R step_saving(const R* p, R* s, R x, R dt, R alpha, R uniform, const Options& o, R* saved) {
    const lif::StepForward<R> out = step_out<S>(p, s, x, dt, alpha, uniform, o);
    saved[0] = out.v1;
    return out.z;
  }
  template <Surrogate S, class R>
  NORSE_HD static void adjoint_compact(const R* p, const R* saved, R dt, R alpha, R uniform, const Options& o, R g_z,
                                       const R* g_out, R* g_state, R* g_x) {
    const R v1 = saved[0];
    const R z = spike<S>(v1 - p[Param::v_th], alpha, uniform);
    const lif::StepBackward<R> b = backward<S, R>(p, alpha, dt, o, z, v1, R(0), R(0), g_z, g_out, nullptr);
    g_state[State::v] = b.grad_state.v;
    g_state[State::i] = b.grad_state.i;
    *g_x = b.grad_x;
  }

 private:
  template <Surrogate S, class R>
  NORSE_HD static lif::StepBackward<R> backward(const R* p, R alpha, R dt, const Options& o, R z, R v1, R i1, R v,
                                                R g_z, const R* g_out, lif::StepParamGrads<R>* gp) {
    const lif::StepParams<R> sp = step_params(p, alpha);
    return lif::step_backward<S>(sp, dt, z, v1, i1, v, g_z, g_out[State::v], g_out[State::i], gp, o.detach_reset);
  }
};

// The refractory update of Norse's lif_refrac / lif_adex_refrac (compute_refractory_update),
// applied after the inner neuron's step produced z0 and the new v:
//   mask = H(rho) (surrogate of the neuron's method);  v = (1-mask) v_new + mask v_old
//   z = (1-mask) z0;  rho' = (1-z) relu(rho - mask) + z rho_reset
template <Surrogate S, class T, class R>
NORSE_HD inline T refractory_update(T z0, T v_old, T* v, T* rho, T rho_reset, R alpha, R uniform) {
  const T mask = spike<S>(*rho, alpha, uniform);
  *v = (T(R(1)) - mask) * (*v) + mask * v_old;
  const T z = (T(R(1)) - mask) * z0;
  *rho = (T(R(1)) - z) * relu_of(*rho - mask) + z * rho_reset;
  return z;
}

// LIFRefrac (lif_refrac.py): a LIF step, then the refractory update. States v, i, rho;
// parameters LIF's five, then rho_reset.
// LIF's parameters and states come first, so LIFModel::step reads them in place.
#define NORSE_LIF_REFRAC_PARAMS(X) NORSE_LIF_PARAMS(X) X(rho_reset)
#define NORSE_LIF_REFRAC_STATES(X) NORSE_LIF_STATES(X) X(rho, kStartZero)
struct LIFRefracModel {
  NORSE_MODEL_LAYOUT(NORSE_LIF_REFRAC_PARAMS, NORSE_LIF_REFRAC_STATES)
  static constexpr bool kSpiking = true;
  static constexpr bool kRecurrentDetachReset = true;
  using Options = ResetOptions;
  template <Surrogate S, class T, class R>
  NORSE_HD static T step(const T* p, T* s, T x, R dt, R alpha, R uniform, const Options& o) {
    const T v_old = s[State::v];
    const T z0 = LIFModel::step<S>(p, s, x, dt, alpha, uniform, o);
    return refractory_update<S>(z0, v_old, &s[State::v], &s[State::rho], p[Param::rho_reset], alpha, uniform);
  }
};

// LIFBox (lif_box.py): v1 = v + dt*tau_mem_inv*(x + v_leak - v); z = H(v1 - v_th);
// reset_value: v2 = (1-z) v1 + z v_reset; reset_subtract: v2 = (1-z) v1 + z (v1 - v_th).
#define NORSE_LIF_BOX_PARAMS(X) X(tau_mem_inv) X(v_leak) X(v_th) X(v_reset)
#define NORSE_LIF_BOX_STATES(X) X(v, Param::v_leak)
struct LIFBoxModel {
  NORSE_MODEL_LAYOUT(NORSE_LIF_BOX_PARAMS, NORSE_LIF_BOX_STATES)
  static constexpr bool kSpiking = true;
  struct Options {
    bool reset_subtract = false;
  };
  template <Surrogate S, class T, class R>
  NORSE_HD static T step(const T* p, T* s, T x, R dt, R alpha, R uniform, const Options& o) {
    const T v1 = s[State::v] + dt * p[Param::tau_mem_inv] * ((x + p[Param::v_leak]) - s[State::v]);
    const T z = spike<S>(v1 - p[Param::v_th], alpha, uniform);
    s[State::v] = (T(R(1)) - z) * v1 + z * (o.reset_subtract ? (v1 - p[Param::v_th]) : p[Param::v_reset]);
    return z;
  }
};

// IAF (iaf.py): v1 = v + x; z = H(v1 - v_th); v2 = (1-z) v1 + z v_reset.
#define NORSE_IAF_PARAMS(X) X(v_th) X(v_reset)
#define NORSE_IAF_STATES(X) X(v, Param::v_reset)
struct IAFModel {
  NORSE_MODEL_LAYOUT(NORSE_IAF_PARAMS, NORSE_IAF_STATES)
  static constexpr bool kSpiking = true;
  static constexpr bool kRecurrentDetachReset = false;  // Norse's IAFRecurrentCell keeps the gradient
  using Options = ResetOptions;
  template <Surrogate S, class T, class R>
  NORSE_HD static T step(const T* p, T* s, T x, R, R alpha, R uniform, const Options& o) {
    const T v1 = s[State::v] + x;
    const T z = spike<S>(v1 - p[Param::v_th], alpha, uniform);
    const T zr = reset_spike(z, o);
    s[State::v] = (T(R(1)) - zr) * v1 + zr * p[Param::v_reset];
    return z;
  }
};

// LSNN (lsnn.py): the input enters AFTER the voltage update; b is the adaptive threshold.
//   v1 = v + dt*tau_mem_inv*((v_leak - v) + i);  i1 = i - dt*tau_syn_inv*i
//   b1 = b + dt*tau_adapt_inv*(v_th - b);         z = H(v1 - b1)
//   v2 = (1-z) v1 + z v_reset;  b2 = b1 + z beta;  i2 = i1 + x
// Recurrent: reset and b jump use sg(z).
#define NORSE_LSNN_PARAMS(X) X(tau_syn_inv) X(tau_mem_inv) X(tau_adapt_inv) X(v_leak) X(v_th) X(v_reset) X(beta)
#define NORSE_LSNN_STATES(X) X(v, Param::v_leak) X(i, kStartZero) X(b, Param::v_th)
struct LSNNModel {
  NORSE_MODEL_LAYOUT(NORSE_LSNN_PARAMS, NORSE_LSNN_STATES)
  static constexpr bool kSpiking = true;
  static constexpr bool kRecurrentDetachReset = true;
  using Options = ResetOptions;
  template <Surrogate S, class T, class R>
  NORSE_HD static T step(const T* p, T* s, T x, R dt, R alpha, R uniform, const Options& o) {
    const T v1 = s[State::v] + dt * p[Param::tau_mem_inv] * ((p[Param::v_leak] - s[State::v]) + s[State::i]);
    const T i1 = s[State::i] - dt * p[Param::tau_syn_inv] * s[State::i];
    const T b1 = s[State::b] + dt * p[Param::tau_adapt_inv] * (p[Param::v_th] - s[State::b]);
    const T z = spike<S>(v1 - b1, alpha, uniform);
    const T zr = reset_spike(z, o);
    s[State::v] = (T(R(1)) - zr) * v1 + zr * p[Param::v_reset];
    s[State::b] = b1 + zr * p[Param::beta];
    s[State::i] = i1 + x;
    return z;
  }

  // The hand-written adjoint of step(), used by the fused loops instead of dual numbers (about
  // 4x fewer operations than an 11-direction dual). From the state s = (v, i, b) before the
  // step, the input x and the gradients of the step's outputs (g_z, g_out = dL/d(v2, i2, b2)),
  // writes dL/d(v, i, b) to g_state and dL/dx to g_x, and ADDS the parameter gradients to
  // g_params unless it is null. Checked against the dual-number adjoint of step()
  // (tests/kernels/step_adjoint_test.cc).
  static constexpr bool kHasAdjoint = true;
  template <Surrogate S, class R>
  NORSE_HD static void adjoint(const R* p, const R* s, R x, R dt, R alpha, R uniform, const Options& o, R g_z,
                               const R* g_out, R* g_state, R* g_x, R* g_params) {
    (void)x;
    const R a = dt * p[Param::tau_mem_inv], c = dt * p[Param::tau_syn_inv], d = dt * p[Param::tau_adapt_inv];
    const R v1 = s[State::v] + a * ((p[Param::v_leak] - s[State::v]) + s[State::i]);
    const R b1 = s[State::b] + d * (p[Param::v_th] - s[State::b]);
    const R z = spike<S>(v1 - b1, alpha, uniform);
    // v2 = (1 - zr) v1 + zr v_reset; b2 = b1 + zr beta; i2 = (1 - c) i + x.
    const R g_zr = g_out[State::v] * (p[Param::v_reset] - v1) + g_out[State::b] * p[Param::beta];
    const R g_s = (g_z + (o.detach_reset ? R(0) : g_zr)) * spike_grad<S>(v1 - b1, alpha);  // s = v1 - b1
    const R g_v1 = g_out[State::v] * (R(1) - z) + g_s;
    const R g_b1 = g_out[State::b] - g_s;
    g_state[State::v] = g_v1 * (R(1) - a);
    g_state[State::i] = g_v1 * a + g_out[State::i] * (R(1) - c);
    g_state[State::b] = g_b1 * (R(1) - d);
    *g_x = g_out[State::i];
    if (g_params != nullptr) {
      g_params[Param::tau_syn_inv] -= g_out[State::i] * dt * s[State::i];
      g_params[Param::tau_mem_inv] += g_v1 * dt * ((p[Param::v_leak] - s[State::v]) + s[State::i]);
      g_params[Param::tau_adapt_inv] += g_b1 * dt * (p[Param::v_th] - s[State::b]);
      g_params[Param::v_leak] += g_v1 * a;
      g_params[Param::v_th] += g_b1 * d;
      g_params[Param::v_reset] += g_out[State::v] * z;
      g_params[Param::beta] += g_out[State::b] * z;
    }
  }
};

// LIFEx (lif_ex.py): as LIF with the exponential term delta_T*exp((v - v_th)/delta_T) (old v).
// Reset not detached in any flavour.
#define NORSE_LIF_EX_PARAMS(X) X(delta_T) X(tau_syn_inv) X(tau_mem_inv) X(v_leak) X(v_th) X(v_reset)
#define NORSE_LIF_EX_STATES(X) X(v, Param::v_leak) X(i, kStartZero)
struct LIFExModel {
  NORSE_MODEL_LAYOUT(NORSE_LIF_EX_PARAMS, NORSE_LIF_EX_STATES)
  static constexpr bool kSpiking = true;
  struct Options {};
  template <Surrogate S, class T, class R>
  NORSE_HD static T step(const T* p, T* s, T x, R dt, R alpha, R uniform, const Options&) {
    const T v = s[State::v];
    const T i1 = s[State::i] + x;
    const T exp_term = p[Param::delta_T] * exp_of((v - p[Param::v_th]) / p[Param::delta_T]);
    const T v1 = v + dt * p[Param::tau_mem_inv] * ((p[Param::v_leak] - v) + exp_term + i1);
    s[State::i] = i1 - dt * p[Param::tau_syn_inv] * i1;
    const T z = spike<S>(v1 - p[Param::v_th], alpha, uniform);
    s[State::v] = (T(R(1)) - z) * v1 + z * p[Param::v_reset];
    return z;
  }
};

// LIFAdEx (lif_adex.py):
//   i1 = i + x
//   v1 = v + dt*tau_mem_inv*((v_leak - v) + delta_T*exp((v - v_th)/delta_T) + i1 - a)
//   i2 = i1 - dt*tau_syn_inv*i1
//   a1 = a + dt*tau_ada_inv*(adaptation_current*(v - v_leak) - a)      (old v)
//   z = H(v1 - v_th);  v2 = (1-z) v1 + z v_reset;  a2 = a1 + z adaptation_spike
// Reset not detached in any flavour.
#define NORSE_LIF_ADEX_PARAMS(X) \
  X(adaptation_current)          \
  X(adaptation_spike) X(delta_T) X(tau_ada_inv) X(tau_syn_inv) X(tau_mem_inv) X(v_leak) X(v_th) X(v_reset)
#define NORSE_LIF_ADEX_STATES(X) X(v, Param::v_leak) X(i, kStartZero) X(a, kStartZero)
struct LIFAdExModel {
  NORSE_MODEL_LAYOUT(NORSE_LIF_ADEX_PARAMS, NORSE_LIF_ADEX_STATES)
  static constexpr bool kSpiking = true;
  struct Options {};
  template <Surrogate S, class T, class R>
  NORSE_HD static T step(const T* p, T* s, T x, R dt, R alpha, R uniform, const Options&) {
    const T v = s[State::v], a = s[State::a];
    const T i1 = s[State::i] + x;
    const T exp_term = p[Param::delta_T] * exp_of((v - p[Param::v_th]) / p[Param::delta_T]);
    const T v1 = v + dt * p[Param::tau_mem_inv] * ((p[Param::v_leak] - v) + exp_term + i1 - a);
    const T i2 = i1 - dt * p[Param::tau_syn_inv] * i1;
    const T a1 = a + dt * p[Param::tau_ada_inv] * (p[Param::adaptation_current] * (v - p[Param::v_leak]) - a);
    const T z = spike<S>(v1 - p[Param::v_th], alpha, uniform);
    s[State::v] = (T(R(1)) - z) * v1 + z * p[Param::v_reset];
    s[State::i] = i2;
    s[State::a] = a1 + z * p[Param::adaptation_spike];
    return z;
  }
};

// LIFAdExRefrac (lif_adex_refrac.py): a LIFAdEx step, then the refractory update. States v, i,
// a, rho; parameters LIFAdEx's nine, then rho_reset.
#define NORSE_LIF_ADEX_REFRAC_PARAMS(X) NORSE_LIF_ADEX_PARAMS(X) X(rho_reset)
#define NORSE_LIF_ADEX_REFRAC_STATES(X) NORSE_LIF_ADEX_STATES(X) X(rho, kStartZero)
struct LIFAdExRefracModel {
  NORSE_MODEL_LAYOUT(NORSE_LIF_ADEX_REFRAC_PARAMS, NORSE_LIF_ADEX_REFRAC_STATES)
  static constexpr bool kSpiking = true;
  struct Options {};
  template <Surrogate S, class T, class R>
  NORSE_HD static T step(const T* p, T* s, T x, R dt, R alpha, R uniform, const Options&) {
    const T v_old = s[State::v];
    const T z0 = LIFAdExModel::step<S>(p, s, x, dt, alpha, uniform, LIFAdExModel::Options{});
    return refractory_update<S>(z0, v_old, &s[State::v], &s[State::rho], p[Param::rho_reset], alpha, uniform);
  }
};

// The LIF current encoder (encode.py, lif_current_encoder): a LIF neuron without synaptic
// current driven directly by x, with a subtractive-form reset:
//   v1 = v + dt*tau_mem_inv*((v_leak - v) + x);  z = H(v1 - v_th);  v2 = v1 - z (v1 - v_reset)
// (reset not detached). ConstantCurrentLIFEncoder starts it at v = 0, not v_leak.
#define NORSE_LIF_CURRENT_ENCODER_PARAMS(X) X(tau_mem_inv) X(v_leak) X(v_th) X(v_reset)
#define NORSE_LIF_CURRENT_ENCODER_STATES(X) X(v, kStartZero)
struct LIFCurrentEncoderModel {
  NORSE_MODEL_LAYOUT(NORSE_LIF_CURRENT_ENCODER_PARAMS, NORSE_LIF_CURRENT_ENCODER_STATES)
  static constexpr bool kSpiking = true;
  struct Options {};
  template <Surrogate S, class T, class R>
  NORSE_HD static T step(const T* p, T* s, T x, R dt, R alpha, R uniform, const Options&) {
    const T v1 = s[State::v] + dt * p[Param::tau_mem_inv] * ((p[Param::v_leak] - s[State::v]) + x);
    const T z = spike<S>(v1 - p[Param::v_th], alpha, uniform);
    s[State::v] = v1 - z * (v1 - p[Param::v_reset]);
    return z;
  }
};

// Izhikevich (izhikevich.py), k = tau_inv*dt:
//   v1 = v + k*(sq*v^2 + mn*v + bias - u + x);  u1 = u + k*a*(b*v - u)   (old v)
//   z = H(v1 - v_th);  v2 = (1-z) v1 + z c;  u2 = (1-z) u1 + z (u1 + d)
#define NORSE_IZHIKEVICH_PARAMS(X) X(a) X(b) X(c) X(d) X(sq) X(mn) X(bias) X(v_th) X(tau_inv)
#define NORSE_IZHIKEVICH_STATES(X) X(v, kStartGiven) X(u, kStartGiven)
struct IzhikevichModel {
  NORSE_MODEL_LAYOUT(NORSE_IZHIKEVICH_PARAMS, NORSE_IZHIKEVICH_STATES)
  static constexpr bool kSpiking = true;
  struct Options {};
  template <Surrogate S, class T, class R>
  NORSE_HD static T step(const T* p, T* s, T x, R dt, R alpha, R uniform, const Options&) {
    const T k = p[Param::tau_inv] * dt;
    const T v = s[State::v], u = s[State::u];
    // sq * (v * v), as Norse evaluates sq * v**2 (rounding shows in ill-conditioned gradients).
    const T v1 = v + k * (p[Param::sq] * (v * v) + p[Param::mn] * v + p[Param::bias] - u + x);
    const T u1 = u + k * p[Param::a] * (p[Param::b] * v - u);
    const T z = spike<S>(v1 - p[Param::v_th], alpha, uniform);
    s[State::v] = (T(R(1)) - z) * v1 + z * p[Param::c];
    s[State::u] = (T(R(1)) - z) * u1 + z * (u1 + p[Param::d]);
    return z;
  }
};

// Conductance-based LIF (coba_lif.py, feed-forward step):
//   g_e1 = g_e + relu(x);  g_i1 = g_i + relu(-x)
//   g_e2 = g_e1 - dt*tau_syn_exc_inv*g_e1;  g_i2 = g_i1 - dt*tau_syn_inh_inv*g_i1
//   v1 = v + dt*c_m_inv*(g_l*(v_rest - v) + g_e2*(e_rev_E - v) + g_i2*(e_rev_I - v))
//   z = H(v1 - v_thresh);  v2 = (1-z) v1 + z v_reset
#define NORSE_COBA_LIF_PARAMS(X) \
  X(tau_syn_exc_inv) X(tau_syn_inh_inv) X(c_m_inv) X(g_l) X(e_rev_I) X(e_rev_E) X(v_rest) X(v_reset) X(v_thresh)
#define NORSE_COBA_LIF_STATES(X) X(v, Param::v_rest) X(g_e, kStartZero) X(g_i, kStartZero)
struct CobaLIFModel {
  NORSE_MODEL_LAYOUT(NORSE_COBA_LIF_PARAMS, NORSE_COBA_LIF_STATES)
  static constexpr bool kSpiking = true;
  struct Options {};
  template <Surrogate S, class T, class R>
  NORSE_HD static T step(const T* p, T* s, T x, R dt, R alpha, R uniform, const Options&) {
    const T ge1 = s[State::g_e] + relu_of(x);
    const T gi1 = s[State::g_i] + relu_of(-x);
    const T ge2 = ge1 - dt * p[Param::tau_syn_exc_inv] * ge1;
    const T gi2 = gi1 - dt * p[Param::tau_syn_inh_inv] * gi1;
    const T v = s[State::v];
    const T v1 = v + dt * p[Param::c_m_inv] *
                         (p[Param::g_l] * (p[Param::v_rest] - v) + ge2 * (p[Param::e_rev_E] - v) +
                          gi2 * (p[Param::e_rev_I] - v));
    const T z = spike<S>(v1 - p[Param::v_thresh], alpha, uniform);
    s[State::v] = (T(R(1)) - z) * v1 + z * p[Param::v_reset];
    s[State::g_e] = ge2;
    s[State::g_i] = gi2;
    return z;
  }
};

}  // namespace kernels
}  // namespace norse

#endif  // NORSE_KERNELS_SPIKING_MATH_H_
