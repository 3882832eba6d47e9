// Norse's activity regularisation (norse/torch/functional/regularization.py,
// module/regularization.py): accumulate a neuron layer's spikes or voltages over the steps of a
// sequence, to add a penalty to the loss (e.g. a spike-count or firing-rate target).
//
//   spike_accumulator(z, acc)   = acc + sum(z)      (Norse's default accumulator)
//   voltage_accumulator(v, acc) = acc + sum(v)
// Both are differentiable: the spike count's gradient reaches the network through the
// surrogate of the spike function.
#ifndef NORSE_MODELS_REGULARIZATION_H_
#define NORSE_MODELS_REGULARIZATION_H_

#include "core/core.h"

namespace norse {
namespace regularization {

// `accumulated` undefined means 0. Returns a scalar Variable.
Variable spike_accumulator(const Variable& z, const Variable& accumulated = Variable());
Variable voltage_accumulator(const Variable& v, const Variable& accumulated = Variable());

// Norse's RegularizationCell: feeds every step's spikes (or voltages) to an accumulator and keeps
// the running total, which starts at 0.
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
