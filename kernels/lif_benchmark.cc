// LIF benchmark: the fused sequence loop (kernels/lif_cpu.cc) forward and forward+backward,
// beside the unfused step-by-step tape path, at T=100, B=32, N=1024, with inputs scaled so
// that about 7% of neuron-steps spike.
//
//   bazel test -c opt //kernels:lif_benchmark --test_output=all
//
// Memory-traffic model (bytes per neuron-step), what the fused loops must move at least:
//   forward, inference        read x, write z                                   8
//   forward, for training     + write the saved pre-reset voltage v1           12
//   backward                  read grad_z and v1, write grad_input             12
//   forward + backward                                                         24
// Validation first: the fused results must equal the unfused tape path (else exit 1).
#include <cmath>
#include <cstdio>

#include "core/core.h"
#include "kernels/benchmark_util.h"
#include "kernels/lif.h"
#include "kernels/surrogate.h"

using namespace norse;

namespace {

constexpr int64_t kT = 100, kB = 32, kN = 1024;

// The spike function as a tape op (SuperSpike surrogate), for the unfused path.
Variable spike_op(const Variable& x, float alpha) {
  const Tensor xv = x.value();
  return record_op("spike", heaviside(xv), {x}, [xv, alpha](const std::vector<Tensor>& g, const std::vector<bool>&) {
    Tensor grad = Tensor::empty(xv.shape());
    const Tensor gc = g[0].contiguous(), xc = xv.contiguous();
    for (int64_t k = 0; k < xc.numel(); ++k)
      grad.data()[k] = gc.data()[k] * spike_grad<Surrogate::kSuper>(xc.data()[k], alpha);
    return std::vector<Tensor>{grad};
  });
}

// The unfused LIF: Norse's step as T steps of tape ops.
Variable unfused_lif(const Variable& x) {
  const float dt = 1e-3f, tau_syn_inv = 200.0f, tau_mem_inv = 100.0f;
  const Shape state_shape = {x.size(1), x.size(2)};
  Variable v(zeros(state_shape)), i(zeros(state_shape));
  std::vector<Variable> zs;
  for (int64_t t = 0; t < x.size(0); ++t) {
    const Variable i1 = i + select(x, 0, t);
    const Variable v1 = v + mul(((0.0f - v) + i1), dt * tau_mem_inv);
    i = i1 - mul(i1, dt * tau_syn_inv);
    const Variable z = spike_op(v1 - 1.0f, 100.0f);
    v = (1.0f - z) * v1;
    zs.push_back(z);
  }
  return stack(zs, 0);
}

struct Fused {
  Tensor z, v1, v_final, i_final, grad_input, grad_v0, grad_i0;
};

Fused make_buffers(int64_t t, int64_t elements) {
  return Fused{Tensor::empty({t, elements}), Tensor::empty({t, elements}), Tensor::empty({elements}),
               Tensor::empty({elements}),    Tensor::empty({t, elements}), Tensor::empty({elements}),
               Tensor::empty({elements})};
}

const float kScalar[5] = {200.0f, 100.0f, 0.0f, 1.0f, 0.0f};

kernels::lif::SequenceParams default_params() {
  kernels::lif::SequenceParams p;
  p.tau_syn_inv = {&kScalar[0], 1};
  p.tau_mem_inv = {&kScalar[1], 1};
  p.v_leak = {&kScalar[2], 1};
  p.v_th = {&kScalar[3], 1};
  p.v_reset = {&kScalar[4], 1};
  return p;
}

void fused_forward(const Tensor& x, const Tensor& zeros_state, Fused& f, bool save) {
  kernels::lif::SequenceForwardArgs a;
  a.steps = x.size(0);
  a.elements = x.numel() / x.size(0);
  a.input = x.data();
  a.v0 = zeros_state.data();
  a.i0 = zeros_state.data();
  a.z = f.z.data();
  a.v_final = f.v_final.data();
  a.i_final = f.i_final.data();
  a.saved_v1 = save ? f.v1.data() : nullptr;
  kernels::lif::sequence_forward(default_params(), a);
}

void fused_backward(const Tensor& grad_z, Fused& f) {
  kernels::lif::SequenceBackwardArgs a;
  a.steps = f.z.size(0);
  a.elements = f.z.size(1);
  a.z = f.z.data();
  a.saved_v1 = f.v1.data();
  a.grad_z = grad_z.data();
  a.grad_input = f.grad_input.data();
  a.grad_v0 = f.grad_v0.data();
  a.grad_i0 = f.grad_i0.data();
  kernels::lif::sequence_backward(default_params(), a);
}

}  // namespace

