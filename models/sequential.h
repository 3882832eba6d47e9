// Norse's SequentialState: a sequence of layers in which stateful ones (neuron cells) carry
// their state between calls and stateless ones are applied as they are.
//
//   nn::SequentialState net;
//   net.add(std::make_shared<nn::Linear>(10, 16, init));
//   net.add(std::make_shared<nn::LIFCellLayer>());
//   std::vector<nn::LayerState> state;            // empty: every layer starts at its default
//   for (t ...) y = net.forward(x[t], state);      // state carries over between steps
#ifndef NORSE_MODELS_SEQUENTIAL_H_
#define NORSE_MODELS_SEQUENTIAL_H_

#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "models/module.h"

namespace norse {
namespace nn {

class SequentialState : public Module {
 public:
  SequentialState& add(std::shared_ptr<Layer> layer);
  SequentialState& add(std::shared_ptr<StatefulLayer> layer);

  // Runs every layer in order. `states` holds one LayerState per layer (stateless layers keep
  // an empty one); it is resized on the first call. When `layer_outputs` is given it receives
  // every layer's output.
  Variable forward(const Variable& input, std::vector<LayerState>& states,
                   std::vector<Variable>* layer_outputs = nullptr);

  size_t size() const { return layers_.size(); }
  // Layer k (for inspection: NIR export, plots); dynamic_cast it to the concrete type.
  Module& module(size_t k);
  std::vector<NamedParameter> named_parameters() override;
  // Every layer's state fields by dotted name, as named_parameters names parameters ("1.v",
  // "1.i"; a field the layer does not name goes by its index, "2.0"). For inspection and plots.
  std::vector<std::pair<std::string, Variable>> named_states(const std::vector<LayerState>& states) const;
  void train(bool on = true) override;
  void set_generator(Generator* gen) override;

 private:
  using Entry = std::variant<std::shared_ptr<Layer>, std::shared_ptr<StatefulLayer>>;
  std::vector<Entry> layers_;
};

// Norse's RecurrentSequential: a SequentialState whose chosen layer's output (the last by
// default) is fed back and added to the next step's input, so that layer's output must have the
// input's shape. The first step (an empty state) takes the input as it is.
//
//   nn::RecurrentSequential net;                  // e.g. Linear(8, 8) -> LIFCell
//   nn::RecurrentSequentialState state;
//   for (t ...) y = net.forward(x[t], state);     // x[t] + y[t-1] enters the first layer
struct RecurrentSequentialState {
  Variable cache;                  // the fed-back output of the previous step (undefined at first)
  std::vector<LayerState> layers;  // the inner SequentialState's per-layer states
};

class RecurrentSequential : public Module {
 public:
  // `output_module`: the layer whose output is returned and fed back; negative counts from the
  // end (Norse's output_modules, one index).
  explicit RecurrentSequential(int64_t output_module = -1) : output_module_(output_module) {}
  RecurrentSequential& add(std::shared_ptr<Layer> layer);
  RecurrentSequential& add(std::shared_ptr<StatefulLayer> layer);
  Variable forward(const Variable& input, RecurrentSequentialState& state);

  size_t size() const { return net_.size(); }
  Module& module(size_t k) { return net_.module(k); }
  std::vector<NamedParameter> named_parameters() override { return net_.named_parameters(); }
  void train(bool on = true) override;
  void set_generator(Generator* gen) override { net_.set_generator(gen); }

 private:
  SequentialState net_;
  int64_t output_module_;
  std::vector<Variable> outputs_;  // reused every step
};

}  // namespace nn
}  // namespace norse

#endif  // NORSE_MODELS_SEQUENTIAL_H_
