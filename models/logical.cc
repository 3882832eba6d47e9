#include "models/logical.h"

#include "models/threshold.h"

namespace norse {
namespace logical {
namespace {
// Norse's super_fn(x) with its default alpha.
Variable super_fn(const Variable& x) { return threshold(x, Surrogate::kSuper, 100.0f); }

void check_defined(const char* op, const char* name, const Variable& x) {
  NORSE_CHECK(x.defined(), InvalidArgument, op, "argument '", name, "' is undefined");
}
}  // namespace

Variable logical_and(const Variable& x, const Variable& y) {
  check_defined("logical_and", "x", x);
  check_defined("logical_and", "y", y);
  return x * y;
}

Variable logical_xor(const Variable& x, const Variable& y) {
  check_defined("logical_xor", "x", x);
  check_defined("logical_xor", "y", y);
  return abs(x - y);
}

Variable logical_or(const Variable& x, const Variable& y) {
  check_defined("logical_or", "x", x);
  check_defined("logical_or", "y", y);
  return super_fn(x + y);
}

Variable muller_c(const Variable& y_prev, const Variable& x_1, const Variable& x_2) {
  check_defined("muller_c", "y_prev", y_prev);
  check_defined("muller_c", "x_1", x_1);
  check_defined("muller_c", "x_2", x_2);
  return super_fn(x_1 * x_2 + (x_1 + x_2) * y_prev);
}

Variable posedge_detector(const Variable& z, const Variable& z_prev) {
  check_defined("posedge_detector", "z", z);
  check_defined("posedge_detector", "z_prev", z_prev);
  return (1.0f - z_prev) * z;
}

}  // namespace logical
}  // namespace norse
