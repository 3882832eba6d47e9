// The generic fused neuron op: any kernels/*_math.h model run over a whole [T, B, ...]
// sequence as ONE tape node, forward by kernels::neuron_sequence_forward and backward by the
// adjoint of the same step (kernels/neuron_sequence.h), on the CPU or, for a cuda input, by the
// CUDA loops of the models kernels/neuron_cuda.cu instantiates. The per-model files
// (models/li.h, lsnn.h, ...) wrap it with Norse's names.
#ifndef NORSE_MODELS_NEURON_OP_H_
#define NORSE_MODELS_NEURON_OP_H_

#include <cmath>
#include <string>
#include <vector>

#include "core/core.h"
#include "kernels/neuron_dispatch.h"
#include "kernels/neuron_sequence.h"
#include "models/neuron_param.h"

namespace norse {
namespace detail {

struct NeuronOpOutputs {
  Variable z;                     // [T, B, ...] spikes (spiking models)
  std::vector<Variable> finals;   // kStates, [B, ...] each: the state after the last step
  std::vector<Variable> records;  // kStates, [T, B, ...] each (record_states only)
};

// Each parameter's value on `device`, where a loop reads it (config.params point into these), the
// device and shape each came with, where its gradient goes back, and whether one trains (grad
// mode on and a parameter requires grad).
struct LoopParams {
  std::vector<ParamValue> values;
  std::vector<Device> origins;
  std::vector<Shape> shapes;
  bool any_requires_grad = false;
};
template <class Model>
LoopParams loop_params(const std::vector<Variable>& params, Device device, kernels::NeuronParams<Model>& config) {
  LoopParams out;
  for (int k = 0; k < Model::kParams; ++k) {
    const Variable& p = params[static_cast<size_t>(k)];
    out.values.push_back(param_value(p, device));
    out.origins.push_back(p.value().device());
    out.shapes.push_back(p.shape());
    out.any_requires_grad = out.any_requires_grad || p.requires_grad();
    config.params[k] = out.values.back().ref();  // the storage's address: stable when the vector grows
  }
  out.any_requires_grad = out.any_requires_grad && grad_mode_enabled();
  return out;
}

// Whether a fused op records its backward: grad mode on and one of its inputs, states or
// parameters requires grad.
inline bool records_backward(const LoopParams& loop, const std::vector<Variable>& inputs,
                             const std::vector<Variable>& states) {
  bool any = loop.any_requires_grad;
  for (const Variable& v : inputs) any = any || v.requires_grad();
  for (const Variable& v : states) any = any || v.requires_grad();
  return grad_mode_enabled() && any;
}

// The CUDA entry points of a model's loops (EntryPoints: kernels::CudaNeuronEntryPoints<Model> or
// CudaRecurrentEntryPoints<Model>) when the input is on the GPU, else null; an error names the
// library to link where this program lacks them.
template <class EntryPoints>
const EntryPoints* cuda_loops(const char* op, Device device, const char* library) {
  if (device != Device::kCUDA) return nullptr;
  const EntryPoints* cuda = &EntryPoints::slot();
  NORSE_CHECK(cuda->forward != nullptr && cuda->backward != nullptr, DeviceError, op,
              "the input is on cuda but this program does not link the CUDA loops for this model (build with "
              "--config=cuda and depend on ",
              library, ")");
  return cuda;
}

// A fused op's tape inputs: its own (input, or current, weights and z0), then the states and
// the parameters, the order its backward returns their gradients in.
inline std::vector<Variable> op_inputs(std::vector<Variable> own, const std::vector<Variable>& states,
                                       const std::vector<Variable>& params) {
  own.insert(own.end(), states.begin(), states.end());
  own.insert(own.end(), params.begin(), params.end());
  return own;
}

// The state buffers of a fused loop's forward, bound into its arguments (NeuronForwardArgs or
// RecurrentForwardArgs: both have state0, final_state and record): each initial state on the
// loop's device, and the device it came from, where its gradient goes back.
struct StateBuffers {
  std::vector<Tensor> initial, finals, records;
  std::vector<Device> origins;
};
template <int kS, class ForwardArgs>
StateBuffers bind_states(const std::vector<Variable>& states, const Shape& neuron_shape, const Shape& seq_shape,
                         Device device, bool record_states, ForwardArgs& fa) {
  StateBuffers b;
  for (int s = 0; s < kS; ++s) {
    const Variable& state = states[static_cast<size_t>(s)];
    b.origins.push_back(state.value().device());
    b.initial.push_back(state.value().to(device).contiguous());
    b.finals.push_back(Tensor::empty(neuron_shape, device));
    fa.state0[s] = b.initial.back().device_data();
    fa.final_state[s] = b.finals.back().device_data();
    if (record_states) {
      b.records.push_back(Tensor::empty(seq_shape, device));
      fa.record[s] = b.records.back().device_data();
    }
  }
  return b;
}

// The backward's side: the output gradients of the states (g[first ...]: kS finals, then kS
// records when recorded) bound into its arguments (NeuronBackwardArgs or RecurrentBackwardArgs),
// and the buffers it writes: the initial states' gradients and, when `want_params`, the
// parameters' per-element partials.
struct StateGradBuffers {
  std::vector<Tensor> grad_final, grad_record, grad_initial, partials;
};
template <int kS, int kP, class BackwardArgs>
StateGradBuffers bind_state_grads(const std::vector<Tensor>& g, size_t first, bool record_states, bool want_params,
                                  const Shape& neuron_shape, Device device, BackwardArgs& ba) {
  StateGradBuffers b;
  for (int s = 0; s < kS; ++s) {
    b.grad_final.push_back(g[first + static_cast<size_t>(s)].contiguous());
    ba.grad_final[s] = b.grad_final.back().device_data();
    if (record_states) {
      b.grad_record.push_back(g[first + static_cast<size_t>(kS + s)].contiguous());
      ba.grad_record[s] = b.grad_record.back().device_data();
    }
    b.grad_initial.push_back(Tensor::empty(neuron_shape, device));
    ba.grad_state0[s] = b.grad_initial.back().device_data();
  }
  if (want_params) {
    for (int k = 0; k < kP; ++k) {
      b.partials.push_back(Tensor::empty(neuron_shape, device));
      ba.grad_params[k] = b.partials.back().device_data();
    }
  }
  return b;
}

// Appends the initial states' gradients (on the devices they came from) and the parameters'
// (reduced to their shapes; undefined where not needed) to `grads`. needs[first_param + k]:
// whether parameter k needs its gradient.
inline void append_state_and_param_grads(std::vector<Tensor>& grads, const StateGradBuffers& b,
                                         const std::vector<Device>& state_devices, const std::vector<bool>& needs,
                                         size_t first_param, const std::vector<Shape>& param_shapes,
                                         const std::vector<Device>& param_devices) {
  for (size_t s = 0; s < b.grad_initial.size(); ++s) grads.push_back(b.grad_initial[s].to(state_devices[s]));
  for (size_t k = 0; k < param_shapes.size(); ++k) {
    grads.push_back(!b.partials.empty() && needs[first_param + k]
                        ? reduce_param_grad(b.partials[k], param_shapes[k], param_devices[k])
                        : Tensor());
  }
}

// `states` must be defined and [B, ...] (the per-model wrappers fill in defaults); `params`
// are validated here. `config` carries dt, alpha, method and the model options.
template <class Model>
NeuronOpOutputs neuron_sequence_op(const char* op, const Variable& input, const std::vector<Variable>& states,
                                   const std::vector<Variable>& params, kernels::NeuronParams<Model> config,
                                   bool record_states, Generator* gen) {
  constexpr int kS = Model::kStates, kP = Model::kParams;
  NORSE_CHECK(input.defined(), InvalidArgument, op, "argument 'input' is undefined");
  NORSE_CHECK(input.dim() >= 2, ShapeError, op,
              "argument 'input' must be [T, B, ...] (at least 2 dimensions), got shape ",
              shape_to_string(input.shape()));
  NORSE_CHECK(std::isfinite(config.dt) && config.dt > 0.0f, InvalidArgument, op,
              "argument 'dt' must be finite and > 0, got ", config.dt);
  NORSE_CHECK(std::isfinite(config.alpha), InvalidArgument, op, "parameter 'alpha' must be finite, got ", config.alpha);
  NORSE_CHECK(!is_stochastic(config.method) || gen != nullptr, InvalidArgument, op, "method '",
              surrogate_name(config.method), "' is stochastic and needs a Generator");
  const Shape neuron_shape(input.shape().begin() + 1, input.shape().end());
  for (int k = 0; k < kP; ++k)
    check_neuron_param(op, Model::kParamNames[k], params[static_cast<size_t>(k)], neuron_shape, config.dt,
                       config.allow_unstable_euler);
  for (int s = 0; s < kS; ++s) {
    NORSE_CHECK(states[static_cast<size_t>(s)].defined(), InvalidArgument, op, "state field '", Model::kStateNames[s],
                "' is undefined");
    check_shape(op, (std::string("state.") + Model::kStateNames[s]).c_str(), neuron_shape,
                states[static_cast<size_t>(s)].shape());
  }
  const int64_t steps = input.size(0);
  const int64_t elements = shape_numel(neuron_shape);
  const Shape seq_shape = input.shape();

  // One path for both devices: buffers on the input's device, and that device's fused loop
  // (kernels/neuron_sequence.h on the CPU, kernels/neuron_cuda.h on the GPU: the same
  // Model::step and adjoint). Parameters and states may live on the host: the loop reads copies
  // on its device, and their gradients go back to the device each came from.
  const Device device = input.value().device();
  const auto* cuda = cuda_loops<kernels::CudaNeuronEntryPoints<Model>>(op, device, "//kernels:neuron_cuda");
  const LoopParams loop = loop_params(params, device, config);
  const bool any_grad = records_backward(loop, {input}, states);

  const Tensor x = input.value().contiguous();
  kernels::NeuronForwardArgs fa;
  fa.steps = steps;
  fa.elements = elements;
  fa.input = x.device_data();
  Tensor z = Model::kSpiking ? Tensor::empty(seq_shape, device) : Tensor();
  fa.z = Model::kSpiking ? z.device_data() : nullptr;
  const StateBuffers sb = bind_states<kS>(states, neuron_shape, seq_shape, device, record_states, fa);
  const std::vector<Device> state_devices = sb.origins;
  // The model's compact record where it has one and no parameter trains (LIF: v1 alone).
  const kernels::SavedKind saved_kind = kernels::saved_kind_for<Model>(loop.any_requires_grad);
  Tensor saved;
  if (any_grad) {
    saved = Tensor::empty({steps, kernels::saved_floats<Model>(saved_kind), elements}, device);
    fa.saved = saved.device_data();
    fa.saved_kind = saved_kind;
  }
  if (is_stochastic(config.method)) {
    fa.seed = gen->seed();
    fa.offset = gen->reserve_blocks(static_cast<uint64_t>((steps * elements + 3) / 4));
  }
  if (cuda != nullptr) {
    cuda->forward(config, fa, nullptr);  // stream-ordered: the device copies above outlive it in the cache
  } else {
    kernels::neuron_sequence_forward<Model>(config, fa);
  }

  std::vector<Tensor> outputs;
  if (Model::kSpiking) outputs.push_back(z);
  outputs.insert(outputs.end(), sb.finals.begin(), sb.finals.end());
  outputs.insert(outputs.end(), sb.records.begin(), sb.records.end());
  const std::vector<Variable> inputs = op_inputs({input}, states, params);
  const uint64_t seed = fa.seed, offset = fa.offset;

  // loop keeps the parameter values that config points into alive.
  auto backward = [config, cuda, device, loop, state_devices, x, saved, saved_kind, steps, elements, seq_shape,
                   neuron_shape, record_states, seed,
                   offset](const std::vector<Tensor>& g, const std::vector<bool>& needs) {
    const Tensor gz = Model::kSpiking ? g[0].contiguous() : Tensor();
    // A compact record has no parameter gradients (no parameter trained when the forward ran).
    bool want_params = false;
    for (size_t k = 1 + kS; k < needs.size(); ++k) want_params = want_params || needs[k];
    want_params = want_params && saved_kind == kernels::SavedKind::kState;
    kernels::NeuronBackwardArgs ba;
    ba.steps = steps;
    ba.elements = elements;
    ba.input = x.device_data();
    ba.saved = saved.device_data();
    ba.saved_kind = saved_kind;
    ba.grad_z = Model::kSpiking ? gz.device_data() : nullptr;
    ba.seed = seed;
    ba.offset = offset;
    Tensor grad_input = Tensor::empty(seq_shape, device);
    ba.grad_input = grad_input.device_data();
    const StateGradBuffers gb =
        bind_state_grads<kS, kP>(g, Model::kSpiking ? 1 : 0, record_states, want_params, neuron_shape, device, ba);
    if (cuda != nullptr) {
      cuda->backward(config, ba, nullptr);
    } else {
      kernels::neuron_sequence_backward<Model>(config, ba);
    }
    std::vector<Tensor> grads = {grad_input};
    append_state_and_param_grads(grads, gb, state_devices, needs, 1 + kS, loop.shapes, loop.origins);
    return grads;
  };
  std::vector<Variable> out = record_op(op, outputs, inputs, backward);
  NeuronOpOutputs result;
  size_t at = 0;
  if (Model::kSpiking) result.z = out[at++];
  for (int s = 0; s < kS; ++s) result.finals.push_back(out[at++]);
  if (record_states) {
    for (int s = 0; s < kS; ++s) result.records.push_back(out[at++]);
  }
  return result;
}

// A [B, ...] input as a one-step sequence, for the Cell flavours.
inline Variable as_one_step(const char* op, const Variable& input) {
  NORSE_CHECK(input.defined(), InvalidArgument, op, "argument 'input' is undefined");
  NORSE_CHECK(input.dim() >= 1, ShapeError, op, "argument 'input' must be [B, ...], got shape ",
              shape_to_string(input.shape()));
  Shape seq = input.shape();
  seq.insert(seq.begin(), 1);
  return reshape(input, seq);
}

}  // namespace detail
}  // namespace norse

#endif  // NORSE_MODELS_NEURON_OP_H_
