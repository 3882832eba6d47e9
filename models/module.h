// Modules: objects that own trainable parameters (PyTorch's nn.Module, reduced to what the
// tasks need). A Layer maps a Variable to a Variable; a StatefulLayer also carries state
// between calls (Norse's neuron cells). Virtual calls happen once per layer per batch, never
// inside a time loop.
#ifndef NORSE_MODELS_MODULE_H_
#define NORSE_MODELS_MODULE_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/core.h"

namespace norse {
namespace nn {

// A named parameter: the name ("weight", "2.bias", ...) and the Variable it refers to, owned
// by the module.
using NamedParameter = std::pair<std::string, Variable*>;

class Module {
 public:
  virtual ~Module() = default;
  // Every trainable (or trainable-capable) parameter, with dotted names; containers prefix
  // their children's names with the child's index.
  virtual std::vector<NamedParameter> named_parameters() { return {}; }
  // Resets the accumulated gradients of every parameter.
  void zero_grad();
  // Moves every parameter's value to `device` (a copy; the gradients are reset). Create the
  // optimizer after moving, so that its state lives on the same device.
  void to(Device device);
  // Training mode (Dropout active) or evaluation mode. Containers forward it to children.
  virtual void train(bool on = true) { training_ = on; }
  // The generator that stochastic layers draw from (Dropout, neuron modules with a stochastic
  // surrogate); it must outlive them. Containers pass it to every child, so one call on the
  // network seeds all of them. Deterministic layers ignore it.
  virtual void set_generator(Generator* /*gen*/) {}
  void eval() { train(false); }
  bool is_training() const { return training_; }

 private:
  bool training_ = true;
};

class Layer : public Module {
 public:
  virtual Variable forward(const Variable& input) = 0;
};

// A stateful layer's state as a list of Variables; an empty list means "the default initial
// state". Each layer documents its layout.
using LayerState = std::vector<Variable>;

class StatefulLayer : public Module {
 public:
  // Computes the output and replaces `state` by the new state.
  virtual Variable forward(const Variable& input, LayerState& state) = 0;
  // The names of the state's fields in LayerState order (a neuron: "v", "i", ...; recurrent
  // flavours "z" first); empty where the layer does not name them.
  virtual std::vector<std::string> state_names() const { return {}; }
};

}  // namespace nn
}  // namespace norse

#endif  // NORSE_MODELS_MODULE_H_
