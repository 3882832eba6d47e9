#include "models/neuron_layers.h"

#include <cmath>

namespace norse {
namespace nn {

LILinearCell::LILinearCell(int64_t in_features, int64_t out_features, Generator& init, li::Params p, float dt_)
    : weight(randn({out_features, in_features}, init, 0.0f, std::sqrt(2.0f / static_cast<float>(out_features))), true),
      params(std::move(p)),
      dt(dt_) {}

Variable LILinearCell::forward(const Variable& input, LayerState& state) {
  NORSE_CHECK(input.defined() && (input.dim() == 2 || input.dim() == 3) && input.size(-1) == weight.size(1), ShapeError,
              "LILinearCell", "argument 'input' must be [B, ", weight.size(1), "] or [T, B, ", weight.size(1),
              "], got ", input.defined() ? shape_to_string(input.shape()) : std::string("undefined"));
  const Variable current = matmul(input, transpose(weight, 0, 1));
  li::State s;
  detail::unpack_state<neuron::LI>(state, s);
  if (input.dim() == 2) {
    const li::StepResult r = li::li_step(current, s, params, dt);
    state = detail::pack_state<neuron::LI>(r.state);
    return r.v;
  }
  const li::SequenceResult r = li::li_sequence(current, s, params, dt, true);
  state = detail::pack_state<neuron::LI>(r.state);
  return r.record.v;
}

std::vector<NamedParameter> LILinearCell::named_parameters() {
  std::vector<NamedParameter> out = {{"weight", &weight}};
  for (auto& entry : neuron::LI::named_parameters(params)) out.push_back(entry);
  return out;
}

}  // namespace nn
}  // namespace norse
