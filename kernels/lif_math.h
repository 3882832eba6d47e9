// Leaky integrate-and-fire (LIF) neuron: the per-element equations, written once.
//
// Norse's feed-forward LIF step (norse/torch/functional/lif.py, lif_feed_forward_step; the
// order of evaluation is the one ../shared/conformance/README.md section 9 states):
//
//   i1 = i + x                                   input jumps into the synaptic current
//   v1 = v + dt * tau_mem_inv * ((v_leak - v) + i1)
//   i2 = i1 - dt * tau_syn_inv * i1
//   z  = H(v1 - v_th)                            H strict: H(0) = 0
//   v2 = (1 - z) * v1 + z * v_reset
//
// Units: SI, `*_inv` in 1/s, dt in s. Defaults are Norse's LIFParameters.
// Pure functions of scalars (STYLE.md section 2): no Eigen, no STL containers, no exceptions,
// usable from the CPU loops and, with NORSE_HD, from CUDA kernels.
#ifndef NORSE_KERNELS_LIF_MATH_H_
#define NORSE_KERNELS_LIF_MATH_H_

#include "core/host_device.h"

namespace norse {
namespace lif {

template <typename T>
struct Params {
  T tau_syn_inv = T(200);  // 1 / 5 ms
  T tau_mem_inv = T(100);  // 1 / 10 ms
  T v_leak = T(0);
  T v_th = T(1);
  T v_reset = T(0);
};

template <typename T>
struct State {
  T v;
  T i;
};

template <typename T>
struct StepOutput {
  T z;             // spike, 0 or 1
  State<T> state;  // the new state (v2, i2)
  T v_decayed;     // v1, the pre-reset voltage (the surrogate's argument is v1 - v_th)
};

// One Euler step of the feed-forward LIF neuron (forward only).
template <typename T>
NORSE_HD inline StepOutput<T> step(const Params<T>& p, const State<T>& s, T x, T dt) {
  const T i1 = s.i + x;
  const T v1 = s.v + dt * p.tau_mem_inv * ((p.v_leak - s.v) + i1);
  const T i2 = i1 - dt * p.tau_syn_inv * i1;
  const T z = (v1 - p.v_th) > T(0) ? T(1) : T(0);
  const T v2 = (T(1) - z) * v1 + z * p.v_reset;
  return StepOutput<T>{z, State<T>{v2, i2}, v1};
}

}  // namespace lif
}  // namespace norse

#endif  // NORSE_KERNELS_LIF_MATH_H_
