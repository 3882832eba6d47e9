// The spike function as a differentiable op: Norse's `threshold(x, method, alpha)`.
// Forward z = H(x) (strict) or, for the stochastic methods, z ~ Bernoulli(p(x)) drawn from
// `gen`; backward multiplies the upstream gradient by the surrogate derivative
// (kernels/surrogate_math.h).
#ifndef NORSE_MODELS_THRESHOLD_H_
#define NORSE_MODELS_THRESHOLD_H_

#include "core/core.h"
#include "kernels/surrogate.h"

namespace norse {

// `gen` is required (non-null) for the stochastic methods, ignored otherwise.
Variable threshold(const Variable& x, Surrogate method, float alpha, Generator* gen = nullptr);

// Norse's sign spike function: 2 * threshold(x, method, alpha) - 1, so -1 or +1 (the stochastic
// methods draw as threshold does); the gradient is twice threshold's surrogate.
Variable sign(const Variable& x, Surrogate method, float alpha, Generator* gen = nullptr);

}  // namespace norse

#endif  // NORSE_MODELS_THRESHOLD_H_
