// What every neuron model's functional API is, written once. A model's header holds only what is
// its own: Norse's named Params (names, defaults) and one line
//
//   NORSE_NEURON_MODEL(lif_box, LIFBoxModel, NORSE_LIF_BOX, LIFBoxCell, LIFBox)
//
// (NORSE_RECURRENT_NEURON_MODEL with the recurrent flavours' names). Its NORSE_NEURON_SPEC part
// makes the State and binds Params and State to the kernel model by the kernel's name lists
// (kernels/model_layout.h): the parameters' order is the kernel's, a missing or misspelt field
// does not compile. NORSE_NEURON_FUNCTIONS(lif_box) then gives it
//
//   lif_box_sequence(input [T, B, ...], initial, params, dt, record_states, gen) -> SequenceResult
//   lif_box_step(input [B, ...], state, params, dt, gen)                          -> StepResult
//
// and NORSE_RECURRENT_FUNCTIONS(lif_box) (with a RecurrentState {z, <state fields>}) the
// recurrent flavours: input current x @ W^T + z_prev @ R^T (input_weights [N_hidden, N_in],
// recurrent_weights [N_hidden, N_hidden]; autapses = false zeroes the recurrent diagonal and
// its gradient's)
//
//   lif_box_recurrent_sequence(input [T, B, N_in], input_weights, recurrent_weights, initial,
//                              params, autapses, dt, record_states, gen) -> RecurrentSequenceResult
//   lif_box_recurrent_step(input [B, N_in], ...)                         -> RecurrentStepResult
//
// Each is ONE tape node for the fused loop (models/neuron_op.h, models/recurrent_op.h), on the
// CPU or CUDA. Undefined state fields start as the kernel's kStateStart says (a parameter
// broadcast, zero, or an error for a state that must be given); recurrent z starts at zero.
// The definitions are in models/neuron_functions.h; each model's .cc instantiates them once.
#ifndef NORSE_MODELS_NEURON_SPEC_H_
#define NORSE_MODELS_NEURON_SPEC_H_

#include <array>
#include <iterator>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/core.h"
#include "kernels/surrogate.h"
#include "models/module.h"

