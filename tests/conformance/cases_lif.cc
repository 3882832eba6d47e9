// Conformance handlers: surrogate spike functions and the LIF neuron.
#include "models/lif.h"
#include "models/threshold.h"
#include "tests/conformance/model_params.h"
#include "tests/conformance/runner.h"

namespace norse {
namespace conformance {
namespace {

Outputs surrogate_elementwise(CaseContext& c) {
  Variable x = c.leaf("input");
  return {{"z", threshold(x, c.method(), c.alpha())}};
}

Outputs surrogate_stochastic(CaseContext& c) {
  Variable x = c.leaf("input");
  Outputs out = {{"z", threshold(x, c.method(), c.alpha(), &c.generator())}};
  // The empirical spike probability over n_samples independent draws.
  const int samples = static_cast<int>(c.fixture().number("n_samples"));
  NoGradGuard no_grad;
  Tensor total = zeros(x.shape());
  for (int s = 0; s < samples; ++s) add_(total, threshold(x, c.method(), c.alpha(), &c.generator()).value());
  out["spike_probability"] = Variable(mul(total, 1.0f / static_cast<float>(samples)));
  return out;
}

lif::Params lif_params(CaseContext& c, const std::string& prefix = "") {
  return model_params<nn::neuron::LIF>(c, prefix);
}

Outputs lif_sequence_case(CaseContext& c) {
  const lif::State initial{c.optional_leaf("state.v"), c.optional_leaf("state.i")};
  const lif::SequenceResult r = lif::lif_sequence(c.leaf("input"), initial, lif_params(c), c.fixture().dt,
                                                  /*record_states=*/true, &c.generator());
  return {{"z", r.z}, {"v", r.record.v}, {"i", r.record.i}, {"final.v", r.state.v}, {"final.i", r.state.i}};
}

Outputs lif_step_case(CaseContext& c) {
  const lif::State state{c.optional_leaf("state.v"), c.optional_leaf("state.i")};
  const lif::LIFCell cell(lif_params(c), c.fixture().dt);
  const lif::StepResult r = cell.forward(c.leaf("input"), state, &c.generator());
  return {{"z", r.z}, {"v", r.state.v}, {"i", r.state.i}};
}

const Registration kRegistrations[] = {
    {"surrogate/elementwise", surrogate_elementwise},
    {"surrogate/elementwise_stochastic", surrogate_stochastic},
    {"lif/sequence", lif_sequence_case},
    {"lif/step", lif_step_case},
};

}  // namespace
}  // namespace conformance
}  // namespace norse
