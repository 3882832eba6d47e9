#include "models/lif.h"

#include <cmath>

#include "kernels/lif.h"
#include "kernels/lif_dispatch.h"
#include "models/neuron_param.h"

namespace norse {
namespace lif {

namespace {

constexpr const char* kParamNames[5] = {"tau_syn_inv", "tau_mem_inv", "v_leak", "v_th", "v_reset"};

std::vector<Variable> param_list(const Params& p) {
  return {p.tau_syn_inv, p.tau_mem_inv, p.v_leak, p.v_th, p.v_reset};
}

// The forward on a CUDA device (kernels/lif_cuda.h through kernels/lif_dispatch.h): inference
// only for now, since the tape's other ops have no CUDA versions yet to carry gradients.
SequenceResult lif_sequence_cuda(const char* op, const Tensor& input, const Tensor& v0, const Tensor& i0,
                                 const detail::ParamValue* pv, kernels::lif::SequenceParams kp, bool any_grad,
                                 bool record_states, Generator* gen) {
  const kernels::lif::CudaEntryPoints* cuda = kernels::lif::cuda_entry_points();
  NORSE_CHECK(cuda != nullptr, DeviceError, op,
              "the input is on cuda but this program does not link the CUDA LIF kernels (build with --config=cuda "
              "and depend on //kernels:lif_cuda)");
  NORSE_CHECK(!any_grad, DeviceError, op,
              "training on cuda is not built yet (the tape's other ops have no CUDA versions): run the forward under "
              "NoGradGuard, or train on the CPU");
  // Parameters and default initial states live on the host; the kernel reads device copies.
  Tensor dev_params[5];
  kernels::ParamRef* refs[5] = {&kp.tau_syn_inv, &kp.tau_mem_inv, &kp.v_leak, &kp.v_th, &kp.v_reset};
  for (int k = 0; k < 5; ++k) {
    dev_params[k] = pv[k].value.to(Device::kCUDA);
    *refs[k] = kernels::ParamRef{dev_params[k].device_data(), dev_params[k].numel()};
  }
  const Tensor x = input.contiguous();
  const Tensor v0d = v0.to(Device::kCUDA).contiguous(), i0d = i0.to(Device::kCUDA).contiguous();
  const Shape seq_shape = input.shape();
  const Shape neuron_shape(seq_shape.begin() + 1, seq_shape.end());
  Tensor z = Tensor::empty(seq_shape, Device::kCUDA);
  Tensor v_final = Tensor::empty(neuron_shape, Device::kCUDA), i_final = Tensor::empty(neuron_shape, Device::kCUDA);
  Tensor v_rec, i_rec;
  if (record_states) {
    v_rec = Tensor::empty(seq_shape, Device::kCUDA);
    i_rec = Tensor::empty(seq_shape, Device::kCUDA);
  }
  kernels::lif::SequenceForwardArgs fa;
  fa.steps = seq_shape[0];
  fa.elements = shape_numel(neuron_shape);
  fa.input = x.device_data();
  fa.v0 = v0d.device_data();
  fa.i0 = i0d.device_data();
  fa.z = z.device_data();
  fa.v_record = record_states ? v_rec.device_data() : nullptr;
  fa.i_record = record_states ? i_rec.device_data() : nullptr;
  fa.v_final = v_final.device_data();
  fa.i_final = i_final.device_data();
  if (is_stochastic(kp.method)) {
    fa.seed = gen->seed();
    fa.offset = gen->reserve_blocks(static_cast<uint64_t>((fa.steps * fa.elements + 3) / 4));
  }
  cuda->forward(kp, fa, nullptr);  // stream-ordered: the device copies above outlive it in the allocator's cache
  SequenceResult result;
  result.z = Variable(z);
  result.state = State{Variable(v_final), Variable(i_final)};
  if (record_states) {
    result.v_record = Variable(v_rec);
    result.i_record = Variable(i_rec);
  }
  return result;
}

}  // namespace

SequenceResult lif_sequence(const Variable& input, const State& initial, const Params& params,
                            float dt, bool record_states, Generator* gen) {
  const char* op = "lif_sequence";
  NORSE_CHECK(input.defined(), InvalidArgument, op, "argument 'input' is undefined");
  NORSE_CHECK(input.dim() >= 2, ShapeError, op, "argument 'input' must be [T, B, ...] (at least 2 dimensions), got shape ",
              shape_to_string(input.shape()));
  NORSE_CHECK(std::isfinite(dt) && dt > 0.0f, InvalidArgument, op, "argument 'dt' must be finite and > 0, got ", dt);
  NORSE_CHECK(std::isfinite(params.alpha), InvalidArgument, op, "parameter 'alpha' must be finite, got ", params.alpha);
  NORSE_CHECK(!is_stochastic(params.method) || gen != nullptr, InvalidArgument, op, "method '",
              surrogate_name(params.method), "' is stochastic and needs a Generator");
  const Shape neuron_shape(input.shape().begin() + 1, input.shape().end());
  const std::vector<Variable> plist = param_list(params);
  for (size_t k = 0; k < plist.size(); ++k) detail::check_neuron_param(op, kParamNames[k], plist[k], neuron_shape);

  // Initial state: given, or Norse's default (v = v_leak detached, i = 0).
  Variable v0 = initial.v.defined() ? initial.v : Variable(detail::broadcast_to(params.v_leak.value(), neuron_shape));
  Variable i0 = initial.i.defined() ? initial.i : Variable(zeros(neuron_shape));
  check_shape(op, "state.v", neuron_shape, v0.shape());
  check_shape(op, "state.i", neuron_shape, i0.shape());

  const int64_t steps = input.size(0);
  const int64_t elements = shape_numel(neuron_shape);
  const Tensor x = input.value().contiguous();
  const Tensor v0c = v0.value().contiguous(), i0c = i0.value().contiguous();
  detail::ParamValue pv[5];
  for (int k = 0; k < 5; ++k) pv[k] = detail::param_value(plist[static_cast<size_t>(k)]);

  kernels::lif::SequenceParams kp;
  kp.tau_syn_inv = pv[0].ref();
  kp.tau_mem_inv = pv[1].ref();
  kp.v_leak = pv[2].ref();
  kp.v_th = pv[3].ref();
  kp.v_reset = pv[4].ref();
  kp.dt = dt;
  kp.alpha = params.alpha;
  kp.method = params.method;
  kp.detach_reset = false;

  bool any_grad = grad_mode_enabled() && (input.requires_grad() || v0.requires_grad() || i0.requires_grad());
  bool param_grad = false;
  for (const Variable& p : plist) param_grad = param_grad || (grad_mode_enabled() && p.requires_grad());
  any_grad = any_grad || param_grad;

  if (input.value().device() == Device::kCUDA) {
    return lif_sequence_cuda(op, input.value(), v0.value(), i0.value(), pv, kp, any_grad, record_states, gen);
  }

  Shape seq_shape = input.shape();
  Tensor z = Tensor::empty(seq_shape);
  Tensor v_final = Tensor::empty(neuron_shape), i_final = Tensor::empty(neuron_shape);
  Tensor v_rec, i_rec, saved_v1, saved_i1, saved_v;
  if (record_states) {
    v_rec = Tensor::empty(seq_shape);
    i_rec = Tensor::empty(seq_shape);
  }
  if (any_grad) saved_v1 = Tensor::empty(seq_shape);
  if (param_grad) {
    saved_i1 = Tensor::empty(seq_shape);
    saved_v = Tensor::empty(seq_shape);
  }
  kernels::lif::SequenceForwardArgs fa;
  fa.steps = steps;
  fa.elements = elements;
  fa.input = x.data();
  fa.v0 = v0c.data();
  fa.i0 = i0c.data();
  fa.z = z.data();
  fa.v_record = record_states ? v_rec.data() : nullptr;
  fa.i_record = record_states ? i_rec.data() : nullptr;
  fa.v_final = v_final.data();
  fa.i_final = i_final.data();
  fa.saved_v1 = any_grad ? saved_v1.data() : nullptr;
  fa.saved_i1 = param_grad ? saved_i1.data() : nullptr;
  fa.saved_v = param_grad ? saved_v.data() : nullptr;
  if (is_stochastic(params.method)) {
    fa.seed = gen->seed();
    fa.offset = gen->reserve_blocks(static_cast<uint64_t>((steps * elements + 3) / 4));
  }
  kernels::lif::sequence_forward(kp, fa);

  std::vector<Tensor> outputs = {z, v_final, i_final};
  if (record_states) {
    outputs.push_back(v_rec);
    outputs.push_back(i_rec);
  }
  std::vector<Variable> inputs = {input, v0, i0};
  inputs.insert(inputs.end(), plist.begin(), plist.end());

  std::vector<Shape> param_shapes;
  for (const Variable& p : plist) param_shapes.push_back(p.shape());
  auto backward = [kp, pv0 = pv[0], pv1 = pv[1], pv2 = pv[2], pv3 = pv[3], pv4 = pv[4], z, saved_v1, saved_i1,
                   saved_v, steps, elements, record_states, seq_shape, neuron_shape,
                   param_shapes](const std::vector<Tensor>& g, const std::vector<bool>& needs) {
    // pv* keep the parameter values that kp points into alive.
    (void)pv0, (void)pv1, (void)pv2, (void)pv3, (void)pv4;
    const Tensor gz = g[0].contiguous(), gvf = g[1].contiguous(), gif = g[2].contiguous();
    Tensor gvr, gir;
    if (record_states) {
      gvr = g[3].contiguous();
      gir = g[4].contiguous();
    }
    bool want_params = false;
    for (size_t k = 3; k < needs.size(); ++k) want_params = want_params || needs[k];
    Tensor grad_input = Tensor::empty(seq_shape);
    Tensor grad_v0 = Tensor::empty(neuron_shape), grad_i0 = Tensor::empty(neuron_shape);
    Tensor partials[5];
    kernels::lif::SequenceBackwardArgs ba;
    ba.steps = steps;
    ba.elements = elements;
    ba.z = z.data();
    ba.saved_v1 = saved_v1.data();
    ba.grad_z = gz.data();
    ba.grad_v_final = gvf.data();
    ba.grad_i_final = gif.data();
    ba.grad_v_record = record_states ? gvr.data() : nullptr;
    ba.grad_i_record = record_states ? gir.data() : nullptr;
    ba.grad_input = grad_input.data();
    ba.grad_v0 = grad_v0.data();
    ba.grad_i0 = grad_i0.data();
    if (want_params && saved_i1.defined()) {
      ba.saved_i1 = saved_i1.data();
      ba.saved_v = saved_v.data();
      for (int k = 0; k < 5; ++k) {
        partials[k] = Tensor::empty(neuron_shape);
        ba.grad_params[k] = partials[k].data();
      }
    }
    kernels::lif::sequence_backward(kp, ba);
    std::vector<Tensor> grads = {grad_input, grad_v0, grad_i0};
    for (int k = 0; k < 5; ++k) {
      grads.push_back(needs[static_cast<size_t>(3 + k)] && partials[k].defined()
                          ? detail::reduce_param_grad(partials[k], param_shapes[static_cast<size_t>(k)])
                          : Tensor());
    }
    return grads;
  };
  std::vector<Variable> out = record_op("lif_sequence", outputs, inputs, backward);
  SequenceResult result;
  result.z = out[0];
  result.state = State{out[1], out[2]};
  if (record_states) {
    result.v_record = out[3];
    result.i_record = out[4];
  }
  return result;
}

StepResult lif_step(const Variable& input, const State& state, const Params& params, float dt, Generator* gen) {
  NORSE_CHECK(input.defined(), InvalidArgument, "lif_step", "argument 'input' is undefined");
  NORSE_CHECK(input.dim() >= 1, ShapeError, "lif_step", "argument 'input' must be [B, ...], got shape ",
              shape_to_string(input.shape()));
  Shape seq = input.shape();
  seq.insert(seq.begin(), 1);
  SequenceResult r = lif_sequence(reshape(input, seq), state, params, dt, false, gen);
  return StepResult{reshape(r.z, input.shape()), r.state};
}

}  // namespace lif
}  // namespace norse
