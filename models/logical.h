// Norse's spike logic (norse/torch/functional/logical.py): gates on spike tensors whose entries
// are 0 or 1. The products and differences are plain tape ops; the gates that threshold a sum
// (or, Muller C-element) use Norse's super_fn: forward H(s) = (s > 0), backward the SuperSpike
// surrogate with alpha = 100. Shapes broadcast as in add/mul.
#ifndef NORSE_MODELS_LOGICAL_H_
#define NORSE_MODELS_LOGICAL_H_

#include "core/core.h"

namespace norse {
namespace logical {

// x * y
Variable logical_and(const Variable& x, const Variable& y);
// |x - y|
Variable logical_xor(const Variable& x, const Variable& y);
// H(x + y)
Variable logical_or(const Variable& x, const Variable& y);
// The Muller C-element's next output, Norse's argument order: H(x_1 x_2 + (x_1 + x_2) y_prev):
// 1 when both inputs are 1, 0 when both are 0, otherwise the previous output.
Variable muller_c(const Variable& y_prev, const Variable& x_1, const Variable& x_2);
// (1 - z_prev) * z: 1 where a spike follows a step without one.
Variable posedge_detector(const Variable& z, const Variable& z_prev);

}  // namespace logical
}  // namespace norse

#endif  // NORSE_MODELS_LOGICAL_H_
