// The conformance runner's case registry: one handler per "model/mode" that builds the model
// from a fixture's parameters and inputs and returns its outputs by the fixture's names.
// The runner (conformance_main.cc) then runs backward with the fixture's upstream gradients
// and compares every expected tensor.
#ifndef NORSE_TESTS_CONFORMANCE_RUNNER_H_
#define NORSE_TESTS_CONFORMANCE_RUNNER_H_

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "core/core.h"
#include "kernels/surrogate.h"
#include "tests/conformance/fixture.h"

namespace norse {
namespace conformance {

// What a handler sees: the fixture and its inputs as leaf Variables. A leaf requires grad
// exactly when the fixture expects its gradient ("grad.<name>").
class CaseContext {
 public:
  explicit CaseContext(const Fixture& fixture);
  const Fixture& fixture() const { return f_; }
  // The input tensor `key` (e.g. "input", "state.v", "input_weights") as a leaf; throws if absent.
  Variable leaf(const std::string& key);
  // As leaf(), or an undefined Variable when the fixture does not have it.
  Variable optional_leaf(const std::string& key);
  // Parameter `name` read from parameters[prefix + name]: a number becomes a scalar leaf named
  // "param.<prefix><name>", {"tensor": "param.<name>"} the tensor leaf.
  Variable param(const std::string& name, const std::string& prefix = "");
  Surrogate method(const std::string& prefix = "") const;
  float alpha(const std::string& prefix = "") const;
  Generator& generator() { return gen_; }
  const std::map<std::string, Variable>& leaves() const { return leaves_; }

 private:
  Variable make_leaf(const std::string& key, const Tensor& value);
  const Fixture& f_;
  std::map<std::string, Variable> leaves_;
  Generator gen_;
};

// Thrown by a handler for a variant of its model/mode that is not implemented yet; the case is
// then reported like a model without a handler ("not implemented: ...").
class NotImplemented : public Error {
 public:
  using Error::Error;
};

using Outputs = std::map<std::string, Variable>;

// Where the fixtures' tensors (inputs, states, weights, tensor parameters) are placed: the CPU,
// or cuda for the GPU runs (--device=cuda). Scalar parameters stay on the host, as a user's
// would. Set once by main() before any case runs.
Device& case_device();
using Handler = std::function<Outputs(CaseContext&)>;

// "model/mode" -> handler. Handlers register themselves from the cases_*.cc files.
std::map<std::string, Handler>& registry();

struct Registration {
  Registration(const std::string& model_mode, Handler handler) { registry()[model_mode] = std::move(handler); }
};

}  // namespace conformance
}  // namespace norse

#endif  // NORSE_TESTS_CONFORMANCE_RUNNER_H_
