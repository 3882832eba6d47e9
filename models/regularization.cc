#include "models/regularization.h"

namespace norse {
namespace regularization {
namespace {
Variable accumulate(const char* op, const Variable& x, const Variable& accumulated) {
  NORSE_CHECK(x.defined(), InvalidArgument, op, "argument is undefined");
  const Variable total = sum(x);
  if (!accumulated.defined()) return total;
  NORSE_CHECK(accumulated.numel() == 1, ShapeError, op, "the accumulated value must be a scalar, got shape ",
              shape_to_string(accumulated.shape()));
  return reshape(accumulated, {}) + total;
}
}  // namespace

Variable spike_accumulator(const Variable& z, const Variable& accumulated) {
  return accumulate("spike_accumulator", z, accumulated);
}

Variable voltage_accumulator(const Variable& v, const Variable& accumulated) {
  return accumulate("voltage_accumulator", v, accumulated);
}

Variable RegularizationCell::forward(const Variable& activity) {
  total_ = kind_ == Kind::kSpikes ? spike_accumulator(activity, total_) : voltage_accumulator(activity, total_);
  return total_;
}

}  // namespace regularization
}  // namespace norse