int main() {
  Generator gen(1);
  const int64_t elements = kB * kN;
  // Input scale for ~7% spiking neuron-steps (measured with the fused forward).
  const Tensor u = rand({kT, kB, kN}, gen);
  const Tensor zero_state = zeros({elements});
  Fused f = make_buffers(kT, elements);
  float scale = 0.0f, rate = 0.0f;
  for (float s = 0.2f; s < 4.0f; s += 0.02f) {
    fused_forward(mul(u, s), zero_state, f, false);
    rate = mean(f.z).item();
    scale = s;
    if (rate >= 0.07f) break;
  }
  const Tensor x = mul(u, scale);
  std::printf("input x ~ U(0, %.2f): spike rate %.3f of neuron-steps\n", scale, rate);

  // Validate: fused == unfused tape path on a slice (B=4), values and input gradients.
  {
    const Tensor xs = x.slice(1, 0, 4).contiguous();
    Variable xv(xs, true);
    const Variable z = unfused_lif(xv);
    Generator gg(2);
    const Tensor gz = randn(z.shape(), gg);
    z.backward(gz);
    Fused small = make_buffers(kT, 4 * kN);
    const Tensor zs = zeros({4 * kN});
    fused_forward(xs, zs, small, true);
    fused_backward(gz, small);
    const std::vector<float> a = small.z.to_vector(), b = z.value().to_vector();
    const std::vector<float> ga = small.grad_input.to_vector(), gb = xv.grad().to_vector();
    double max_grad_err = 0.0;
    for (size_t k = 0; k < a.size(); ++k) {
      if (a[k] != b[k]) {
        std::printf("VALIDATION FAILED: spike %zu differs (fused %g, tape %g)\n", k, a[k], b[k]);
        return 1;
      }
      max_grad_err = std::max(max_grad_err, static_cast<double>(std::fabs(ga[k] - gb[k]) / (1.0f + std::fabs(gb[k]))));
    }
    if (max_grad_err > 1e-3) {
      std::printf("VALIDATION FAILED: grad_input relative error %g\n", max_grad_err);
      return 1;
    }
    std::printf("All results match (spikes exact, grad_input max rel. error %.2e). Starting benchmarks.\n",
                max_grad_err);
  }

  const double machine = bench::copy_bandwidth_gbps();
  std::printf("machine copy bandwidth: %.2f GB/s on %d threads\n", machine, num_threads());
  Generator gg(3);
  const Tensor grad_z = randn({kT, elements}, gg);
  const double fwd = bench::best_ms([&] { fused_forward(x, zero_state, f, false); }, 10);
  bench::report("lif_fused_forward", kT, kB, kN, fwd, 8, machine);
  const double fwd_bwd = bench::best_ms(
      [&] {
        fused_forward(x, zero_state, f, true);
        fused_backward(grad_z, f);
      },
      10);
  bench::report("lif_fused_forward_backward", kT, kB, kN, fwd_bwd, 24, machine);

  const Variable xv(x);
  const double unfused_fwd = bench::best_ms(
      [&] {
        NoGradGuard no_grad;
        (void)unfused_lif(xv);
      },
      3);
  bench::report("lif_unfused_tape_forward", kT, kB, kN, unfused_fwd, 8, machine);
  const Tensor grad_z3 = grad_z.view({kT, kB, kN});
  const double unfused_fwd_bwd = bench::best_ms(
      [&] {
        Variable xg(x, true);
        unfused_lif(xg).backward(grad_z3);
      },
      3);
  bench::report("lif_unfused_tape_forward_backward", kT, kB, kN, unfused_fwd_bwd, 24, machine);
  std::printf("fused speed-up: forward %.1fx, forward+backward %.1fx\n", unfused_fwd / fwd, unfused_fwd_bwd / fwd_bwd);
  return 0;
}
