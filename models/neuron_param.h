// Helpers shared by the neuron models: validating parameters (scalars or tensors broadcast
// over the trailing dimensions of the neuron state), handing them to the kernels, and reducing
// per-element parameter gradients back to the parameter's shape.
#ifndef NORSE_MODELS_NEURON_PARAM_H_
#define NORSE_MODELS_NEURON_PARAM_H_

#include <string>

#include "core/core.h"
#include "kernels/lif.h"

namespace norse {
namespace detail {

// Throws unless `param` is finite and its shape is [] or a suffix of `neuron_shape` (e.g. [N]
// for per-neuron values of a [B, N] state). Messages name `op` and the parameter.
void check_neuron_param(const char* op, const char* name, const Variable& param,
                        const Shape& neuron_shape);

// The contiguous value of a parameter, kept alive by the caller, and its kernel view.
struct ParamValue {
  Tensor value;
  kernels::ParamRef ref() const { return kernels::ParamRef{value.data(), value.numel()}; }
};
ParamValue param_value(const Variable& param);

// Sums per-element partials [elements] into the parameter's shape: out[p] = sum over e with
// e % P == p (P = the parameter's element count). Deterministic order.
Tensor reduce_param_grad(const Tensor& partials, const Shape& param_shape);

// `value` broadcast to `shape` as a new contiguous tensor (for default initial states).
Tensor broadcast_to(const Tensor& value, const Shape& shape);

}  // namespace detail
}  // namespace norse

#endif  // NORSE_MODELS_NEURON_PARAM_H_
