#include "models/neuron_param.h"

#include <cmath>
#include <string>

namespace norse {
namespace detail {

bool is_inverse_time_constant(const char* name) {
  const std::string n = name;
  return n.rfind("tau_", 0) == 0 && n.size() > 8 && n.compare(n.size() - 4, 4, "_inv") == 0;
}

void check_neuron_param(const char* op, const char* name, const Variable& param, const Shape& neuron_shape, float dt,
                        bool allow_unstable_euler) {
  NORSE_CHECK(param.defined(), InvalidArgument, op, "parameter '", name, "' is undefined");
  const Shape& s = param.shape();
  bool suffix = s.size() <= neuron_shape.size();
  for (size_t k = 0; suffix && k < s.size(); ++k) {
    suffix = s[s.size() - 1 - k] == neuron_shape[neuron_shape.size() - 1 - k];
  }
  NORSE_CHECK(suffix, ShapeError, op, "parameter '", name,
              "' must be a scalar or match the trailing dimensions of the neuron shape ", shape_to_string(neuron_shape),
              ", got shape ", shape_to_string(s));
  const Tensor v = param.value().to(Device::kCPU).contiguous();  // a cuda parameter: checked on a host copy
  for (int64_t k = 0; k < v.numel(); ++k) {
    NORSE_CHECK(std::isfinite(v.data()[k]), InvalidArgument, op, "parameter '", name, "' must be finite, got ",
                v.data()[k], " at flat index ", k);
  }
  if (!is_inverse_time_constant(name)) return;
  for (int64_t k = 0; k < v.numel(); ++k) {
    const float rate = v.data()[k];
    NORSE_CHECK(rate >= 0.0f, InvalidArgument, op, "parameter '", name,
                "' is an inverse time constant (1/s) and must be >= 0, got ", rate, " at flat index ", k,
                " (a negative value makes the decay grow without bound)");
    NORSE_CHECK(allow_unstable_euler || !(dt > 0.0f) || static_cast<double>(dt) * rate <= kMaxEulerRate,
                InvalidArgument, op, "parameter '", name, "' = ", rate, " (flat index ", k, ") with dt = ", dt,
                " gives dt * ", name, " = ", static_cast<double>(dt) * rate, " > ", kMaxEulerRate,
                ": the Euler step x += dt * ", name, " * (...) diverges; use a smaller dt");
  }
}

ParamValue param_value(const Variable& param, Device device) {
  return ParamValue{param.value().to(device).contiguous()};
}

Tensor reduce_param_grad(const Tensor& partials_in, const Shape& param_shape, Device device) {
  const int64_t p = shape_numel(param_shape);
  const Tensor partials = partials_in.to(Device::kCPU).contiguous();  // one value per neuron: small
  const int64_t n = partials.numel();
  std::vector<double> acc(static_cast<size_t>(p), 0.0);
  const float* src = partials.data();
  for (int64_t e = 0; e < n; ++e) acc[static_cast<size_t>(e % p)] += src[e];
  Tensor out = Tensor::empty(param_shape);
  for (int64_t k = 0; k < p; ++k) out.data()[k] = static_cast<float>(acc[static_cast<size_t>(k)]);
  return out.to(device);
}

Tensor broadcast_to(const Tensor& value, const Shape& shape, Device device) {
  return value.to(device).expand(shape).contiguous();
}

}  // namespace detail
}  // namespace norse
