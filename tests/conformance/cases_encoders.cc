// Conformance handlers: encoders and the Linear+LIF+Linear+LI network (SequentialState).
#include "models/encoders.h"
#include "models/layers.h"
#include "models/neuron_layers.h"
#include "models/sequential.h"
#include "tests/conformance/runner.h"

namespace norse {
namespace conformance {
namespace {

lif::Params encoder_params(CaseContext& c) {
  lif::Params p;
  p.tau_syn_inv = c.param("tau_syn_inv");
  p.tau_mem_inv = c.param("tau_mem_inv");
  p.v_leak = c.param("v_leak");
  p.v_th = c.param("v_th");
  p.v_reset = c.param("v_reset");
  p.method = c.method();
  p.alpha = c.alpha();
  return p;
}

int64_t int_param(CaseContext& c, const char* name) { return static_cast<int64_t>(c.fixture().number(name)); }

Outputs constant_current_lif_case(CaseContext& c) {
  return {{"z", encode::ConstantCurrentLIFEncoder(int_param(c, "seq_length"), encoder_params(c), c.fixture().dt)
                    .forward(c.leaf("input"))}};
}

Outputs spike_latency_lif_case(CaseContext& c) {
  return {{"z", encode::SpikeLatencyLIFEncoder(int_param(c, "seq_length"), encoder_params(c), c.fixture().dt)
                    .forward(c.leaf("input"))}};
}

Outputs spike_latency_case(CaseContext& c) { return {{"z", encode::SpikeLatencyEncoder().forward(c.leaf("input"))}}; }

Outputs population_case(CaseContext& c) {
  const auto& scale = c.fixture().parameters["scale"];
  const std::optional<float> s = scale.is_null() ? std::nullopt : std::optional<float>(scale.get<float>());
  return {{"output", encode::PopulationEncoder(int_param(c, "out_features"), s).forward(c.leaf("input"))}};
}

// Empirical statistics over the time axis of spikes [T, ...].
Outputs spike_statistics(const Tensor& z) {
  const float inv = 1.0f / static_cast<float>(z.size(0));
  return {{"mean", Variable(mean(z, {0}))},
          {"positive_rate", Variable(mul(sum(gt(z, scalar_tensor(0.0f)), {0}), inv))},
          {"negative_rate", Variable(mul(sum(gt(scalar_tensor(0.0f), z), {0}), inv))}};
}

Outputs poisson_case(CaseContext& c) {
  return spike_statistics(
      encode::PoissonEncoder(int_param(c, "seq_length"), c.fixture().number("f_max"), c.fixture().dt)
          .forward(c.leaf("input").value(), c.generator()));
}

Outputs signed_poisson_case(CaseContext& c) {
  return spike_statistics(
      encode::SignedPoissonEncoder(int_param(c, "seq_length"), c.fixture().number("f_max"), c.fixture().dt)
          .forward(c.leaf("input").value(), c.generator()));
}

// The step encoders called n_samples times, outputs stacked along time.
template <class StepEncoder>
Outputs step_encoder_case(CaseContext& c) {
  const Tensor x = c.leaf("input").value();
  const StepEncoder encoder(c.fixture().number("f_max"), c.fixture().dt);
  std::vector<Tensor> steps;
  for (int64_t s = 0; s < int_param(c, "n_samples"); ++s) steps.push_back(encoder.forward(x, c.generator()));
  return spike_statistics(stack(steps, 0));
}

Outputs network_case(CaseContext& c) {
  Generator init(0);
  auto fc1 = std::make_shared<nn::Linear>(1, 1, init), fc2 = std::make_shared<nn::Linear>(1, 1, init);
  fc1->weight = c.leaf("fc1.weight");
  fc1->bias = c.leaf("fc1.bias");
  fc2->weight = c.leaf("fc2.weight");
  fc2->bias = c.leaf("fc2.bias");
  lif::Params lp;
  lp.tau_syn_inv = c.param("tau_syn_inv", "lif.");
  lp.tau_mem_inv = c.param("tau_mem_inv", "lif.");
  lp.v_leak = c.param("v_leak", "lif.");
  lp.v_th = c.param("v_th", "lif.");
  lp.v_reset = c.param("v_reset", "lif.");
  lp.method = c.method("lif.");
  lp.alpha = c.alpha("lif.");
  li::Params ip;
  ip.tau_syn_inv = c.param("tau_syn_inv", "li.");
  ip.tau_mem_inv = c.param("tau_mem_inv", "li.");
  ip.v_leak = c.param("v_leak", "li.");
  nn::SequentialState net;
  net.add(fc1)
      .add(std::make_shared<nn::LIFCellLayer>(lp, c.fixture().dt))
      .add(fc2)
      .add(std::make_shared<nn::LICellLayer>(ip, c.fixture().dt));
  const Variable x = c.leaf("input");
  std::vector<nn::LayerState> state;
  std::vector<Variable> outputs, hidden, layer_outputs;
  for (int64_t t = 0; t < x.size(0); ++t) {
    outputs.push_back(net.forward(select(x, 0, t), state, &layer_outputs));
    hidden.push_back(layer_outputs[1]);
  }
  return {{"output", stack(outputs, 0)}, {"z_hidden", stack(hidden, 0)}};
}

const Registration kRegistrations[] = {
    {"encoder_constant_current_lif/encode", constant_current_lif_case},
    {"encoder_spike_latency_lif/encode", spike_latency_lif_case},
    {"encoder_spike_latency/encode", spike_latency_case},
    {"encoder_population/encode", population_case},
    {"encoder_poisson/encode", poisson_case},
    {"encoder_signed_poisson/encode", signed_poisson_case},
    {"encoder_poisson_step/encode", step_encoder_case<encode::PoissonEncoderStep>},
    {"encoder_signed_poisson_step/encode", step_encoder_case<encode::SignedPoissonEncoderStep>},
    {"network_linear_lif_linear_li/sequence", network_case},
};

}  // namespace
}  // namespace conformance
}  // namespace norse
