#include "models/sequential.h"

namespace norse {
namespace nn {

SequentialState& SequentialState::add(std::shared_ptr<Layer> layer) {
  NORSE_CHECK(layer != nullptr, InvalidArgument, "SequentialState::add", "layer is null");
  layers_.emplace_back(std::move(layer));
  return *this;
}

SequentialState& SequentialState::add(std::shared_ptr<StatefulLayer> layer) {
  NORSE_CHECK(layer != nullptr, InvalidArgument, "SequentialState::add", "layer is null");
  layers_.emplace_back(std::move(layer));
  return *this;
}

Module& SequentialState::module(size_t k) {
  return std::visit([](auto& p) -> Module& { return *p; }, layers_[k]);
}

Variable SequentialState::forward(const Variable& input, std::vector<LayerState>& states,
                                  std::vector<Variable>* layer_outputs) {
  if (states.empty()) states.resize(layers_.size());
  NORSE_CHECK(states.size() == layers_.size(), InvalidArgument, "SequentialState::forward", "argument 'states' has ",
              states.size(), " entries for ", layers_.size(), " layers (pass an empty vector to start from defaults)");
  if (layer_outputs != nullptr) layer_outputs->clear();
  Variable x = input;
  for (size_t k = 0; k < layers_.size(); ++k) {
    if (auto* stateless = std::get_if<std::shared_ptr<Layer>>(&layers_[k])) {
      x = (*stateless)->forward(x);
    } else {
      x = std::get<std::shared_ptr<StatefulLayer>>(layers_[k])->forward(x, states[k]);
    }
    if (layer_outputs != nullptr) layer_outputs->push_back(x);
  }
  return x;
}

std::vector<NamedParameter> SequentialState::named_parameters() {
  std::vector<NamedParameter> out;
  for (size_t k = 0; k < layers_.size(); ++k) {
    for (auto& [name, p] : module(k).named_parameters()) out.emplace_back(std::to_string(k) + "." + name, p);
  }
  return out;
}

std::vector<std::pair<std::string, Variable>> SequentialState::named_states(
    const std::vector<LayerState>& states) const {
  NORSE_CHECK(states.size() == layers_.size(), ShapeError, "SequentialState::named_states",
              "argument 'states' must hold one LayerState per layer (", layers_.size(), "), got ", states.size());
  std::vector<std::pair<std::string, Variable>> out;
  for (size_t k = 0; k < layers_.size(); ++k) {
    std::vector<std::string> names;
    if (const auto* stateful = std::get_if<std::shared_ptr<StatefulLayer>>(&layers_[k])) {
      names = (*stateful)->state_names();
    }
    for (size_t f = 0; f < states[k].size(); ++f) {
      out.emplace_back(std::to_string(k) + "." + (f < names.size() ? names[f] : std::to_string(f)), states[k][f]);
    }
  }
  return out;
}

void SequentialState::train(bool on) {
  Module::train(on);
  for (size_t k = 0; k < layers_.size(); ++k) module(k).train(on);
}

void SequentialState::set_generator(Generator* gen) {
  for (size_t k = 0; k < layers_.size(); ++k) module(k).set_generator(gen);
}

RecurrentSequential& RecurrentSequential::add(std::shared_ptr<Layer> layer) {
  net_.add(std::move(layer));
  return *this;
}

RecurrentSequential& RecurrentSequential::add(std::shared_ptr<StatefulLayer> layer) {
  net_.add(std::move(layer));
  return *this;
}

Variable RecurrentSequential::forward(const Variable& input, RecurrentSequentialState& state) {
  const int64_t n = static_cast<int64_t>(net_.size());
  NORSE_CHECK(n > 0, InvalidArgument, "RecurrentSequential::forward", "the container has no layers");
  const int64_t k = output_module_ < 0 ? output_module_ + n : output_module_;
  NORSE_CHECK(k >= 0 && k < n, InvalidArgument, "RecurrentSequential", "argument 'output_module' is ", output_module_,
              ", but there are ", n, " layers");
  NORSE_CHECK(input.defined(), InvalidArgument, "RecurrentSequential::forward", "argument 'input' is undefined");
  Variable x = input;
  if (state.cache.defined()) {
    NORSE_CHECK(state.cache.shape() == input.shape(), ShapeError, "RecurrentSequential::forward", "layer ", k,
                "'s output ", shape_to_string(state.cache.shape()),
                " is fed back into the input, so it must have the input's shape ", shape_to_string(input.shape()));
    x = input + state.cache;
  }
  net_.forward(x, state.layers, &outputs_);
  state.cache = outputs_[static_cast<size_t>(k)];
  return state.cache;
}

void RecurrentSequential::train(bool on) {
  Module::train(on);
  net_.train(on);
}

}  // namespace nn
}  // namespace norse
