// The event-driven convolution (kernels/event_conv.h) against core's dense conv2d (im2col + the
// CPU GEMM) on ConvNet4's two convolutions at T = 16, B = 32 (512 images per call), over spike
// densities around the ones the MNIST task has (conv1 reads the encoder's spikes, ~0.13; conv2
// the max-pooled conv1 spikes, ~0.06): where the event-driven path stops paying is the crossover
// models/event_ops.h uses (kEventConvMaxDensity).
//
//   bazel test //kernels:event_conv_benchmark --test_output=all --local_test_jobs=1
//
// BENCH name=event_conv_<layer>_<direction> density= dense_ms= event_ms= speedup=
// (event_ms includes building the event lists; the weight gradient reuses forward's lists, as
// the op does.) The results are checked against the dense ones before anything is timed.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/core.h"
#include "kernels/benchmark_util.h"
#include "kernels/event_conv.h"

int main() {
  using namespace norse;
  struct Case {
    const char* name;
    Shape input, weight;
  };
  const int64_t images = 16 * 32;
  const Case cases[] = {
      {"conv1", {images, 1, 28, 28}, {32, 1, 5, 5}},
      {"conv2", {images, 32, 12, 12}, {64, 32, 5, 5}},
  };
  Generator gen(1);
  int failures = 0;
  for (const Case& c : cases) {
    const Tensor w = randn(c.weight, gen), b = randn({c.weight[0]}, gen);
    const kernels::EventConvShape shape{c.input[0],  c.input[1],  c.input[2],  c.input[3],
                                        c.weight[0], c.weight[2], c.weight[3], 0};
    for (float density : {0.02f, 0.06f, 0.13f, 0.2f, 0.3f, 0.4f, 0.5f}) {
      const Tensor x = gt(full(c.input, density), rand(c.input, gen));
      const Tensor dense = conv2d(x, w, b, {});
      const Tensor g = randn(dense.shape(), gen);
      kernels::SpikeEvents events;
      Tensor out = Tensor::empty(dense.shape()), gw = Tensor::empty(w.shape());
      const auto event_forward = [&] {
        bool non_binary = false;
        kernels::count_spike_events(x.data(), shape, &events, &non_binary);
        kernels::fill_spike_events(x.data(), shape, &events);
        kernels::event_conv2d_forward(events, w.data(), b.data(), shape, out.data());
      };
      event_forward();
      kernels::event_conv2d_grad_weight(events, g.data(), shape, gw.data());
      const Tensor gw_dense = conv2d_grad_weight(g, x, w.shape(), {});
      const float err_y = bench::max_relative_difference(out.data(), dense.data(), dense.numel());
      const float err_w = bench::max_relative_difference(gw.data(), gw_dense.data(), gw_dense.numel());
      if (!(err_y < 1e-5f && err_w < 1e-5f)) {
        std::printf("MISMATCH %s density %.2f: forward %g, grad_weight %g\n", c.name, density, err_y, err_w);
        ++failures;
        continue;
      }
      const auto report = [&](const char* direction, double dense_ms, double event_ms) {
        std::printf("BENCH name=event_conv_%s_%s density=%.2f dense_ms=%.2f event_ms=%.2f speedup=%.2f\n", c.name,
                    direction, density, dense_ms, event_ms, dense_ms / event_ms);
        std::fflush(stdout);
      };
      report("forward", bench::best_ms([&] { conv2d(x, w, b, {}); }, 5), bench::best_ms(event_forward, 5));
      report("grad_weight", bench::best_ms([&] { conv2d_grad_weight(g, x, w.shape(), {}); }, 5),
             bench::best_ms([&] { kernels::event_conv2d_grad_weight(events, g.data(), shape, gw.data()); }, 5));
    }
  }
  return failures == 0 ? 0 : 1;
}
