// A model's Params read from a fixture, by the parameter names its module traits list
// (models/neuron_modules.h): one reader for every model, instead of a function per model and file.
#ifndef NORSE_TESTS_CONFORMANCE_MODEL_PARAMS_H_
#define NORSE_TESTS_CONFORMANCE_MODEL_PARAMS_H_

#include <string>

#include "models/neuron_modules.h"
#include "tests/conformance/runner.h"

namespace norse {
namespace conformance {

// parameters[prefix + name] for every parameter of model M (and method / alpha when it spikes).
template <class M>
typename M::Params model_params(CaseContext& c, const std::string& prefix = "") {
  typename M::Params p;
  for (auto& [name, field] : M::named_parameters(p)) *field = c.param(name, prefix);
  if constexpr (M::kSpiking) {
    p.method = c.method(prefix);
    p.alpha = c.alpha(prefix);
  }
  return p;
}

}  // namespace conformance
}  // namespace norse

#endif  // NORSE_TESTS_CONFORMANCE_MODEL_PARAMS_H_
