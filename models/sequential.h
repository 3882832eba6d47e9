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
  void train(bool on = true) override;

 private:
  using Entry = std::variant<std::shared_ptr<Layer>, std::shared_ptr<StatefulLayer>>;
  std::vector<Entry> layers_;
};

}  // namespace nn
}  // namespace norse

#endif  // NORSE_MODELS_SEQUENTIAL_H_
