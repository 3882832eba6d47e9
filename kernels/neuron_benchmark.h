// The benchmark of a generic fused neuron loop (kernels/neuron_sequence.h): forward and
// forward+backward beside the unfused step-by-step tape path, validated first. Used by
// lif_benchmark.cc, lsnn_benchmark.cc and li_benchmark.cc.
#ifndef NORSE_KERNELS_NEURON_BENCHMARK_H_
#define NORSE_KERNELS_NEURON_BENCHMARK_H_

#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "core/core.h"
#include "kernels/benchmark_util.h"
#include "kernels/neuron_sequence.h"

namespace norse {
namespace bench {

struct NeuronBenchmarkSpec {
  std::string name;
  int64_t steps = 100, batch = 32, neurons = 1024;
  std::vector<float> params;         // scalar parameter values, Model order
  std::vector<float> initial_state;  // scalar initial values, Model state order
  // Declared traffic (bytes per neuron-step) of inference forward and of forward+backward.
  double forward_bytes = 8, forward_backward_bytes = 24;
  // The model's output per step: the spikes z, or (non-spiking) state field `output_state`.
  int output_state = -1;
  // The unfused reference on the tape: input [T, B, N] -> output [T, B, N].
  std::function<Variable(const Variable&)> unfused;
  // The fused loops' surrogate (its derivative must be the unfused reference's), and whether to
  // time the unfused reference too (it is validated against either way).
  Surrogate method = Surrogate::kSuper;
  bool time_unfused = true;
};

template <class Model>
int run_neuron_benchmark(const NeuronBenchmarkSpec& spec) {
  constexpr int kS = Model::kStates;
  Generator gen(1);
  const int64_t T = spec.steps, n = spec.batch * spec.neurons;
  kernels::NeuronParams<Model> params;
  params.method = spec.method;
  for (int k = 0; k < Model::kParams; ++k)
    params.params[k] = kernels::ParamRef{&spec.params[static_cast<size_t>(k)], 1};
  std::vector<Tensor> s0, finals, records, grad_s0;
  for (int s = 0; s < kS; ++s) {
    s0.push_back(full({n}, spec.initial_state[static_cast<size_t>(s)]));
    finals.push_back(Tensor::empty({n}));
    records.push_back(Tensor::empty({T, n}));
    grad_s0.push_back(Tensor::empty({n}));
  }
  // What the op saves when no parameter trains: the model's compact record where it has one.
  const kernels::SavedKind saved_kind = kernels::saved_kind_for<Model>(false);
  Tensor z = Tensor::empty({T, n}), grad_x = Tensor::empty({T, n});
  Tensor saved = Tensor::empty({T, kernels::saved_floats<Model>(saved_kind), n});
  auto forward = [&](const Tensor& x, bool save) {
    kernels::NeuronForwardArgs a;
    a.steps = T;
    a.elements = x.numel() / T;
    a.input = x.data();
    a.z = Model::kSpiking ? z.data() : nullptr;
    for (int s = 0; s < kS; ++s) {
      a.state0[s] = s0[static_cast<size_t>(s)].data();
      a.final_state[s] = finals[static_cast<size_t>(s)].data();
    }
    if (spec.output_state >= 0) a.record[spec.output_state] = records[static_cast<size_t>(spec.output_state)].data();
    a.saved = save ? saved.data() : nullptr;
    a.saved_kind = saved_kind;
    kernels::neuron_sequence_forward<Model>(params, a);
  };
  auto backward = [&](const Tensor& x, const Tensor& grad_out) {
    kernels::NeuronBackwardArgs a;
    a.steps = T;
    a.elements = x.numel() / T;
    a.input = x.data();
    a.saved = saved.data();
    a.saved_kind = saved_kind;
    if (Model::kSpiking) {
      a.grad_z = grad_out.data();
    } else {
      a.grad_record[spec.output_state] = grad_out.data();
    }
    a.grad_input = grad_x.data();
    for (int s = 0; s < kS; ++s) a.grad_state0[s] = grad_s0[static_cast<size_t>(s)].data();
    kernels::neuron_sequence_backward<Model>(params, a);
  };
  auto output = [&]() { return Model::kSpiking ? z : records[static_cast<size_t>(spec.output_state)]; };

  // Input scale: for spiking models ~7% spiking neuron-steps.
  const Tensor u = rand({T, spec.batch, spec.neurons}, gen);
  float scale = 1.0f;
  if (Model::kSpiking) {
    for (float s = 0.1f; s < 20.0f; s *= 1.05f) {
      scale = s;
      forward(mul(u, s), false);
      if (mean(z).item() >= 0.07f) break;
    }
    std::printf("input x ~ U(0, %.2f): spike rate %.3f of neuron-steps\n", scale, mean(z).item());
  }
  const Tensor x = mul(u, scale);

  {  // Validation against the unfused tape path on 4 batch entries.
    const Tensor xs = x.slice(1, 0, 4).contiguous();
    Variable xv(xs, true);
    const Variable ref = spec.unfused(xv);
    Generator gg(2);
    const Tensor g = randn(ref.shape(), gg);
    ref.backward(g);
    forward(xs, true);
    backward(xs, g.view({T, 4 * spec.neurons}));
    // The kernels wrote [T, 4 * N] packed into the first T * 4 * N entries of the buffers.
    const int64_t packed = T * 4 * spec.neurons;
    const std::vector<float> a = output().view({-1}).slice(0, 0, packed).to_vector();
    const std::vector<float> b = ref.value().to_vector();
    const std::vector<float> ga = grad_x.view({-1}).slice(0, 0, packed).to_vector();
    const std::vector<float> gb = xv.grad().to_vector();
    double worst = 0.0, worst_grad = 0.0;
    for (size_t k = 0; k < a.size(); ++k) {
      worst = std::max(worst, static_cast<double>(std::fabs(a[k] - b[k]) / (1.0f + std::fabs(b[k]))));
      worst_grad = std::max(worst_grad, static_cast<double>(std::fabs(ga[k] - gb[k]) / (1.0f + std::fabs(gb[k]))));
    }
    if (worst > (Model::kSpiking ? 0.0 : 1e-5) || worst_grad > 1e-3) {
      std::printf("VALIDATION FAILED: output rel. error %g, grad_input rel. error %g\n", worst, worst_grad);
      return 1;
    }
    std::printf("All results match (output max rel. error %.2e, grad_input %.2e). Starting benchmarks.\n", worst,
                worst_grad);
  }

  const double machine = copy_bandwidth_gbps();
  std::printf("machine copy bandwidth: %.2f GB/s on %d threads\n", machine, num_threads());
  Generator gg(3);
  const Tensor grad_out = randn({T, n}, gg);
  const double fwd = best_ms([&] { forward(x, false); }, 10);
  report(spec.name + "_fused_forward", T, spec.batch, spec.neurons, fwd, spec.forward_bytes, machine);
  const double fwd_bwd = best_ms(
      [&] {
        forward(x, true);
        backward(x, grad_out);
      },
      10);
  report(spec.name + "_fused_forward_backward", T, spec.batch, spec.neurons, fwd_bwd, spec.forward_backward_bytes,
         machine);
  if (!spec.time_unfused) return 0;
  const Variable xv(x);
  const double unfused_fwd = best_ms(
      [&] {
        NoGradGuard no_grad;
        (void)spec.unfused(xv);
      },
      3);
  report(spec.name + "_unfused_tape_forward", T, spec.batch, spec.neurons, unfused_fwd, spec.forward_bytes, machine);
  const Tensor grad_out3 = grad_out.view({T, spec.batch, spec.neurons});
  const double unfused_fwd_bwd = best_ms(
      [&] {
        Variable xg(x, true);
        spec.unfused(xg).backward(grad_out3);
      },
      3);
  report(spec.name + "_unfused_tape_forward_backward", T, spec.batch, spec.neurons, unfused_fwd_bwd,
         spec.forward_backward_bytes, machine);
  std::printf("fused speed-up: forward %.1fx, forward+backward %.1fx\n", unfused_fwd / fwd, unfused_fwd_bwd / fwd_bwd);
  return 0;
}

// The spike function as a tape op (SuperSpike surrogate, alpha 100), for the unfused paths.
inline Variable superspike(const Variable& x) {
  const Tensor xv = x.value();
  return record_op("spike", heaviside(xv), {x}, [xv](const std::vector<Tensor>& g, const std::vector<bool>&) {
    Tensor grad = Tensor::empty(xv.shape());
    const Tensor gc = g[0].contiguous(), xc = xv.contiguous();
    for (int64_t k = 0; k < xc.numel(); ++k)
      grad.data()[k] = gc.data()[k] * spike_grad<Surrogate::kSuper>(xc.data()[k], 100.0f);
    return std::vector<Tensor>{grad};
  });
}

// Norse's LIF step (LIFParameters defaults, dt 1 ms) as T steps of tape ops on x's device, with
// `spike` the threshold's tape op: x [T, B, N] -> z [T, B, N].
template <class Spike>
Variable unfused_lif(const Variable& x, Spike spike) {
  const float dt = 1e-3f;
  const Device d = x.value().device();
  const Shape shape = {x.size(1), x.size(2)};
  Variable v(zeros(shape, d)), i(zeros(shape, d));
  std::vector<Variable> zs;
  for (int64_t t = 0; t < x.size(0); ++t) {
    const Variable i1 = i + select(x, 0, t);
    const Variable v1 = v + mul((0.0f - v) + i1, dt * 100.0f);
    i = i1 - mul(i1, dt * 200.0f);
    const Variable z = spike(v1 - 1.0f);
    v = (1.0f - z) * v1;
    zs.push_back(z);
  }
  return stack(zs, 0);
}

// Norse's LI step (LIParameters defaults, dt 1 ms) as T steps of tape ops on x's device:
// x [T, B, N] -> v [T, B, N]. The unfused reference of the CPU and CUDA LI benchmarks.
inline Variable unfused_li(const Variable& x) {
  const float dt = 1e-3f;
  const Device d = x.value().device();
  const Shape shape = {x.size(1), x.size(2)};
  Variable v(zeros(shape, d)), i(zeros(shape, d));
  std::vector<Variable> vs;
  for (int64_t t = 0; t < x.size(0); ++t) {
    const Variable i1 = i + select(x, 0, t);
    v = v + mul((0.0f - v) + i1, dt * 100.0f);
    i = i1 - mul(i1, dt * 200.0f);
    vs.push_back(v);
  }
  return stack(vs, 0);
}

// Norse's LSNN step (defaults, tau_adapt_inv 1/800, beta 1.8, dt 1 ms) as tape ops on x's
// device, with `spike` the threshold's tape op: x [T, B, N] -> z [T, B, N]. The unfused
// reference of the CPU and CUDA LSNN benchmarks.
template <class Spike>
Variable unfused_lsnn(const Variable& x, Spike spike) {
  const float dt = 1e-3f;
  const Device d = x.value().device();
  const Shape shape = {x.size(1), x.size(2)};
  Variable v(zeros(shape, d)), i(zeros(shape, d)), b(full(shape, 1.0f, d));
  std::vector<Variable> zs;
  for (int64_t t = 0; t < x.size(0); ++t) {
    const Variable v1 = v + mul((0.0f - v) + i, dt * 100.0f);
    const Variable i1 = i - mul(i, dt * 200.0f);
    const Variable b1 = b + mul(1.0f - b, dt / 800.0f);
    const Variable z = spike(v1 - b1);
    v = (1.0f - z) * v1;
    b = b1 + z * 1.8f;
    i = i1 + select(x, 0, t);
    zs.push_back(z);
  }
  return stack(zs, 0);
}

}  // namespace bench
}  // namespace norse

#endif  // NORSE_KERNELS_NEURON_BENCHMARK_H_
