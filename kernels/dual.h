// Forward-mode dual numbers for deriving a neuron step's adjoint from its single source.
//
// A model's step function (kernels/<model>_math.h) is a template on its scalar type. Run with
// Dual<float, K> whose K tangent directions are seeded with the step's inputs (state fields,
// input, optionally parameters), it returns every output's derivative with respect to every
// input: one step's Jacobian, exact to rounding. The fused backward (kernels/neuron_sequence.h)
// multiplies it by the output gradients in reverse time. The equations thus exist once and the
// adjoint cannot drift from them. Spikes use the surrogate derivative (spike()), and detach()
// drops derivatives where Norse uses a detached spike.
#ifndef NORSE_KERNELS_DUAL_H_
#define NORSE_KERNELS_DUAL_H_

#include <cmath>

#include "core/host_device.h"
#include "kernels/surrogate_math.h"

namespace norse {
namespace kernels {

template <typename T, int K>
struct Dual {
  T v;     // value
  T d[K];  // derivatives along the K seeded directions

  NORSE_HD Dual() : v(T(0)) {
    for (int k = 0; k < K; ++k) d[k] = T(0);
  }
  NORSE_HD Dual(T value) : v(value) {  // NOLINT: a constant
    for (int k = 0; k < K; ++k) d[k] = T(0);
  }
  // The variable seeded along direction `direction`.
  NORSE_HD static Dual variable(T value, int direction) {
    Dual r(value);
    if (direction >= 0 && direction < K) r.d[direction] = T(1);
    return r;
  }
};

template <typename T, int K>
NORSE_HD inline Dual<T, K> operator+(const Dual<T, K>& a, const Dual<T, K>& b) {
  Dual<T, K> r(a.v + b.v);
  for (int k = 0; k < K; ++k) r.d[k] = a.d[k] + b.d[k];
  return r;
}
template <typename T, int K>
NORSE_HD inline Dual<T, K> operator-(const Dual<T, K>& a, const Dual<T, K>& b) {
  Dual<T, K> r(a.v - b.v);
  for (int k = 0; k < K; ++k) r.d[k] = a.d[k] - b.d[k];
  return r;
}
template <typename T, int K>
NORSE_HD inline Dual<T, K> operator-(const Dual<T, K>& a) {
  Dual<T, K> r(-a.v);
  for (int k = 0; k < K; ++k) r.d[k] = -a.d[k];
  return r;
}
template <typename T, int K>
NORSE_HD inline Dual<T, K> operator*(const Dual<T, K>& a, const Dual<T, K>& b) {
  Dual<T, K> r(a.v * b.v);
  for (int k = 0; k < K; ++k) r.d[k] = a.d[k] * b.v + a.v * b.d[k];
  return r;
}
template <typename T, int K>
NORSE_HD inline Dual<T, K> operator/(const Dual<T, K>& a, const Dual<T, K>& b) {
  const T q = a.v / b.v;
  Dual<T, K> r(q);
  for (int k = 0; k < K; ++k) r.d[k] = (a.d[k] - q * b.d[k]) / b.v;
  return r;
}
// Mixed with plain scalars (constants).
template <typename T, int K>
NORSE_HD inline Dual<T, K> operator+(const Dual<T, K>& a, T b) {
  return a + Dual<T, K>(b);
}
template <typename T, int K>
NORSE_HD inline Dual<T, K> operator+(T a, const Dual<T, K>& b) {
  return Dual<T, K>(a) + b;
}
template <typename T, int K>
NORSE_HD inline Dual<T, K> operator-(const Dual<T, K>& a, T b) {
  return a - Dual<T, K>(b);
}
template <typename T, int K>
NORSE_HD inline Dual<T, K> operator-(T a, const Dual<T, K>& b) {
  return Dual<T, K>(a) - b;
}
template <typename T, int K>
NORSE_HD inline Dual<T, K> operator*(const Dual<T, K>& a, T b) {
  return a * Dual<T, K>(b);
}
template <typename T, int K>
NORSE_HD inline Dual<T, K> operator*(T a, const Dual<T, K>& b) {
  return Dual<T, K>(a) * b;
}
template <typename T, int K>
NORSE_HD inline Dual<T, K> operator/(const Dual<T, K>& a, T b) {
  return a / Dual<T, K>(b);
}
template <typename T, int K>
NORSE_HD inline Dual<T, K> operator/(T a, const Dual<T, K>& b) {
  return Dual<T, K>(a) / b;
}

// --- functions on plain scalars and duals alike (the step functions call these) ------------------

template <typename T>
NORSE_HD inline T value_of(T x) {
  return x;
}
template <typename T, int K>
NORSE_HD inline T value_of(const Dual<T, K>& x) {
  return x.v;
}

template <typename T>
NORSE_HD inline T detach(T x) {
  return x;
}
template <typename T, int K>
NORSE_HD inline Dual<T, K> detach(const Dual<T, K>& x) {
  return Dual<T, K>(x.v);
}

template <typename T>
NORSE_HD inline T exp_of(T x) {
  return std::exp(x);
}
template <typename T, int K>
NORSE_HD inline Dual<T, K> exp_of(const Dual<T, K>& x) {
  const T e = std::exp(x.v);
  Dual<T, K> r(e);
  for (int k = 0; k < K; ++k) r.d[k] = e * x.d[k];
  return r;
}

// max(x, 0), derivative 1 where x > 0 (PyTorch's relu).
template <typename T>
NORSE_HD inline T relu_of(T x) {
  return x > T(0) ? x : T(0);
}
template <typename T, int K>
NORSE_HD inline Dual<T, K> relu_of(const Dual<T, K>& x) {
  return x.v > T(0) ? x : Dual<T, K>(T(0));
}

// The spike function: value H(x) (or a Bernoulli draw), derivative the surrogate's.
template <Surrogate S, typename T>
NORSE_HD inline T spike(T x, T alpha, T uniform) {
  return spike_forward<S>(x, alpha, uniform);
}
template <Surrogate S, typename T, int K>
NORSE_HD inline Dual<T, K> spike(const Dual<T, K>& x, T alpha, T uniform) {
  Dual<T, K> r(spike_forward<S>(x.v, alpha, uniform));
  const T g = spike_grad<S>(x.v, alpha);
  for (int k = 0; k < K; ++k) r.d[k] = g * x.d[k];
  return r;
}
// The same with a given (e.g. saved, stochastic) forward value.
template <Surrogate S, typename T, int K>
NORSE_HD inline Dual<T, K> spike_with_value(const Dual<T, K>& x, T alpha, T value) {
  Dual<T, K> r(value);
  const T g = spike_grad<S>(x.v, alpha);
  for (int k = 0; k < K; ++k) r.d[k] = g * x.d[k];
  return r;
}

}  // namespace kernels
}  // namespace norse

#endif  // NORSE_KERNELS_DUAL_H_
