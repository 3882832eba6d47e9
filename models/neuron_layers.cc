#include "models/neuron_layers.h"

#include <cmath>

namespace norse {
namespace nn {
namespace {

Variable state_at(const LayerState& s, size_t k) { return s.size() > k ? s[k] : Variable(); }

std::vector<NamedParameter> lif_parameters(lif::Params& p) {
  return {{"tau_syn_inv", &p.tau_syn_inv}, {"tau_mem_inv", &p.tau_mem_inv}, {"v_leak", &p.v_leak},
          {"v_th", &p.v_th},               {"v_reset", &p.v_reset}};
}

std::vector<NamedParameter> li_parameters(li::Params& p) {
  return {{"tau_syn_inv", &p.tau_syn_inv}, {"tau_mem_inv", &p.tau_mem_inv}, {"v_leak", &p.v_leak}};
}

// Only parameters marked trainable are reported (the defaults are constants).
std::vector<NamedParameter> trainable(std::vector<NamedParameter> all) {
  std::vector<NamedParameter> out;
  for (auto& entry : all) {
    if (entry.second->requires_grad()) out.push_back(entry);
  }
  return out;
}

}  // namespace

Variable LIFCellLayer::forward(const Variable& input, LayerState& state) {
  const lif::StepResult r = lif::lif_step(input, lif::State{state_at(state, 0), state_at(state, 1)}, params, dt);
  state = {r.state.v, r.state.i};
  return r.z;
}
std::vector<NamedParameter> LIFCellLayer::named_parameters() { return trainable(lif_parameters(params)); }

Variable LIFLayer::forward(const Variable& input, LayerState& state) {
  const lif::SequenceResult r = lif::lif_sequence(input, lif::State{state_at(state, 0), state_at(state, 1)}, params, dt);
  state = {r.state.v, r.state.i};
  return r.z;
}
std::vector<NamedParameter> LIFLayer::named_parameters() { return trainable(lif_parameters(params)); }

Variable LICellLayer::forward(const Variable& input, LayerState& state) {
  const li::StepResult r = li::li_step(input, li::State{state_at(state, 0), state_at(state, 1)}, params, dt);
  state = {r.state.v, r.state.i};
  return r.v;
}
std::vector<NamedParameter> LICellLayer::named_parameters() { return trainable(li_parameters(params)); }

Variable LILayer::forward(const Variable& input, LayerState& state) {
  const li::SequenceResult r = li::li_sequence(input, li::State{state_at(state, 0), state_at(state, 1)}, params, dt, true);
  state = {r.state.v, r.state.i};
  return r.record.v;
}
std::vector<NamedParameter> LILayer::named_parameters() { return trainable(li_parameters(params)); }

LILinearCell::LILinearCell(int64_t in_features, int64_t out_features, Generator& init, li::Params p, float dt_)
    : weight(randn({out_features, in_features}, init, 0.0f, std::sqrt(2.0f / static_cast<float>(out_features))), true),
      params(std::move(p)),
      dt(dt_) {}

Variable LILinearCell::forward(const Variable& input, LayerState& state) {
  NORSE_CHECK(input.defined() && (input.dim() == 2 || input.dim() == 3) && input.size(-1) == weight.size(1), ShapeError,
              "LILinearCell", "argument 'input' must be [B, ", weight.size(1), "] or [T, B, ", weight.size(1), "], got ",
              input.defined() ? shape_to_string(input.shape()) : std::string("undefined"));
  const Variable current = matmul(input, transpose(weight, 0, 1));
  const li::State s{state_at(state, 0), state_at(state, 1)};
  if (input.dim() == 2) {
    const li::StepResult r = li::li_step(current, s, params, dt);
    state = {r.state.v, r.state.i};
    return r.v;
  }
  const li::SequenceResult r = li::li_sequence(current, s, params, dt, true);
  state = {r.state.v, r.state.i};
  return r.record.v;
}

std::vector<NamedParameter> LILinearCell::named_parameters() {
  std::vector<NamedParameter> out = {{"weight", &weight}};
  for (auto& entry : trainable(li_parameters(params))) out.push_back(entry);
  return out;
}

}  // namespace nn
}  // namespace norse
