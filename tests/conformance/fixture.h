// A Norse conformance fixture (tests/conformance/fixtures/README.md section 1) loaded from JSON.
#ifndef NORSE_TESTS_CONFORMANCE_FIXTURE_H_
#define NORSE_TESTS_CONFORMANCE_FIXTURE_H_

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/core.h"

namespace norse {
namespace conformance {

struct Tolerance {
  double rtol = 0.0, atol = 0.0;
};

struct Fixture {
  std::string name, model, mode;
  nlohmann::json parameters;
  float dt = 1e-3f;
  std::map<std::string, Tensor> tensors;   // inputs, state.*, param.*, weights, grad_output.*
  std::map<std::string, Tensor> expected;  // outputs and grad.* (null entries = +inf)
  std::vector<std::string> differentiated_outputs;
  Tolerance tolerance;
  std::map<std::string, Tolerance> per_tensor;
  nlohmann::json raw;

  // Tolerance for one expected tensor.
  Tolerance tolerance_for(const std::string& name) const;
  bool has_tensor(const std::string& key) const { return tensors.count(key) > 0; }
  bool expects(const std::string& key) const { return expected.count(key) > 0; }
  // A numeric parameter (throws if missing or not a number).
  float number(const std::string& key) const;
  std::string string_param(const std::string& key) const;
  bool bool_param(const std::string& key) const;
};

// Parses one fixture file; throws IoError naming the file and the problem.
Fixture load_fixture(const std::string& path);

}  // namespace conformance
}  // namespace norse

#endif  // NORSE_TESTS_CONFORMANCE_FIXTURE_H_
