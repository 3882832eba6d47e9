// Leaky integrate-and-fire (LIF) neuron: the per-element equations and their adjoint, written
// once and shared by the CPU loops and the CUDA kernels (through LIFModel, kernels/spiking_math.h).
//
// Norse's LIF step (norse/torch/functional/lif.py; order of evaluation as
// tests/conformance/fixtures/README.md section 9 states it):
//
//   i1 = i + x                                   the input jumps into the synaptic current
//   v1 = v + dt*tau_mem_inv * ((v_leak - v) + i1)
//   i2 = i1 - dt*tau_syn_inv * i1
//   z  = H(v1 - v_th)                            strict: H(0) = 0; surrogate in backward
//   v2 = (1 - z)*v1 + z*v_reset                  feed-forward: z NOT detached;
//                                                recurrent: sg(z) (detach_reset)
//
// Units: SI, `*_inv` in 1/s, dt in s. Defaults are Norse's LIFParameters().
// Pure functions of scalars (STYLE.md section 2): no Eigen, no containers, no exceptions.
// Instantiated with float in the kernels and with double in the tests.
#ifndef NORSE_KERNELS_LIF_MATH_H_
#define NORSE_KERNELS_LIF_MATH_H_

#include "core/host_device.h"
#include "kernels/dual.h"
#include "kernels/surrogate_math.h"

namespace norse {
namespace kernels {
namespace lif {

template <typename T>
struct StepParams {
  T tau_syn_inv = T(200);  // 1 / 5 ms
  T tau_mem_inv = T(100);  // 1 / 10 ms
  T v_leak = T(0);
  T v_th = T(1);
  T v_reset = T(0);
  T alpha = T(100);  // surrogate sharpness
};

template <typename T>
struct StepState {
  T v;
  T i;
};

template <typename T>
struct StepForward {
  T z;                // spike, 0 or 1
  StepState<T> next;  // (v2, i2)
  T v1;               // pre-reset voltage: backward's surrogate argument is v1 - v_th
  T i1;               // current after the input jump
};

// One Euler step. `uniform` is a U[0,1) draw, used only by stochastic surrogate methods.
// T is float, double, or a Dual over R (kernels/dual.h). The reset mode is a runtime flag: for
// plain numbers both modes compute the same values, so it costs nothing in the forward loops.
template <Surrogate S, typename T, typename R>
NORSE_HD inline StepForward<T> step(const StepParams<T>& p, const StepState<T>& s, T x, R dt, R uniform = R(0),
                                    bool detach_reset = false) {
  const T i1 = s.i + x;
  const T v1 = s.v + dt * p.tau_mem_inv * ((p.v_leak - s.v) + i1);
  const T i2 = i1 - dt * p.tau_syn_inv * i1;
  const T z = spike<S>(v1 - p.v_th, value_of(p.alpha), uniform);
  const T zr = detach_reset ? detach(z) : z;
  const T v2 = (T(R(1)) - zr) * v1 + zr * p.v_reset;
  return StepForward<T>{z, StepState<T>{v2, i2}, v1, i1};
}

template <typename T>
struct StepParamGrads {
  T tau_syn_inv = T(0), tau_mem_inv = T(0), v_leak = T(0), v_th = T(0), v_reset = T(0);
};

template <typename T>
struct StepBackward {
  StepState<T> grad_state;  // dL/d(v, i) before the step
  T grad_x;                 // dL/dx
};

// The adjoint of step(). Inputs: what the forward produced (z, v1, i1) and the state before
// the step (v: only needed for parameter gradients), and the gradients of the step's outputs
// (grad_z, grad_v2, grad_i2). Returns the gradients of (v, i, x); when `grad_params` is not
// null, ADDS (+=) this step's parameter gradients into it.
template <Surrogate S, typename T>
NORSE_HD inline StepBackward<T> step_backward(const StepParams<T>& p, T dt, T z, T v1, T i1, T v, T grad_z, T grad_v2,
                                              T grad_i2, StepParamGrads<T>* grad_params, bool detach_reset) {
  // v2 = (1 - z) v1 + z v_reset; with an attached reset z also depends on v1 through H (one
  // select, so the element loops stay branch-free).
  const T grad_z_total = grad_z + (detach_reset ? T(0) : grad_v2 * (p.v_reset - v1));
  const T grad_s = grad_z_total * spike_grad<S>(v1 - p.v_th, p.alpha);  // s = v1 - v_th
  const T grad_v1 = grad_v2 * (T(1) - z) + grad_s;
  const T a = dt * p.tau_mem_inv;
  const T b = dt * p.tau_syn_inv;
  // i2 = i1 - b i1 and v1 = v + a ((v_leak - v) + i1)
  const T grad_i1 = grad_i2 * (T(1) - b) + grad_v1 * a;
  if (grad_params != nullptr) {
    grad_params->v_th -= grad_s;
    grad_params->v_reset += grad_v2 * z;
    grad_params->tau_syn_inv -= grad_i2 * dt * i1;
    grad_params->tau_mem_inv += grad_v1 * dt * ((p.v_leak - v) + i1);
    grad_params->v_leak += grad_v1 * a;
  }
  return StepBackward<T>{StepState<T>{grad_v1 * (T(1) - a), grad_i1}, grad_i1};
}

}  // namespace lif
}  // namespace kernels
}  // namespace norse

#endif  // NORSE_KERNELS_LIF_MATH_H_
