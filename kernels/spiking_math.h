// Spiking neuron models beyond LIF, each as a template step (kernels/neuron_sequence.h runs
// them fused, with the adjoint derived by dual numbers). Equations and order of evaluation:
// Norse's functional modules, as tests/conformance/fixtures/README.md section 9 states them.
// Parameter order is the order of each model's kParamNames.
#ifndef NORSE_KERNELS_SPIKING_MATH_H_
#define NORSE_KERNELS_SPIKING_MATH_H_

#include "kernels/dual.h"
#include "kernels/lif_math.h"

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

// LIF (lif.py) in the generic form, for the recurrent loops; the equations are lif::step's
// (kernels/lif_math.h). Feed-forward sequences use the hand-written kernels/lif_cpu.cc.
struct LIFModel {
  static constexpr int kStates = 2;  // v, i
  static constexpr int kParams = 5;  // tau_syn_inv, tau_mem_inv, v_leak, v_th, v_reset
  static constexpr bool kSpiking = true;
  using Options = ResetOptions;
  template <Surrogate S, class T, class R>
  NORSE_HD static T step(const T* p, T* s, T x, R dt, R alpha, R uniform, const Options& o) {
    const lif::StepParams<T> sp{p[0], p[1], p[2], p[3], p[4], T(alpha)};
    const lif::StepState<T> st{s[0], s[1]};
    const lif::StepForward<T> out =
        o.detach_reset ? lif::step<S, true>(sp, st, x, dt, uniform) : lif::step<S, false>(sp, st, x, dt, uniform);
    s[0] = out.next.v;
    s[1] = out.next.i;
    return out.z;
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
struct LIFRefracModel {
  static constexpr int kStates = 3;  // v, i, rho
  static constexpr int kParams = 6;  // tau_syn_inv, tau_mem_inv, v_leak, v_th, v_reset, rho_reset
  static constexpr bool kSpiking = true;
  using Options = ResetOptions;
  template <Surrogate S, class T, class R>
  NORSE_HD static T step(const T* p, T* s, T x, R dt, R alpha, R uniform, const Options& o) {
    const T v_old = s[0];
    const T z0 = LIFModel::step<S>(p, s, x, dt, alpha, uniform, o);
    return refractory_update<S>(z0, v_old, &s[0], &s[2], p[5], alpha, uniform);
  }
};

// LIFBox (lif_box.py): v1 = v + dt*tau_mem_inv*(x + v_leak - v); z = H(v1 - v_th);
// reset_value: v2 = (1-z) v1 + z v_reset; reset_subtract: v2 = (1-z) v1 + z (v1 - v_th).
struct LIFBoxModel {
  static constexpr int kStates = 1;  // v
  static constexpr int kParams = 4;  // tau_mem_inv, v_leak, v_th, v_reset
  static constexpr bool kSpiking = true;
  struct Options {
    bool reset_subtract = false;
  };
  template <Surrogate S, class T, class R>
  NORSE_HD static T step(const T* p, T* s, T x, R dt, R alpha, R uniform, const Options& o) {
    const T v1 = s[0] + dt * p[0] * ((x + p[1]) - s[0]);
    const T z = spike<S>(v1 - p[2], alpha, uniform);
    s[0] = (T(R(1)) - z) * v1 + z * (o.reset_subtract ? (v1 - p[2]) : p[3]);
    return z;
  }
};

// IAF (iaf.py): v1 = v + x; z = H(v1 - v_th); v2 = (1-z) v1 + z v_reset.
struct IAFModel {
  static constexpr int kStates = 1;  // v
  static constexpr int kParams = 2;  // v_th, v_reset
  static constexpr bool kSpiking = true;
  using Options = ResetOptions;
  template <Surrogate S, class T, class R>
  NORSE_HD static T step(const T* p, T* s, T x, R, R alpha, R uniform, const Options& o) {
    const T v1 = s[0] + x;
    const T z = spike<S>(v1 - p[0], alpha, uniform);
    const T zr = reset_spike(z, o);
    s[0] = (T(R(1)) - zr) * v1 + zr * p[1];
    return z;
  }
};

// LSNN (lsnn.py): the input enters AFTER the voltage update; b is the adaptive threshold.
//   v1 = v + dt*tau_mem_inv*((v_leak - v) + i);  i1 = i - dt*tau_syn_inv*i
//   b1 = b + dt*tau_adapt_inv*(v_th - b);         z = H(v1 - b1)
//   v2 = (1-z) v1 + z v_reset;  b2 = b1 + z beta;  i2 = i1 + x
// Recurrent: reset and b jump use sg(z).
struct LSNNModel {
  static constexpr int kStates = 3;  // v, i, b
  static constexpr int kParams = 7;  // tau_syn_inv, tau_mem_inv, tau_adapt_inv, v_leak, v_th, v_reset, beta
  static constexpr bool kSpiking = true;
  using Options = ResetOptions;
  template <Surrogate S, class T, class R>
  NORSE_HD static T step(const T* p, T* s, T x, R dt, R alpha, R uniform, const Options& o) {
    const T v1 = s[0] + dt * p[1] * ((p[3] - s[0]) + s[1]);
    const T i1 = s[1] - dt * p[0] * s[1];
    const T b1 = s[2] + dt * p[2] * (p[4] - s[2]);
    const T z = spike<S>(v1 - b1, alpha, uniform);
    const T zr = reset_spike(z, o);
    s[0] = (T(R(1)) - zr) * v1 + zr * p[5];
    s[2] = b1 + zr * p[6];
    s[1] = i1 + x;
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
    const R a = dt * p[1], c = dt * p[0], d = dt * p[2];
    const R v1 = s[0] + a * ((p[3] - s[0]) + s[1]);
    const R b1 = s[2] + d * (p[4] - s[2]);
    const R z = spike<S>(v1 - b1, alpha, uniform);
    // v2 = (1 - zr) v1 + zr v_reset; b2 = b1 + zr beta; i2 = (1 - c) i + x.
    const R g_zr = g_out[0] * (p[5] - v1) + g_out[2] * p[6];
    const R g_s = (g_z + (o.detach_reset ? R(0) : g_zr)) * spike_grad<S>(v1 - b1, alpha);  // s = v1 - b1
    const R g_v1 = g_out[0] * (R(1) - z) + g_s;
    const R g_b1 = g_out[2] - g_s;
    g_state[0] = g_v1 * (R(1) - a);
    g_state[1] = g_v1 * a + g_out[1] * (R(1) - c);
    g_state[2] = g_b1 * (R(1) - d);
    *g_x = g_out[1];
    if (g_params != nullptr) {
      g_params[0] -= g_out[1] * dt * s[1];                // tau_syn_inv
      g_params[1] += g_v1 * dt * ((p[3] - s[0]) + s[1]);  // tau_mem_inv
      g_params[2] += g_b1 * dt * (p[4] - s[2]);           // tau_adapt_inv
      g_params[3] += g_v1 * a;                            // v_leak
      g_params[4] += g_b1 * d;                            // v_th
      g_params[5] += g_out[0] * z;                        // v_reset
      g_params[6] += g_out[2] * z;                        // beta
    }
  }
};

// LIFEx (lif_ex.py): as LIF with the exponential term delta_T*exp((v - v_th)/delta_T) (old v).
// Reset not detached in any flavour.
struct LIFExModel {
  static constexpr int kStates = 2;  // v, i
  static constexpr int kParams = 6;  // delta_T, tau_syn_inv, tau_mem_inv, v_leak, v_th, v_reset
  static constexpr bool kSpiking = true;
  struct Options {};
  template <Surrogate S, class T, class R>
  NORSE_HD static T step(const T* p, T* s, T x, R dt, R alpha, R uniform, const Options&) {
    const T i1 = s[1] + x;
    const T v1 = s[0] + dt * p[2] * ((p[3] - s[0]) + p[0] * exp_of((s[0] - p[4]) / p[0]) + i1);
    s[1] = i1 - dt * p[1] * i1;
    const T z = spike<S>(v1 - p[4], alpha, uniform);
    s[0] = (T(R(1)) - z) * v1 + z * p[5];
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
struct LIFAdExModel {
  static constexpr int kStates = 3;  // v, i, a
  static constexpr int kParams = 9;  // adaptation_current, adaptation_spike, delta_T, tau_ada_inv,
                                     // tau_syn_inv, tau_mem_inv, v_leak, v_th, v_reset
  static constexpr bool kSpiking = true;
  struct Options {};
  template <Surrogate S, class T, class R>
  NORSE_HD static T step(const T* p, T* s, T x, R dt, R alpha, R uniform, const Options&) {
    const T i1 = s[1] + x;
    const T v1 = s[0] + dt * p[5] * ((p[6] - s[0]) + p[2] * exp_of((s[0] - p[7]) / p[2]) + i1 - s[2]);
    const T i2 = i1 - dt * p[4] * i1;
    const T a1 = s[2] + dt * p[3] * (p[0] * (s[0] - p[6]) - s[2]);
    const T z = spike<S>(v1 - p[7], alpha, uniform);
    s[0] = (T(R(1)) - z) * v1 + z * p[8];
    s[1] = i2;
    s[2] = a1 + z * p[1];
    return z;
  }
};

// LIFAdExRefrac (lif_adex_refrac.py): a LIFAdEx step, then the refractory update. States v, i,
// a, rho; parameters LIFAdEx's nine, then rho_reset.
struct LIFAdExRefracModel {
  static constexpr int kStates = 4;   // v, i, a, rho
  static constexpr int kParams = 10;  // LIFAdEx's nine, rho_reset
  static constexpr bool kSpiking = true;
  struct Options {};
  template <Surrogate S, class T, class R>
  NORSE_HD static T step(const T* p, T* s, T x, R dt, R alpha, R uniform, const Options&) {
    const T v_old = s[0];
    const T z0 = LIFAdExModel::step<S>(p, s, x, dt, alpha, uniform, LIFAdExModel::Options{});
    return refractory_update<S>(z0, v_old, &s[0], &s[3], p[9], alpha, uniform);
  }
};

// The LIF current encoder (encode.py, lif_current_encoder): a LIF neuron without synaptic
// current driven directly by x, with a subtractive-form reset:
//   v1 = v + dt*tau_mem_inv*((v_leak - v) + x);  z = H(v1 - v_th);  v2 = v1 - z (v1 - v_reset)
// (reset not detached). ConstantCurrentLIFEncoder starts it at v = 0, not v_leak.
struct LIFCurrentEncoderModel {
  static constexpr int kStates = 1;  // v
  static constexpr int kParams = 4;  // tau_mem_inv, v_leak, v_th, v_reset
  static constexpr bool kSpiking = true;
  struct Options {};
  template <Surrogate S, class T, class R>
  NORSE_HD static T step(const T* p, T* s, T x, R dt, R alpha, R uniform, const Options&) {
    const T v1 = s[0] + dt * p[0] * ((p[1] - s[0]) + x);
    const T z = spike<S>(v1 - p[2], alpha, uniform);
    s[0] = v1 - z * (v1 - p[3]);
    return z;
  }
};

// Izhikevich (izhikevich.py), k = tau_inv*dt:
//   v1 = v + k*(sq*v^2 + mn*v + bias - u + x);  u1 = u + k*a*(b*v - u)   (old v)
//   z = H(v1 - v_th);  v2 = (1-z) v1 + z c;  u2 = (1-z) u1 + z (u1 + d)
struct IzhikevichModel {
  static constexpr int kStates = 2;  // v, u
  static constexpr int kParams = 9;  // a, b, c, d, sq, mn, bias, v_th, tau_inv
  static constexpr bool kSpiking = true;
  struct Options {};
  template <Surrogate S, class T, class R>
  NORSE_HD static T step(const T* p, T* s, T x, R dt, R alpha, R uniform, const Options&) {
    const T k = p[8] * dt;
    const T v = s[0], u = s[1];
    // sq * (v * v), as Norse evaluates sq * v**2 (rounding shows in ill-conditioned gradients).
    const T v1 = v + k * (p[4] * (v * v) + p[5] * v + p[6] - u + x);
    const T u1 = u + k * p[0] * (p[1] * v - u);
    const T z = spike<S>(v1 - p[7], alpha, uniform);
    s[0] = (T(R(1)) - z) * v1 + z * p[2];
    s[1] = (T(R(1)) - z) * u1 + z * (u1 + p[3]);
    return z;
  }
};

// Conductance-based LIF (coba_lif.py, feed-forward step):
//   g_e1 = g_e + relu(x);  g_i1 = g_i + relu(-x)
//   g_e2 = g_e1 - dt*tau_syn_exc_inv*g_e1;  g_i2 = g_i1 - dt*tau_syn_inh_inv*g_i1
//   v1 = v + dt*c_m_inv*(g_l*(v_rest - v) + g_e2*(e_rev_E - v) + g_i2*(e_rev_I - v))
//   z = H(v1 - v_thresh);  v2 = (1-z) v1 + z v_reset
struct CobaLIFModel {
  static constexpr int kStates = 3;  // v, g_e, g_i
  static constexpr int kParams = 9;  // tau_syn_exc_inv, tau_syn_inh_inv, c_m_inv, g_l, e_rev_I,
                                     // e_rev_E, v_rest, v_reset, v_thresh
  static constexpr bool kSpiking = true;
  struct Options {};
  template <Surrogate S, class T, class R>
  NORSE_HD static T step(const T* p, T* s, T x, R dt, R alpha, R uniform, const Options&) {
    const T ge1 = s[1] + relu_of(x);
    const T gi1 = s[2] + relu_of(-x);
    const T ge2 = ge1 - dt * p[0] * ge1;
    const T gi2 = gi1 - dt * p[1] * gi1;
    const T v = s[0];
    const T v1 = v + dt * p[2] * (p[3] * (p[6] - v) + ge2 * (p[5] - v) + gi2 * (p[4] - v));
    const T z = spike<S>(v1 - p[8], alpha, uniform);
    s[0] = (T(R(1)) - z) * v1 + z * p[7];
    s[1] = ge2;
    s[2] = gi2;
    return z;
  }
};

}  // namespace kernels
}  // namespace norse

#endif  // NORSE_KERNELS_SPIKING_MATH_H_
