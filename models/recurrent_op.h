// The generic recurrent neuron op (Norse's *RecurrentCell / *Recurrent): the input projection
// X = input @ W^T is one matmul over all T*B rows (a tape op), the recurrent loop with its
// per-step GEMM and fused element-wise step is ONE tape node (kernels/recurrent_sequence.h; on
// cuda inputs kernels/recurrent_cuda.h, for the models it instantiates).
//
// autapses = false zeroes the diagonal of the recurrent weights before use (a mask multiply on
// the tape, so the gradient's diagonal is zero too), as Norse does.
#ifndef NORSE_MODELS_RECURRENT_OP_H_
#define NORSE_MODELS_RECURRENT_OP_H_

#include <cmath>
#include <string>
#include <vector>

#include "core/core.h"
#include "kernels/recurrent_dispatch.h"
#include "kernels/recurrent_sequence.h"
#include "models/neuron_op.h"
#include "models/neuron_param.h"

namespace norse {
namespace detail {

struct RecurrentOpOutputs {
  Variable z;                     // [T, B, H]
  Variable final_z;               // [B, H] = z[T-1]
  std::vector<Variable> finals;   // kStates, [B, H] each
  std::vector<Variable> records;  // kStates, [T, B, H] each (record_states only)
};

// A RecurrentCell's [B, N_in] input as a one-step [1, B, N_in] sequence.
inline Variable as_one_recurrent_step(const char* op, const Variable& input) {
  NORSE_CHECK(input.defined() && input.dim() == 2, ShapeError, op, "argument 'input' must be [B, N_in], got ",
              input.defined() ? shape_to_string(input.shape()) : std::string("undefined"));
  return reshape(input, {1, input.size(0), input.size(1)});
}

// A hand-written recurrent step's arguments (coba_lif, lif_mc): input [B, N_in], input_weights
// [N_hidden, N_in], recurrent_weights [N_hidden, N_hidden]. Returns the neuron shape [B, N_hidden].
inline Shape check_recurrent_step_args(const char* op, const Variable& input, const Variable& input_weights,
                                       const Variable& recurrent_weights) {
  NORSE_CHECK(input.defined() && input.dim() == 2, ShapeError, op, "argument 'input' must be [B, N_in], got ",
              input.defined() ? shape_to_string(input.shape()) : std::string("undefined"));
  NORSE_CHECK(input_weights.defined() && input_weights.dim() == 2 && input_weights.size(1) == input.size(1), ShapeError,
              op, "argument 'input_weights' must be [N_hidden, N_in] with N_in = ", input.size(1), ", got ",
              input_weights.defined() ? shape_to_string(input_weights.shape()) : std::string("undefined"));
  const int64_t hidden = input_weights.size(0);
  NORSE_CHECK(recurrent_weights.defined(), InvalidArgument, op, "argument 'recurrent_weights' is undefined");
  check_shape(op, "recurrent_weights", {hidden, hidden}, recurrent_weights.shape());
  return {input.size(0), hidden};
}

// recurrent_weights with its diagonal zeroed on the tape (autapses = false), or as given.
inline Variable apply_autapses(const Variable& recurrent_weights, bool autapses) {
  if (autapses) return recurrent_weights;
  const int64_t h = recurrent_weights.size(0);
  Tensor mask = ones({h, h});
  for (int64_t k = 0; k < h; ++k) mask.at({k, k}) = 0.0f;
  return mul(recurrent_weights, Variable(mask.to(recurrent_weights.value().device())));
}

// input [T, B, I], input_weights [H, I], recurrent_weights [H, H], z0 and states [B, H].
template <class Model>
RecurrentOpOutputs recurrent_sequence_op(const char* op, const Variable& input, const Variable& input_weights,
                                         const Variable& recurrent_weights, bool autapses, const Variable& z0,
                                         const std::vector<Variable>& states, const std::vector<Variable>& params,
                                         kernels::NeuronParams<Model> config, bool record_states, Generator* gen) {
  constexpr int kS = Model::kStates, kP = Model::kParams;
  NORSE_CHECK(input.defined() && input.dim() == 3, ShapeError, op, "argument 'input' must be [T, B, N_in], got ",
              input.defined() ? shape_to_string(input.shape()) : std::string("undefined"));
  NORSE_CHECK(input_weights.defined() && input_weights.dim() == 2 && input_weights.size(1) == input.size(2), ShapeError,
              op, "argument 'input_weights' must be [N_hidden, N_in] with N_in = ", input.size(2), ", got ",
              input_weights.defined() ? shape_to_string(input_weights.shape()) : std::string("undefined"));
  const int64_t steps = input.size(0), batch = input.size(1), hidden = input_weights.size(0);
  NORSE_CHECK(steps >= 1, ShapeError, op, "argument 'input' needs at least one time step, got shape ",
              shape_to_string(input.shape()));
  check_shape(op, "recurrent_weights", {hidden, hidden}, recurrent_weights.shape());
  NORSE_CHECK(std::isfinite(config.dt) && config.dt > 0.0f, InvalidArgument, op,
              "argument 'dt' must be finite and > 0, got ", config.dt);
  NORSE_CHECK(!is_stochastic(config.method) || gen != nullptr, InvalidArgument, op, "method '",
              surrogate_name(config.method), "' is stochastic and needs a Generator");
  const Shape neuron_shape = {batch, hidden};
  check_shape(op, "state.z", neuron_shape, z0.shape());
  for (int k = 0; k < kP; ++k)
    check_neuron_param(op, Model::kParamNames[k], params[static_cast<size_t>(k)], neuron_shape, config.dt);
  for (int s = 0; s < kS; ++s) {
    check_shape(op, (std::string("state.") + Model::kStateNames[s]).c_str(), neuron_shape,
                states[static_cast<size_t>(s)].shape());
  }

  const Variable current = matmul(input, transpose(input_weights, 0, 1));  // [T, B, H], one GEMM
  const Variable weights = apply_autapses(recurrent_weights, autapses);
  const Shape seq_shape = {steps, batch, hidden};
  const int64_t n = batch * hidden;

  // One path for both devices (as models/neuron_op.h): buffers on the input's device and that
  // device's loops; host parameters and states are read as copies, their gradients go back.
  const Device device = input.value().device();
  const auto* cuda = cuda_loops<kernels::CudaRecurrentEntryPoints<Model>>(op, device, "//kernels:recurrent_cuda");
  const LoopParams loop = loop_params(params, device, config);
  const Device z0_device = z0.value().device();
  const bool any_grad = records_backward(loop, {current, weights, z0}, states);

  const Tensor x = current.value().contiguous(), r = weights.value().contiguous();
  const Tensor z0c = z0.value().to(device).contiguous();
  NORSE_CHECK(r.device() == device, DeviceError, op, "argument 'recurrent_weights' is on ", device_name(r.device()),
              ", the input on ", device_name(device));
  Tensor z = Tensor::empty(seq_shape, device);
  kernels::RecurrentForwardArgs fa;
  fa.steps = steps;
  fa.batch = batch;
  fa.hidden = hidden;
  fa.input_current = x.device_data();
  fa.recurrent_weights = r.device_data();
  fa.z0 = z0c.device_data();
  fa.z = z.device_data();
  const StateBuffers sb = bind_states<kS>(states, neuron_shape, seq_shape, device, record_states, fa);
  const std::vector<Device> state_devices = sb.origins;
  Tensor saved, saved_current;
  if (any_grad) {
    saved = Tensor::empty({steps, kS, n}, device);
    saved_current = Tensor::empty(seq_shape, device);
    fa.saved = saved.device_data();
    fa.saved_current = saved_current.device_data();
  }
  if (is_stochastic(config.method)) {
    fa.seed = gen->seed();
    fa.offset = gen->reserve_blocks(static_cast<uint64_t>((steps * n + 3) / 4));
  }
  if (cuda != nullptr) {
    cuda->forward(config, fa);
  } else {
    kernels::recurrent_sequence_forward<Model>(config, fa);
  }

  std::vector<Tensor> outputs = {z};
  outputs.insert(outputs.end(), sb.finals.begin(), sb.finals.end());
  outputs.insert(outputs.end(), sb.records.begin(), sb.records.end());
  const std::vector<Variable> inputs = op_inputs({current, weights, z0}, states, params);
  const kernels::RecurrentBackwardArgs from_forward = kernels::backward_args_of(fa);

  // loop keeps the parameter values that config points into alive; r, z0c, z, saved and
  // saved_current what from_forward points into.
  auto backward = [config, cuda, device, loop, state_devices, z0_device, r, z0c, z, saved, saved_current, hidden,
                   seq_shape, neuron_shape, record_states,
                   from_forward](const std::vector<Tensor>& g, const std::vector<bool>& needs) {
    (void)r, (void)z0c, (void)z, (void)saved, (void)saved_current;
    const Tensor gz = g[0].contiguous();
    bool want_params = false;
    for (size_t k = 3 + kS; k < needs.size(); ++k) want_params = want_params || needs[k];
    kernels::RecurrentBackwardArgs ba = from_forward;
    ba.grad_z = gz.device_data();
    Tensor grad_current = Tensor::empty(seq_shape, device), grad_r = Tensor::empty({hidden, hidden}, device);
    Tensor grad_z0 = Tensor::empty(neuron_shape, device);
    ba.grad_input_current = grad_current.device_data();
    ba.grad_recurrent_weights = grad_r.device_data();
    ba.grad_z0 = grad_z0.device_data();
    const StateGradBuffers gb = bind_state_grads<kS, kP>(g, 1, record_states, want_params, neuron_shape, device, ba);
    if (cuda != nullptr) {
      cuda->backward(config, ba);
    } else {
      kernels::recurrent_sequence_backward<Model>(config, ba);
    }
    std::vector<Tensor> grads = {grad_current, grad_r, grad_z0.to(z0_device)};
    append_state_and_param_grads(grads, gb, state_devices, needs, 3 + kS, loop.shapes, loop.origins);
    return grads;
  };
  std::vector<Variable> out = record_op(op, outputs, inputs, backward);
  RecurrentOpOutputs result;
  result.z = out[0];
  result.final_z = select(out[0], 0, steps - 1);
  for (int s = 0; s < kS; ++s) result.finals.push_back(out[static_cast<size_t>(1 + s)]);
  if (record_states) {
    for (int s = 0; s < kS; ++s) result.records.push_back(out[static_cast<size_t>(1 + kS + s)]);
  }
  return result;
}

}  // namespace detail
}  // namespace norse

#endif  // NORSE_MODELS_RECURRENT_OP_H_
