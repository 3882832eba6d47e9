// Norse's activity regularisation (norse/torch/functional/regularization.py,
// module/regularization.py): accumulate a neuron layer's spikes or voltages over the steps of a
// sequence, to add a penalty to the loss (e.g. a spike-count or firing-rate target).
//
//   spike_accumulator(z, total)   = total + sum(z), a scalar   (Norse's default accumulator)
//   voltage_accumulator(v, total) = total + v, element-wise    (Norse: zeros_like(s.v) + s.v)
//   regularize_step(z, s, accumulator, total) = (z, accumulator(z, s, total))
// All differentiable: the spike count's gradient reaches the network through the surrogate of
// the spike function.
#ifndef NORSE_MODELS_REGULARIZATION_H_
#define NORSE_MODELS_REGULARIZATION_H_

#include "core/core.h"

namespace norse {
namespace regularization {

// `total` undefined means none yet (Norse's state=None): 0 for spikes, zeros for voltages.
Variable spike_accumulator(const Variable& z, const Variable& total = Variable());
Variable voltage_accumulator(const Variable& v, const Variable& total = Variable());

// Norse's accumulators as regularize_step calls them: (spikes, the neuron's state, the total so
// far) -> the new total. The voltage one reads the state's `v`.
struct SpikeAccumulator {
  template <typename NeuronState>
  Variable operator()(const Variable& z, const NeuronState& /*s*/, const Variable& total) const {
    return spike_accumulator(z, total);
  }
};
struct VoltageAccumulator {
  template <typename NeuronState>
  Variable operator()(const Variable& /*z*/, const NeuronState& s, const Variable& total) const {
    return voltage_accumulator(s.v, total);
  }
};

struct RegularizeResult {
  Variable z;      // the spikes, passed through
  Variable total;  // the accumulated regularisation state
};

// Norse's regularize_step(z, s, accumulator, state): one step of a regulariser; `s` is the
// neuron state of the step (any model's State, e.g. lif::State).
template <typename NeuronState, typename Accumulator = SpikeAccumulator>
RegularizeResult regularize_step(const Variable& z, const NeuronState& s, Accumulator accumulator = {},
                                 const Variable& total = Variable()) {
  return {z, accumulator(z, s, total)};
}

// Norse's RegularizationCell: feeds every step's spikes (or voltages) to an accumulator and keeps
// the running total (a scalar spike count, or the element-wise voltage sum).
class RegularizationCell {
 public:
  enum class Kind { kSpikes, kVoltage };
  explicit RegularizationCell(Kind kind = Kind::kSpikes) : kind_(kind) {}
  // Adds this step's activity and returns the running total.
  Variable forward(const Variable& activity);
  const Variable& total() const { return total_; }
  void reset() { total_ = Variable(); }

 private:
  Kind kind_;
  Variable total_;
};

}  // namespace regularization
}  // namespace norse

#endif  // NORSE_MODELS_REGULARIZATION_H_