namespace norse {

// What a spiking model returns: spikes, the state after the last step, and (sequences with
// record_states) every state field after every step, [T, B, ...].
template <class State>
struct SpikingSequenceResult {
  Variable z;
  State state;
  State record;
};
template <class State>
struct SpikingStepResult {
  Variable z;
  State state;
};
// What a leaky integrator (LI, LIBox) returns: no spikes; its output is the voltage, the
// recorded v of a sequence and `v` of a step.
template <class State>
struct IntegratorSequenceResult {
  State state;
  State record;
};
template <class State>
struct IntegratorStepResult {
  Variable v;
  State state;
};
// The recurrent flavours: state.z is the last step's spikes; record holds the model's fields.
template <class RecurrentState, class State>
struct RecurrentSequenceResultOf {
  Variable z;
  RecurrentState state;
  State record;
};
template <class RecurrentState>
struct RecurrentStepResultOf {
  Variable z;
  RecurrentState state;
};

// Norse's spike-function settings, in every spiking model's Params: the surrogate gradient of
// the Heaviside step and its sharpness.
struct SurrogateParams {
  Surrogate method = Surrogate::kSuper;
  float alpha = 100.0f;
};

namespace detail {

// Whether a struct has a field: the settings only some models' Params or Options have, and z
// (a recurrent state).
#define NORSE_HAS_FIELD(field)             \
  template <class T, class = void>         \
  struct has_##field : std::false_type {}; \
  template <class T>                       \
  struct has_##field<T, std::void_t<decltype(std::declval<T&>().field)>> : std::true_type {};
NORSE_HAS_FIELD(method)
NORSE_HAS_FIELD(allow_unstable_euler)
NORSE_HAS_FIELD(reset_subtract)
NORSE_HAS_FIELD(detach_reset)
NORSE_HAS_FIELD(z)
#undef NORSE_HAS_FIELD

// A kernel model's state field names, in its order.
template <class Model>
std::vector<std::string> state_names() {
  return std::vector<std::string>(std::begin(Model::kStateNames), std::end(Model::kStateNames));
}

// The binding of a model's Params and State to its kernel model, from the kernel's name lists.
// State, Norse's <Model>FeedForwardState, is one Variable per kernel state field, [B, ...] each.
#define NORSE_STATE_MEMBER(name, start) Variable name;
#define NORSE_SPEC_PARAM_VALUE(name) out[Model::Param::name] = p.name;
#define NORSE_SPEC_PARAM_NAMED(name) out[Model::Param::name] = ::norse::nn::NamedParameter{#name, &p.name};
#define NORSE_SPEC_STATE_FIELD(name, start) out[Model::State::name] = &s.name;

#define NORSE_NEURON_SPEC(NS, MODEL, PARAMS, STATES)                                                                   \
  struct State {                                                                                                       \
    STATES(NORSE_STATE_MEMBER)                                                                                         \
  };                                                                                                                   \
  struct Spec {                                                                                                        \
    using Model = ::norse::kernels::MODEL;                                                                             \
    using Params = ::norse::NS::Params;                                                                                \
    using State = ::norse::NS::State;                                                                                  \
    static constexpr const char* kName = #NS; /* Norse's name, as its fixtures give it */                              \
    /* The parameters in the kernel's order. */                                                                        \
    static std::vector<Variable> values(const Params& p) {                                                             \
      std::vector<Variable> out(Model::kParams);                                                                       \
      PARAMS(NORSE_SPEC_PARAM_VALUE)                                                                                   \
      return out;                                                                                                      \
    }                                                                                                                  \
    static std::vector<::norse::nn::NamedParameter> named_parameters(Params& p) {                                      \
      std::vector<::norse::nn::NamedParameter> out(Model::kParams);                                                    \
      PARAMS(NORSE_SPEC_PARAM_NAMED)                                                                                   \
      return out;                                                                                                      \
    }                                                                                                                  \
    /* The state fields of a State or RecurrentState (which also has z), in the kernel's order. */                     \
    template <class S>                                                                                                 \
    static std::array<std::conditional_t<std::is_const<S>::value, const Variable*, Variable*>, Model::kStates> fields( \
        S& s) {                                                                                                        \
      std::array<std::conditional_t<std::is_const<S>::value, const Variable*, Variable*>, Model::kStates> out{};       \
      STATES(NORSE_SPEC_STATE_FIELD)                                                                                   \
      return out;                                                                                                      \
    }                                                                                                                  \
  };

// A model's sequence and step (definitions: models/neuron_functions.h).
template <class Spec>
struct FeedForward {
  using Params = typename Spec::Params;
  using State = typename Spec::State;
  using SequenceResult =
      std::conditional_t<Spec::Model::kSpiking, SpikingSequenceResult<State>, IntegratorSequenceResult<State>>;
  using StepResult = std::conditional_t<Spec::Model::kSpiking, SpikingStepResult<State>, IntegratorStepResult<State>>;
  static SequenceResult sequence(const Variable& input, const State& initial, const Params& params, float dt,
                                 bool record_states, Generator* gen);
  static StepResult step(const Variable& input, const State& state, const Params& params, float dt, Generator* gen);
  // Norse's free functions <model>_sequence and <model>_step are objects of these types, with
  // Norse's default arguments.
  struct SequenceFunction {
    SequenceResult operator()(const Variable& input, const State& initial, const Params& params, float dt = 1e-3f,
                              bool record_states = false, Generator* gen = nullptr) const {
      return sequence(input, initial, params, dt, record_states, gen);
    }
  };
  struct StepFunction {
    StepResult operator()(const Variable& input, const State& state, const Params& params, float dt = 1e-3f,
                          Generator* gen = nullptr) const {
      return step(input, state, params, dt, gen);
    }
  };
};

// A model's recurrent sequence and step (definitions: models/neuron_functions.h).
template <class Spec, class RecurrentState>
struct RecurrentFunctions {
  using Params = typename Spec::Params;
  using SequenceResult = RecurrentSequenceResultOf<RecurrentState, typename Spec::State>;
  using StepResult = RecurrentStepResultOf<RecurrentState>;
  static SequenceResult sequence(const Variable& input, const Variable& input_weights,
                                 const Variable& recurrent_weights, const RecurrentState& initial, const Params& params,
                                 bool autapses, float dt, bool record_states, Generator* gen);
  static StepResult step(const Variable& input, const Variable& input_weights, const Variable& recurrent_weights,
                         const RecurrentState& state, const Params& params, bool autapses, float dt, Generator* gen);
  // <model>_recurrent_sequence and <model>_recurrent_step, as SequenceFunction above.
  struct SequenceFunction {
    SequenceResult operator()(const Variable& input, const Variable& input_weights, const Variable& recurrent_weights,
                              const RecurrentState& initial, const Params& params, bool autapses = false,
                              float dt = 1e-3f, bool record_states = false, Generator* gen = nullptr) const {
      return sequence(input, input_weights, recurrent_weights, initial, params, autapses, dt, record_states, gen);
    }
  };
  struct StepFunction {
    StepResult operator()(const Variable& input, const Variable& input_weights, const Variable& recurrent_weights,
                          const RecurrentState& state, const Params& params, bool autapses = false, float dt = 1e-3f,
                          Generator* gen = nullptr) const {
      return step(input, input_weights, recurrent_weights, state, params, autapses, dt, gen);
    }
  };
};

// Norse's functional modules (<Model>Cell: one step; <Model>: a sequence): the parameters and
// dt, and forward().
template <class Spec, bool kSequence>
class FunctionalModule {
 public:
  using F = FeedForward<Spec>;
  using Result = std::conditional_t<kSequence, typename F::SequenceResult, typename F::StepResult>;
  // record_states: a sequence module's record (every state after every step); a step ignores it.
  explicit FunctionalModule(typename Spec::Params params = {}, float dt = 1e-3f, bool record_states = false)
      : params_(std::move(params)), dt_(dt), record_states_(record_states) {}
  Result forward(const Variable& input, const typename Spec::State& state = {}, Generator* gen = nullptr) const {
    if constexpr (kSequence) {
      return F::sequence(input, state, params_, dt_, record_states_, gen);
    } else {
      return F::step(input, state, params_, dt_, gen);
    }
  }
  typename Spec::Params& params() { return params_; }

