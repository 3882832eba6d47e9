// Spike functions and their surrogate derivatives: Norse's `threshold(x, method, alpha)`
// (norse/torch/functional/threshold.py), with x = v - v_th.
//
// Forward: z = H(x) = (x > 0), strictly (z = 0 at x = 0); the stochastic methods draw
// z ~ Bernoulli(p(x)). Backward replaces dz/dx by (tests/conformance/fixtures/README.md section 8):
//
//   super       1 / (alpha*|x| + 1)^2          SuperSpike, Zenke & Ganguli 2018, eq. 3
//   triangle    alpha * max(0, 1 - |x|)        width 1, not scaled by alpha (Norse's quirk)
//   tanh        1 - tanh(alpha*x)^2            no factor alpha (Norse's quirk)
//   circ        alpha^3 / (alpha^2 + x^2)^1.5
//   heavi_erfc  2*exp(-(alpha*x)^2) / sqrt(pi) no factor alpha (Norse's quirk)
//   heaviside   0                              no gradient
//   logistic    forward Bernoulli(0.5 + 0.5*tanh(alpha*x)), backward as tanh
//   circ_dist   forward Bernoulli(0.5 + 0.5*x/sqrt(x^2 + alpha^2)), backward as circ
//   user        forward H(x); backward the derivative the program registered
//               (register_user_surrogate, kernels/surrogate.h): CPU only, a call through a
//               function pointer per neuron-step (its cost: docs/benchmarks.md)
//
// Pure functions of scalars (host and device); the method is a template argument so that the
// fused loops compile one specialised kernel per method (STYLE.md section 3).
#ifndef NORSE_KERNELS_SURROGATE_MATH_H_
#define NORSE_KERNELS_SURROGATE_MATH_H_

#include <cmath>

#include "core/host_device.h"

namespace norse {

enum class Surrogate { kSuper, kTriangle, kTanh, kCirc, kHeaviErfc, kHeaviside, kLogistic, kCircDist, kUser };

// A user-defined surrogate derivative dz/dx at x = v - v_th (Surrogate::kUser).
using UserSurrogate = float (*)(float x, float alpha);

namespace detail {
// The registered derivative (host memory; kernels/surrogate.h registers and checks it).
inline UserSurrogate& user_surrogate_slot() {
  static UserSurrogate derivative = nullptr;
  return derivative;
}
}  // namespace detail

// True for the methods whose forward is random.
NORSE_HD constexpr bool is_stochastic(Surrogate s) { return s == Surrogate::kLogistic || s == Surrogate::kCircDist; }

// Written as a conversion from bool, not a branch, so that element loops vectorise.
template <typename T>
NORSE_HD inline T heaviside_strict(T x) {
  return static_cast<T>(x > T(0));
}

// The spike probability of the stochastic methods (unused for the deterministic ones).
template <Surrogate S, typename T>
NORSE_HD inline T spike_probability(T x, T alpha) {
  if constexpr (S == Surrogate::kLogistic) {
    return T(0.5) + T(0.5) * std::tanh(alpha * x);
  } else if constexpr (S == Surrogate::kCircDist) {
    return T(0.5) + T(0.5) * x / std::sqrt(x * x + alpha * alpha);
  } else {
    return heaviside_strict(x);
  }
}

// Forward spike. `uniform` is a U[0, 1) draw, used only by the stochastic methods.
template <Surrogate S, typename T>
NORSE_HD inline T spike_forward(T x, T alpha, T uniform) {
  if constexpr (is_stochastic(S)) {
    return uniform < spike_probability<S>(x, alpha) ? T(1) : T(0);
  } else {
    (void)alpha;
    (void)uniform;
    return heaviside_strict(x);
  }
}

// dz/dx used in backward.
template <Surrogate S, typename T>
NORSE_HD inline T spike_grad(T x, T alpha) {
  if constexpr (S == Surrogate::kSuper) {
    const T d = alpha * std::fabs(x) + T(1);
    return T(1) / (d * d);
  } else if constexpr (S == Surrogate::kTriangle) {
    const T r = T(1) - std::fabs(x);
    return alpha * (r > T(0) ? r : T(0));
  } else if constexpr (S == Surrogate::kTanh || S == Surrogate::kLogistic) {
    const T t = std::tanh(alpha * x);
    return T(1) - t * t;
  } else if constexpr (S == Surrogate::kCirc || S == Surrogate::kCircDist) {
    const T q = alpha * alpha + x * x;
    return alpha * alpha * alpha / (q * std::sqrt(q));
  } else if constexpr (S == Surrogate::kHeaviErfc) {
    const T ax = alpha * x;
    return T(2) * std::exp(-ax * ax) / T(1.7724538509055160273);  // sqrt(pi)
  } else if constexpr (S == Surrogate::kUser) {
#if defined(__CUDA_ARCH__)
    (void)x, (void)alpha;
    return T(0);  // never runs: the CUDA loops refuse kUser before a launch
#else
    return static_cast<T>(detail::user_surrogate_slot()(static_cast<float>(x), static_cast<float>(alpha)));
#endif
  } else {
    static_assert(S == Surrogate::kHeaviside, "unhandled surrogate");
    (void)x;
    (void)alpha;
    return T(0);
  }
}

}  // namespace norse

#endif  // NORSE_KERNELS_SURROGATE_MATH_H_
