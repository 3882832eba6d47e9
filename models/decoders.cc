#include "models/decoders.h"

#include <cmath>
#include <limits>

#include "kernels/li_math.h"
#include "models/neuron_op.h"

namespace norse {
namespace decode {

Variable sum_decode(const Variable& input) {
  NORSE_CHECK(input.defined() && input.dim() >= 1, ShapeError, "sum_decode", "argument 'input' must be [T, ...]");
  return sum(input, {0});
}

Variable spikes_to_times_decode(const Variable& spikes, int64_t spike_count, bool convert, float dt) {
  const char* op = "spikes_to_times_decode";
  NORSE_CHECK(spikes.defined() && spikes.dim() >= 1, ShapeError, op, "argument 'spikes' must be [T, ...]");
  NORSE_CHECK(spike_count >= 1, InvalidArgument, op, "argument 'spike_count' must be >= 1, got ", spike_count);
  const Tensor z = spikes.value().contiguous();
  const int64_t steps = z.size(0), n = z.numel() / std::max<int64_t>(steps, 1);
  const int64_t k_max = std::min(spike_count, steps);
  Shape out_shape = z.shape();
  out_shape[0] = k_max;
  Tensor times = full(out_shape, std::numeric_limits<float>::infinity());
  Tensor step_of = full(out_shape, -1.0f);  // the time index of each selected spike, -1 if none
  const float unit = convert ? dt : 1.0f;
  for (int64_t e = 0; e < n; ++e) {
    int64_t found = 0;
    for (int64_t t = 0; t < steps && found < k_max; ++t) {
      if (z.data()[t * n + e] != 0.0f) {
        times.data()[found * n + e] = static_cast<float>(t) * unit;
        step_of.data()[found * n + e] = static_cast<float>(t);
        ++found;
      }
    }
  }
  const Shape in_shape = z.shape();
  return record_op(op, times, {spikes},
                   [step_of, in_shape, n, k_max, unit](const std::vector<Tensor>& g, const std::vector<bool>&) {
                     Tensor grad = zeros(in_shape);
                     const Tensor gc = g[0].contiguous();
                     for (int64_t k = 0; k < k_max; ++k) {
                       for (int64_t e = 0; e < n; ++e) {
                         const float t = step_of.data()[k * n + e];
                         if (t >= 0.0f) grad.data()[static_cast<int64_t>(t) * n + e] -= gc.data()[k * n + e] * unit;
                       }
                     }
                     return std::vector<Tensor>{grad};
                   });
}

Variable exp_filter_step(const Variable& old_value, const Variable& new_value, float parameter) {
  NORSE_CHECK(std::isfinite(parameter), InvalidArgument, "exp_filter_step", "argument 'parameter' must be finite, got ",
              parameter);
  NORSE_CHECK(old_value.defined() && new_value.defined(), InvalidArgument, "exp_filter_step", "argument '",
              old_value.defined() ? "new_value" : "old_value", "' is undefined");
  NORSE_CHECK(old_value.shape() == new_value.shape(), ShapeError, "exp_filter_step",
              "arguments 'old_value' and 'new_value' must have the same shape, got ",
              shape_to_string(old_value.shape()), " and ", shape_to_string(new_value.shape()));
  return old_value * parameter + new_value;
}

ExpFilter::ExpFilter(int64_t input_size, int64_t output_size, Generator& init, float tau_filter_inv, float dt,
                     bool bias)
    : linear(input_size, output_size, init, bias), tau_filter_inv_(tau_filter_inv), dt_(dt) {
  NORSE_CHECK(std::isfinite(tau_filter_inv) && tau_filter_inv >= 0.0f, InvalidArgument, "ExpFilter",
              "argument 'tau_filter_inv' must be finite and >= 0, got ", tau_filter_inv);
}

Variable ExpFilter::forward(const Variable& input) {
  NORSE_CHECK(input.defined() && input.dim() == 3, ShapeError, "ExpFilter", "argument 'input' must be [T, B, in], got ",
              input.defined() ? shape_to_string(input.shape()) : std::string("undefined"));
  const Variable y = linear.forward(input);
  const Shape state_shape = {y.size(1), y.size(2)};
  kernels::NeuronParams<kernels::ExpFilterModel> config;
  config.dt = dt_;
  // Norse computes the decay as a Python double.
  const float decay = static_cast<float>(std::exp(-static_cast<double>(dt_) * static_cast<double>(tau_filter_inv_)));
  const detail::NeuronOpOutputs out = detail::neuron_sequence_op<kernels::ExpFilterModel>(
      "exp_filter", y, {Variable(zeros(state_shape, y.value().device()))}, {Variable(scalar_tensor(decay))}, config,
      true, nullptr);
  return out.records[0];
}

}  // namespace decode
}  // namespace norse
