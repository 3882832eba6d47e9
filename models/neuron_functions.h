// The definitions of models/neuron_spec.h's functions, written once for every model. Included
// only by each model's .cc, which instantiates them for its Spec (the fused loops are compiled
// once per model, not in every file that calls them).
#ifndef NORSE_MODELS_NEURON_FUNCTIONS_H_
#define NORSE_MODELS_NEURON_FUNCTIONS_H_

#include <string>
#include <type_traits>
#include <vector>

#include "kernels/model_layout.h"
#include "models/neuron_op.h"
#include "models/neuron_spec.h"
#include "models/recurrent_op.h"

namespace norse {
namespace detail {

// dt, the surrogate and the model's options from its Params. detach_reset: the recurrent cells
// use the kernel model's rule (Norse's recurrent cells), the feed-forward ones the Params field.
template <class Model, class Params>
kernels::NeuronParams<Model> loop_config(const Params& params, float dt, bool recurrent) {
  kernels::NeuronParams<Model> config;
  config.dt = dt;
  if constexpr (has_method<Params>::value) {
    config.alpha = params.alpha;
    config.method = params.method;
  }
  if constexpr (has_allow_unstable_euler<Params>::value) config.allow_unstable_euler = params.allow_unstable_euler;
  if constexpr (has_reset_subtract<Params>::value) config.options.reset_subtract = params.reset_subtract;
  if constexpr (has_detach_reset<typename Model::Options>::value) {
    if (recurrent) {
      config.options.detach_reset = Model::kRecurrentDetachReset;
    } else if constexpr (has_detach_reset<Params>::value) {
      config.options.detach_reset = params.detach_reset;
    }
  }
  return config;
}

// The state fields the loop starts from: the given ones, the others as the kernel says.
template <class Spec, class S>
std::vector<Variable> start_states(const char* op, const S& given, const std::vector<Variable>& params,
                                   const Shape& neuron_shape, Device device) {
  using Model = typename Spec::Model;
  const auto fields = Spec::fields(given);
  std::vector<Variable> out;
  for (int k = 0; k < Model::kStates; ++k) {
    const Variable& field = *fields[static_cast<size_t>(k)];
    const int start = Model::kStateStart[k];
    NORSE_CHECK(field.defined() || start != kernels::kStartGiven, InvalidArgument, op, "state field '",
                Model::kStateNames[k], "' of argument 'initial' must be given: ", Spec::kName,
                " has no default state (Norse takes it from the spiking behaviour, see behavior())");
    if (field.defined()) {
      out.push_back(field);
    } else if (start == kernels::kStartZero) {
      out.emplace_back(zeros(neuron_shape, device));
    } else {
      out.emplace_back(broadcast_to(params[static_cast<size_t>(start)].value(), neuron_shape, device));
    }
  }
  return out;
}

// The loop's final states and records into the model's State structs.
template <class Spec, class S>
void assign_states(S& state, typename Spec::State& record, const std::vector<Variable>& finals,
                   const std::vector<Variable>& records) {
  const auto state_fields = Spec::fields(state);
  const auto record_fields = Spec::fields(record);
  for (size_t k = 0; k < state_fields.size(); ++k) {
    *state_fields[k] = finals[k];
    if (!records.empty()) *record_fields[k] = records[k];
  }
}

template <class Spec>
typename FeedForward<Spec>::SequenceResult FeedForward<Spec>::sequence(const Variable& input, const State& initial,
                                                                       const Params& params, float dt,
                                                                       bool record_states, Generator* gen) {
  using Model = typename Spec::Model;
  static const std::string op = std::string(Spec::kName) + "_sequence";
  NORSE_CHECK(input.defined() && input.dim() >= 2, ShapeError, op, "argument 'input' must be [T, B, ...] (at least 2 ",
              "dimensions), got ", input.defined() ? shape_to_string(input.shape()) : std::string("undefined"));
  const Shape neuron_shape(input.shape().begin() + 1, input.shape().end());
  const std::vector<Variable> values = Spec::values(params);
  const NeuronOpOutputs out = neuron_sequence_op<Model>(
      op.c_str(), input, start_states<Spec>(op.c_str(), initial, values, neuron_shape, input.value().device()), values,
      loop_config<Model>(params, dt, /*recurrent=*/false), record_states, gen);
  SequenceResult r;
  if constexpr (Model::kSpiking) r.z = out.z;
  assign_states<Spec>(r.state, r.record, out.finals, out.records);
  return r;
}

template <class Spec>
typename FeedForward<Spec>::StepResult FeedForward<Spec>::step(const Variable& input, const State& state,
                                                               const Params& params, float dt, Generator* gen) {
  static const std::string op = std::string(Spec::kName) + "_step";
  const SequenceResult r = sequence(as_one_step(op.c_str(), input), state, params, dt, false, gen);
  if constexpr (Spec::Model::kSpiking) {
    return StepResult{reshape(r.z, input.shape()), r.state};
  } else {
    return StepResult{*Spec::fields(r.state)[0], r.state};  // the voltage (LI, LIBox: field 0 is v)
  }
}

template <class Spec, class RecurrentState>
typename RecurrentFunctions<Spec, RecurrentState>::SequenceResult RecurrentFunctions<Spec, RecurrentState>::sequence(
    const Variable& input, const Variable& input_weights, const Variable& recurrent_weights,
    const RecurrentState& initial, const Params& params, bool autapses, float dt, bool record_states, Generator* gen) {
  using Model = typename Spec::Model;
  static const std::string op = std::string(Spec::kName) + "_recurrent_sequence";
  NORSE_CHECK(input.defined() && input.dim() == 3, ShapeError, op, "argument 'input' must be [T, B, N_in], got ",
              input.defined() ? shape_to_string(input.shape()) : std::string("undefined"));
  NORSE_CHECK(input_weights.defined() && input_weights.dim() == 2, ShapeError, op,
              "argument 'input_weights' must be [N_hidden, N_in], got ",
              input_weights.defined() ? shape_to_string(input_weights.shape()) : std::string("undefined"));
  const Shape neuron_shape = {input.size(1), input_weights.size(0)};
  const Device device = input.value().device();
  const std::vector<Variable> values = Spec::values(params);
  const Variable z0 = initial.z.defined() ? initial.z : Variable(zeros(neuron_shape, device));
  const RecurrentOpOutputs out =
      recurrent_sequence_op<Model>(op.c_str(), input, input_weights, recurrent_weights, autapses, z0,
                                   start_states<Spec>(op.c_str(), initial, values, neuron_shape, device), values,
                                   loop_config<Model>(params, dt, /*recurrent=*/true), record_states, gen);
  SequenceResult r;
  r.z = out.z;
  r.state.z = out.final_z;
  assign_states<Spec>(r.state, r.record, out.finals, out.records);
  return r;
}

template <class Spec, class RecurrentState>
typename RecurrentFunctions<Spec, RecurrentState>::StepResult RecurrentFunctions<Spec, RecurrentState>::step(
    const Variable& input, const Variable& input_weights, const Variable& recurrent_weights,
    const RecurrentState& state, const Params& params, bool autapses, float dt, Generator* gen) {
  static const std::string op = std::string(Spec::kName) + "_recurrent_step";
  const SequenceResult r = sequence(as_one_recurrent_step(op.c_str(), input), input_weights, recurrent_weights, state,
                                    params, autapses, dt, false, gen);
  return StepResult{r.state.z, r.state};
}

}  // namespace detail
}  // namespace norse

#endif  // NORSE_MODELS_NEURON_FUNCTIONS_H_
