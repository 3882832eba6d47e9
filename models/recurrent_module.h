// Norse's <Model>RecurrentCell and <Model>Recurrent modules, once for every model: they own
// the trainable input and recurrent weights (Norse's initialisation: N(0, 2 / hidden_size),
// recurrent diagonal zero without autapses) and call the model's functional recurrent step or
// sequence (models/<model>.h).
#ifndef NORSE_MODELS_RECURRENT_MODULE_H_
#define NORSE_MODELS_RECURRENT_MODULE_H_

#include <cmath>

#include "core/core.h"
#include "models/neuron_spec.h"

namespace norse {
namespace detail {

inline Variable init_input_weights(int64_t hidden, int64_t input, Generator& gen) {
  return Variable(randn({hidden, input}, gen, 0.0f, std::sqrt(2.0f / static_cast<float>(hidden))), true);
}

inline Variable init_recurrent_weights(int64_t hidden, bool autapses, Generator& gen) {
  Tensor w = randn({hidden, hidden}, gen, 0.0f, std::sqrt(2.0f / static_cast<float>(hidden)));
  if (!autapses) {
    for (int64_t k = 0; k < hidden; ++k) w.at({k, k}) = 0.0f;
  }
  return Variable(w, true);
}

// Weights and settings shared by both module flavours.
template <class Params>
class RecurrentWeights {
 public:
  RecurrentWeights(int64_t input_size, int64_t hidden_size, Generator& init, Params params, bool autapses, float dt)
      : input_weights_(init_input_weights(hidden_size, input_size, init)),
        recurrent_weights_(init_recurrent_weights(hidden_size, autapses, init)),
        params_(std::move(params)),
        autapses_(autapses),
        dt_(dt) {}
  Variable& input_weights() { return input_weights_; }
  Variable& recurrent_weights() { return recurrent_weights_; }
  Params& params() { return params_; }

 protected:
  Variable input_weights_, recurrent_weights_;
  Params params_;
  bool autapses_;
  float dt_;
};

// One step: input [B, N_in].
template <class Spec, class RecurrentState>
class RecurrentCellModule : public RecurrentWeights<typename Spec::Params> {
 public:
  RecurrentCellModule(int64_t input_size, int64_t hidden_size, Generator& init, typename Spec::Params params = {},
                      bool autapses = false, float dt = 1e-3f)
      : RecurrentWeights<typename Spec::Params>(input_size, hidden_size, init, std::move(params), autapses, dt) {}
  typename RecurrentFunctions<Spec, RecurrentState>::StepResult forward(const Variable& input,
                                                                        const RecurrentState& state = {},
                                                                        Generator* gen = nullptr) const {
    return RecurrentFunctions<Spec, RecurrentState>::step(input, this->input_weights_, this->recurrent_weights_, state,
                                                          this->params_, this->autapses_, this->dt_, gen);
  }
};

// A whole sequence: input [T, B, N_in].
template <class Spec, class RecurrentState>
class RecurrentModule : public RecurrentWeights<typename Spec::Params> {
 public:
  RecurrentModule(int64_t input_size, int64_t hidden_size, Generator& init, typename Spec::Params params = {},
                  bool autapses = false, float dt = 1e-3f, bool record_states = false)
      : RecurrentWeights<typename Spec::Params>(input_size, hidden_size, init, std::move(params), autapses, dt),
        record_states_(record_states) {}
  typename RecurrentFunctions<Spec, RecurrentState>::SequenceResult forward(const Variable& input,
                                                                            const RecurrentState& state = {},
                                                                            Generator* gen = nullptr) const {
    return RecurrentFunctions<Spec, RecurrentState>::sequence(input, this->input_weights_, this->recurrent_weights_,
                                                              state, this->params_, this->autapses_, this->dt_,
                                                              record_states_, gen);
  }

 private:
  bool record_states_;
};

}  // namespace detail
}  // namespace norse

#endif  // NORSE_MODELS_RECURRENT_MODULE_H_
