// Finite-difference gradient checks for differentiable ops (STYLE.md section 8, rung 2).
//
// For L(x) = sum(w * f(x)) with w a seeded random upstream gradient (never all ones), compares
// each element of the autograd gradient dL/dx_k with the central difference
// (L(x + h e_i) - L(x - h e_i)) / 2h. L is accumulated in double; f runs in float32.
//
// Tolerances: with h = 1e-2 the float32 rounding of L contributes about 1e-7 * sum|w f| / h
// (~1e-4 for the small tensors used here) and the truncation error is O(h^2) (~1e-4): a
// tolerance of 2e-3 + 2e-2 * |g| passes correct gradients and still fails on a wrong sign, a
// missing term or a factor of 2. Inputs must stay away from kinks (relu at 0, |x| at 0, ties in
// max) by more than h.
#ifndef NORSE_TESTS_TESTING_GRADCHECK_H_
#define NORSE_TESTS_TESTING_GRADCHECK_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/core.h"

namespace norse {
namespace testing {

struct GradCheckOptions {
  float step = 1e-2f;
  float atol = 2e-3f;
  float rtol = 2e-2f;
  // Inputs (by position) that are not differentiated (e.g. integer-valued arguments).
  std::vector<size_t> skip_inputs;
};

using DifferentiableFn = std::function<Variable(const std::vector<Variable>&)>;

// Runs the check with Catch2 assertions; the failure message lists the first mismatches with
// their input, flat index, analytic and numeric values.
void check_gradients(const DifferentiableFn& f, const std::vector<Tensor>& inputs, uint64_t seed = 7,
                     const GradCheckOptions& options = {});

// Element-wise comparison helper for value tests: |a - b| <= atol + rtol * |b| everywhere.
// Returns an empty string on success, else a description of the first mismatches.
std::string compare_tensors(const Tensor& actual, const Tensor& expected, float atol = 1e-5f, float rtol = 1e-5f);

}  // namespace testing
}  // namespace norse

// REQUIREs that two tensors have equal shapes and values within tolerance.
#define NORSE_REQUIRE_CLOSE(actual, expected, ...)                                                          \
  do {                                                                                                      \
    const std::string norse_mismatch_ = ::norse::testing::compare_tensors(actual, expected, ##__VA_ARGS__); \
    INFO(norse_mismatch_);                                                                                  \
    REQUIRE(norse_mismatch_.empty());                                                                       \
  } while (false)

#endif  // NORSE_TESTS_TESTING_GRADCHECK_H_
