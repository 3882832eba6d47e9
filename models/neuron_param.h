// Helpers shared by the neuron models: validating parameters (scalars or tensors broadcast
// over the trailing dimensions of the neuron state), handing them to the kernels, and reducing
// per-element parameter gradients back to the parameter's shape.
#ifndef NORSE_MODELS_NEURON_PARAM_H_
#define NORSE_MODELS_NEURON_PARAM_H_

#include <string>

#include "core/core.h"
#include "kernels/neuron_sequence.h"

namespace norse {
namespace detail {

// The largest dt * tau_*_inv accepted. The forward Euler update x += dt * tau_inv * (target - x)
// multiplies the distance to the target by 1 - dt * tau_inv each step: above 1 it overshoots
// (oscillates, still bounded), above 2 it grows without bound, which no time constant means.
constexpr double kMaxEulerRate = 2.0;

// Whether a parameter name is one of Norse's inverse time constants ("tau_<what>_inv", in 1/s).
bool is_inverse_time_constant(const char* name);

// Throws InvalidArgument unless `param` is finite and its shape is [] or a suffix of
// `neuron_shape` (e.g. [N] for per-neuron values of a [B, N] state); for an inverse time
// constant (is_inverse_time_constant) also unless every value is >= 0 and, when dt > 0,
// dt * value <= kMaxEulerRate (unless allow_unstable_euler: a caller reproducing a reference that
// runs such parameters, e.g. a NIR graph made for a smaller dt). Messages name `op`, the parameter,
// the value and the rule.
void check_neuron_param(const char* op, const char* name, const Variable& param, const Shape& neuron_shape, float dt,
                        bool allow_unstable_euler = false);

// The contiguous value of a parameter, kept alive by the caller, and its kernel view.
// A parameter's value, contiguous, on the device whose loop reads it (ref() points there).
struct ParamValue {
  Tensor value;
  kernels::ParamRef ref() const { return kernels::ParamRef{value.device_data(), value.numel()}; }
};
ParamValue param_value(const Variable& param, Device device = Device::kCPU);

// Sums per-element partials [elements] (on any device) into the parameter's shape, on
// `device`: out[p] = sum over e with e % P == p (P = the parameter's element count), in a
// deterministic order on the host.
Tensor reduce_param_grad(const Tensor& partials, const Shape& param_shape, Device device = Device::kCPU);

// `value` broadcast to `shape` as a new contiguous tensor on `device` (for default initial
// states: built where the loop runs).
Tensor broadcast_to(const Tensor& value, const Shape& shape, Device device = Device::kCPU);

}  // namespace detail
}  // namespace norse

#endif  // NORSE_MODELS_NEURON_PARAM_H_
