#include "tests/testing/gradcheck.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>

namespace norse {
namespace testing {

namespace {
double weighted_sum(const Tensor& out, const Tensor& w) {
  const std::vector<float> o = out.to_vector();
  const std::vector<float> wv = w.to_vector();
  double total = 0.0;
  for (size_t i = 0; i < o.size(); ++i) total += static_cast<double>(o[i]) * wv[i];
  return total;
}
}  // namespace

void check_gradients(const DifferentiableFn& f, const std::vector<Tensor>& inputs, uint64_t seed,
                     const GradCheckOptions& options) {
  std::vector<Variable> vars;
  for (size_t k = 0; k < inputs.size(); ++k) {
    const bool skip = std::find(options.skip_inputs.begin(), options.skip_inputs.end(), k) != options.skip_inputs.end();
    vars.emplace_back(inputs[k].clone(), !skip);
  }
  const Variable out = f(vars);
  Generator gen(seed);
  const Tensor w = randn(out.shape(), gen);
  out.backward(w);

  std::ostringstream report;
  int mismatches = 0;
  int64_t checked = 0;
  for (size_t k = 0; k < inputs.size(); ++k) {
    if (!vars[k].requires_grad()) continue;
    const Tensor analytic = vars[k].grad().defined() ? vars[k].grad().contiguous() : zeros(inputs[k].shape());
    REQUIRE(analytic.shape() == inputs[k].shape());
    const Tensor base = inputs[k].contiguous();
    for (int64_t i = 0; i < base.numel(); ++i) {
      double values[2];
      for (int side = 0; side < 2; ++side) {
        std::vector<Variable> probe;
        for (size_t j = 0; j < inputs.size(); ++j) {
          if (j != k) {
            probe.emplace_back(inputs[j]);
            continue;
          }
          Tensor x = base.clone();
          x.data()[i] += side == 0 ? options.step : -options.step;
          probe.emplace_back(x);
        }
        NoGradGuard no_grad;
        values[side] = weighted_sum(f(probe).value(), w);
      }
      const double numeric = (values[0] - values[1]) / (2.0 * options.step);
      const double a = analytic.data()[i];
      ++checked;
      if (std::fabs(a - numeric) > options.atol + options.rtol * std::max(std::fabs(a), std::fabs(numeric))) {
        if (++mismatches <= 8) {
          report << "input " << k << " flat index " << i << ": autograd " << a << ", finite difference " << numeric
                 << "\n";
        }
      }
    }
  }
  INFO("gradient mismatches (" << mismatches << " of " << checked << " elements):\n" << report.str());
  CHECK(checked > 0);
  CHECK(mismatches == 0);
}

std::string compare_tensors(const Tensor& actual, const Tensor& expected, float atol, float rtol) {
  if (!actual.defined() || !expected.defined()) return "undefined tensor";
  if (actual.shape() != expected.shape()) {
    return "shape " + shape_to_string(actual.shape()) + " != expected " + shape_to_string(expected.shape());
  }
  const std::vector<float> a = actual.to_vector(), e = expected.to_vector();
  std::ostringstream out;
  int bad = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const bool both_nan = std::isnan(a[i]) && std::isnan(e[i]);
    if (!both_nan && !(std::fabs(a[i] - e[i]) <= atol + rtol * std::fabs(e[i]))) {
      if (++bad <= 8) out << "flat index " << i << ": got " << a[i] << ", expected " << e[i] << "\n";
    }
  }
  if (bad == 0) return "";
  return std::to_string(bad) + " mismatches:\n" + out.str();
}

}  // namespace testing
}  // namespace norse
