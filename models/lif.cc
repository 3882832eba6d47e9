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

// The registered CUDA loops for a cuda input (kernels/lif_dispatch.h), or nullptr for a host one.
const kernels::lif::CudaEntryPoints* cuda_loops_for(const char* op, Device device) {
  if (device != Device::kCUDA) return nullptr;
  const kernels::lif::CudaEntryPoints* cuda = kernels::lif::cuda_entry_points();
  NORSE_CHECK(cuda != nullptr, DeviceError, op,
              "the input is on cuda but this program does not link the CUDA LIF kernels (build with --config=cuda "
              "and depend on //kernels:lif_cuda)");
  return cuda;
}

}  // namespace

SequenceResult lif_sequence(const Variable& input, const State& initial, const Params& params, float dt,
                            bool record_states, Generator* gen) {
  const char* op = "lif_sequence";
  NORSE_CHECK(input.defined(), InvalidArgument, op, "argument 'input' is undefined");
  NORSE_CHECK(input.dim() >= 2, ShapeError, op,
              "argument 'input' must be [T, B, ...] (at least 2 dimensions), got shape ",
              shape_to_string(input.shape()));
  NORSE_CHECK(std::isfinite(dt) && dt > 0.0f, InvalidArgument, op, "argument 'dt' must be finite and > 0, got ", dt);
  NORSE_CHECK(std::isfinite(params.alpha), InvalidArgument, op, "parameter 'alpha' must be finite, got ", params.alpha);
  NORSE_CHECK(!is_stochastic(params.method) || gen != nullptr, InvalidArgument, op, "method '",
              surrogate_name(params.method), "' is stochastic and needs a Generator");
  const Shape neuron_shape(input.shape().begin() + 1, input.shape().end());
  const std::vector<Variable> plist = param_list(params);
  for (size_t k = 0; k < plist.size(); ++k) detail::check_neuron_param(op, kParamNames[k], plist[k], neuron_shape, dt);

  // Initial state: given, or Norse's default (v = v_leak detached, i = 0).
  Variable v0 = initial.v.defined()
                    ? initial.v
                    : Variable(detail::broadcast_to(params.v_leak.value(), neuron_shape, input.value().device()));
  Variable i0 = initial.i.defined() ? initial.i : Variable(zeros(neuron_shape, input.value().device()));
  check_shape(op, "state.v", neuron_shape, v0.shape());
  check_shape(op, "state.i", neuron_shape, i0.shape());

  // One path for both devices: buffers are allocated on the input's device and the fused loop of
  // that device runs (kernels/lif.h on the CPU, kernels/lif_cuda.h on the GPU, the same step
  // functions). Parameters and default states may live on the host: the loop reads copies on
  // its device, and their gradients are returned on the device each input came from.
  const Device device = input.value().device();
  const kernels::lif::CudaEntryPoints* cuda = cuda_loops_for(op, device);
  const int64_t steps = input.size(0);
  const int64_t elements = shape_numel(neuron_shape);
  const Tensor x = input.value().contiguous();
  const Tensor v0c = v0.value().to(device).contiguous(), i0c = i0.value().to(device).contiguous();
  const Device v0_device = v0.value().device(), i0_device = i0.value().device();
  detail::ParamValue pv[5];
  Device param_devices[5];
  for (int k = 0; k < 5; ++k) {
    pv[k] = detail::param_value(plist[static_cast<size_t>(k)], device);
    param_devices[k] = plist[static_cast<size_t>(k)].value().device();
  }

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

  Shape seq_shape = input.shape();
  Tensor z = Tensor::empty(seq_shape, device);
  Tensor v_final = Tensor::empty(neuron_shape, device), i_final = Tensor::empty(neuron_shape, device);
  Tensor v_rec, i_rec, saved_v1, saved_i1, saved_v;
  if (record_states) {
    v_rec = Tensor::empty(seq_shape, device);
    i_rec = Tensor::empty(seq_shape, device);
  }
  if (any_grad) saved_v1 = Tensor::empty(seq_shape, device);
  if (param_grad) {
    saved_i1 = Tensor::empty(seq_shape, device);
    saved_v = Tensor::empty(seq_shape, device);
  }
  kernels::lif::SequenceForwardArgs fa;
  fa.steps = steps;
  fa.elements = elements;
  fa.input = x.device_data();
  fa.v0 = v0c.device_data();
  fa.i0 = i0c.device_data();
  fa.z = z.device_data();
  fa.v_record = record_states ? v_rec.device_data() : nullptr;
  fa.i_record = record_states ? i_rec.device_data() : nullptr;
  fa.v_final = v_final.device_data();
  fa.i_final = i_final.device_data();
  fa.saved_v1 = any_grad ? saved_v1.device_data() : nullptr;
  fa.saved_i1 = param_grad ? saved_i1.device_data() : nullptr;
  fa.saved_v = param_grad ? saved_v.device_data() : nullptr;
  if (is_stochastic(params.method)) {
    fa.seed = gen->seed();
    fa.offset = gen->reserve_blocks(static_cast<uint64_t>((steps * elements + 3) / 4));
  }
  if (cuda != nullptr) {
    cuda->forward(kp, fa, nullptr);  // stream-ordered: the device copies above outlive it in the allocator's cache
  } else {
    kernels::lif::sequence_forward(kp, fa);
  }

  std::vector<Tensor> outputs = {z, v_final, i_final};
  if (record_states) {
    outputs.push_back(v_rec);
    outputs.push_back(i_rec);
  }
  std::vector<Variable> inputs = {input, v0, i0};
  inputs.insert(inputs.end(), plist.begin(), plist.end());

  std::vector<Shape> param_shapes;
  for (const Variable& p : plist) param_shapes.push_back(p.shape());
  auto backward = [kp, cuda, device, v0_device, i0_device, pv0 = pv[0], pv1 = pv[1], pv2 = pv[2], pv3 = pv[3],
                   pv4 = pv[4], pd0 = param_devices[0], pd1 = param_devices[1], pd2 = param_devices[2],
                   pd3 = param_devices[3], pd4 = param_devices[4], z, saved_v1, saved_i1, saved_v, steps, elements,
                   record_states, seq_shape, neuron_shape,
                   param_shapes](const std::vector<Tensor>& g, const std::vector<bool>& needs) {
    // pv* keep the parameter values that kp points into alive.
    (void)pv0, (void)pv1, (void)pv2, (void)pv3, (void)pv4;
    const Device param_devices[5] = {pd0, pd1, pd2, pd3, pd4};
    const Tensor gz = g[0].contiguous(), gvf = g[1].contiguous(), gif = g[2].contiguous();
    Tensor gvr, gir;
    if (record_states) {
      gvr = g[3].contiguous();
      gir = g[4].contiguous();
    }
    bool want_params = false;
    for (size_t k = 3; k < needs.size(); ++k) want_params = want_params || needs[k];
    Tensor grad_input = Tensor::empty(seq_shape, device);
    Tensor grad_v0 = Tensor::empty(neuron_shape, device), grad_i0 = Tensor::empty(neuron_shape, device);
    Tensor partials[5];
    kernels::lif::SequenceBackwardArgs ba;
    ba.steps = steps;
    ba.elements = elements;
    ba.z = z.device_data();
    ba.saved_v1 = saved_v1.device_data();
    ba.grad_z = gz.device_data();
    ba.grad_v_final = gvf.device_data();
    ba.grad_i_final = gif.device_data();
    ba.grad_v_record = record_states ? gvr.device_data() : nullptr;
    ba.grad_i_record = record_states ? gir.device_data() : nullptr;
    ba.grad_input = grad_input.device_data();
    ba.grad_v0 = grad_v0.device_data();
    ba.grad_i0 = grad_i0.device_data();
    if (want_params && saved_i1.defined()) {
      ba.saved_i1 = saved_i1.device_data();
      ba.saved_v = saved_v.device_data();
      for (int k = 0; k < 5; ++k) {
        partials[k] = Tensor::empty(neuron_shape, device);
        ba.grad_params[k] = partials[k].device_data();
      }
    }
    if (cuda != nullptr) {
      cuda->backward(kp, ba, nullptr);
    } else {
      kernels::lif::sequence_backward(kp, ba);
    }
    std::vector<Tensor> grads = {grad_input, grad_v0.to(v0_device), grad_i0.to(i0_device)};
    for (int k = 0; k < 5; ++k) {
      grads.push_back(
          needs[static_cast<size_t>(3 + k)] && partials[k].defined()
              ? detail::reduce_param_grad(partials[k], param_shapes[static_cast<size_t>(k)], param_devices[k])
              : Tensor());
    }
    return grads;
  };
  std::vector<Variable> out = record_op("lif_sequence", outputs, inputs, backward);
  SequenceResult result;
  result.z = out[0];
  result.state = State{out[1], out[2]};
  if (record_states) {
    result.record.v = out[3];
    result.record.i = out[4];
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