 private:
  typename Spec::Params params_;
  float dt_;
  bool record_states_;
};

}  // namespace detail

// A model's whole API: one line inside its namespace, after its Params. LISTS is the prefix of
// the kernel's name lists (NORSE_LIF for NORSE_LIF_PARAMS and NORSE_LIF_STATES); CELL and
// SEQUENCE are Norse's module names (LIFCell, LIF).
#define NORSE_NEURON_MODEL(NS, MODEL, LISTS, CELL, SEQUENCE)   \
  NORSE_NEURON_SPEC(NS, MODEL, LISTS##_PARAMS, LISTS##_STATES) \
  NORSE_NEURON_FUNCTIONS(NS, CELL, SEQUENCE)
// The same with the recurrent flavours (the header includes models/recurrent_module.h).
#define NORSE_RECURRENT_NEURON_MODEL(NS, MODEL, LISTS, CELL, SEQUENCE, RECURRENT_CELL, RECURRENT) \
  NORSE_NEURON_MODEL(NS, MODEL, LISTS, CELL, SEQUENCE)                                            \
  NORSE_RECURRENT_FUNCTIONS(NS, LISTS##_STATES, RECURRENT_CELL, RECURRENT)

// Inside the model's namespace, after NORSE_NEURON_SPEC: NS_sequence, NS_step and the result
// types (instantiated in the model's .cc: template struct detail::FeedForward<NS::Spec>;).
#define NORSE_NEURON_FUNCTIONS(NS, CELL, SEQUENCE)                                       \
  using SequenceResult = ::norse::detail::FeedForward<Spec>::SequenceResult;             \
  using StepResult = ::norse::detail::FeedForward<Spec>::StepResult;                     \
  inline constexpr ::norse::detail::FeedForward<Spec>::SequenceFunction NS##_sequence{}; \
  inline constexpr ::norse::detail::FeedForward<Spec>::StepFunction NS##_step{};         \
  using CELL = ::norse::detail::FunctionalModule<Spec, false>;                           \
  using SEQUENCE = ::norse::detail::FunctionalModule<Spec, true>;

// Inside the model's namespace: Norse's <Model>RecurrentState (the previous spikes z, then the
// model's state fields, [B, N_hidden] each), the recurrent functions and their results.
#define NORSE_RECURRENT_FUNCTIONS(NS, STATES, CELL, SEQUENCE)                                                     \
  struct RecurrentState {                                                                                         \
    Variable z;                                                                                                   \
    STATES(NORSE_STATE_MEMBER)                                                                                    \
  };                                                                                                              \
  using RecurrentSequenceResult = ::norse::detail::RecurrentFunctions<Spec, RecurrentState>::SequenceResult;      \
  using RecurrentStepResult = ::norse::detail::RecurrentFunctions<Spec, RecurrentState>::StepResult;              \
  inline constexpr ::norse::detail::RecurrentFunctions<Spec, RecurrentState>::SequenceFunction                    \
      NS##_recurrent_sequence{};                                                                                  \
  inline constexpr ::norse::detail::RecurrentFunctions<Spec, RecurrentState>::StepFunction NS##_recurrent_step{}; \
  using CELL = ::norse::detail::RecurrentCellModule<Spec, RecurrentState>;                                        \
  using SEQUENCE = ::norse::detail::RecurrentModule<Spec, RecurrentState>;

}  // namespace norse

#endif  // NORSE_MODELS_NEURON_SPEC_H_
