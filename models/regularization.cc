#include "models/regularization.h"

namespace norse {
namespace regularization {
Variable spike_accumulator(const Variable& z, const Variable& total) {
  NORSE_CHECK(z.defined(), InvalidArgument, "spike_accumulator", "argument 'z' is undefined");
  const Variable count = sum(z);
  if (!total.defined()) return count;
  NORSE_CHECK(total.numel() == 1, ShapeError, "spike_accumulator", "argument 'total' must be a scalar, got shape ",
              shape_to_string(total.shape()));
  return reshape(total, {}) + count;
}

Variable voltage_accumulator(const Variable& v, const Variable& total) {
  NORSE_CHECK(v.defined(), InvalidArgument, "voltage_accumulator", "argument 'v' is undefined");
  if (!total.defined()) return v;
  NORSE_CHECK(total.shape() == v.shape(), ShapeError, "voltage_accumulator", "argument 'total' must have v's shape ",
              shape_to_string(v.shape()), ", got ", shape_to_string(total.shape()));
  return total + v;
}

Variable RegularizationCell::forward(const Variable& activity) {
  total_ = kind_ == Kind::kSpikes ? spike_accumulator(activity, total_) : voltage_accumulator(activity, total_);
  return total_;
}

}  // namespace regularization
}  // namespace norse
