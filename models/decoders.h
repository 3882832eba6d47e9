// Norse's decoders and filters (norse/torch/functional/decode.py, module/decode.py, filter.py):
//
//   sum_decode(x)            sum over time (dim 0)
//   spikes_to_times_decode   the time indices of the first `spike_count` spikes of every
//                            neuron, sorted, times dt if convert_indices_to_times; [K, B, ...]
//                            with K = min(spike_count, T). A neuron with fewer than K spikes
//                            gets +inf for the missing ones.
//                            Backward: d time_k / d input[t] = -1 (times dt) at the k-th
//                            spike's step, 0 elsewhere (Norse's ToSpikeTimes). Norse's own
//                            backward fails when a neuron spikes fewer than K times; here the
//                            missing (+inf) entries simply have no dependency on the input and
//                            contribute zero gradient.
//   exp_filter_step          parameter * old_value + new_value (Norse's filter.py)
//   ExpFilter                Linear, then out[t] = exp(-dt tau_filter_inv) out[t-1] + y[t]
//                            (one fused tape node for the filter)
#ifndef NORSE_MODELS_DECODERS_H_
#define NORSE_MODELS_DECODERS_H_

#include "core/core.h"
#include "models/layers.h"

namespace norse {
namespace decode {

Variable sum_decode(const Variable& input);

Variable spikes_to_times_decode(const Variable& spikes, int64_t spike_count, bool convert_indices_to_times = true,
                                float dt = 1e-3f);

class SpikesToTimesDecoder {
 public:
  explicit SpikesToTimesDecoder(int64_t spike_count = 1, bool convert_indices_to_times = true, float dt = 1e-3f)
      : spike_count_(spike_count), convert_(convert_indices_to_times), dt_(dt) {}
  Variable forward(const Variable& spikes) const { return spikes_to_times_decode(spikes, spike_count_, convert_, dt_); }

 private:
  int64_t spike_count_;
  bool convert_;
  float dt_;
};

// One step of the exponential filter: parameter * old_value + new_value (shapes must match).
Variable exp_filter_step(const Variable& old_value, const Variable& new_value, float parameter);

// input [T, B, in] -> [T, B, out].
class ExpFilter {
 public:
  ExpFilter(int64_t input_size, int64_t output_size, Generator& init, float tau_filter_inv = 1.0f / 1e-2f,
            float dt = 1e-3f, bool bias = true);
  Variable forward(const Variable& input);
  nn::Linear linear;

 private:
  float tau_filter_inv_, dt_;
};

}  // namespace decode
}  // namespace norse

#endif  // NORSE_MODELS_DECODERS_H_
