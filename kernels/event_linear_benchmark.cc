// The event-driven linear layer (kernels/event_linear.h) against core's dense matmul on
// ConvNet4's two linear layers at T = 16, B = 32 (512 rows): fc1 (1024 -> 1024, reads max-pooled
// spikes, ~0.05-0.2 in the MNIST task) and the read-out (1024 -> 10, reads fc1's spikes,
// ~0.02-0.05). Where the event-driven path stops paying is the crossover models/event_ops.h uses
// (kEventLinearMaxDensity).
//
//   bazel test //kernels:event_linear_benchmark --test_output=all --local_test_jobs=1
//
// BENCH name=event_linear_<layer>_<direction> density= dense_ms= event_ms= speedup=
// (event_ms includes building the event lists: the row lists in forward, the input lists in the
// weight gradient; results checked against the dense ones first.)
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/core.h"
#include "kernels/benchmark_util.h"
#include "kernels/event_linear.h"

int main() {
  using namespace norse;
  struct Case {
    const char* name;
    int64_t rows, in, out;
  };
  const Case cases[] = {{"fc1", 512, 1024, 1024}, {"out", 512, 1024, 10}};
  Generator gen(1);
  int failures = 0;
  for (const Case& c : cases) {
    const Tensor w = randn({c.out, c.in}, gen), b = randn({c.out}, gen);
    for (float density : {0.02f, 0.05f, 0.1f, 0.15f, 0.2f, 0.3f, 0.5f}) {
      const Tensor x = gt(full({c.rows, c.in}, density), rand({c.rows, c.in}, gen));
      const auto dense_forward = [&] { return add(matmul(x, w.transpose(0, 1)), b); };
      const Tensor g = randn({c.rows, c.out}, gen);
      const auto dense_grad = [&] { return matmul(g.transpose(0, 1), x); };
      kernels::LinearEvents events;
      Tensor y = Tensor::empty({c.rows, c.out}), gw = Tensor::empty(w.shape());
      const auto event_forward = [&] {
        bool non_binary = false;
        kernels::count_linear_events(x.data(), c.rows, c.in, &events, &non_binary);
        kernels::fill_linear_events(x.data(), c.rows, c.in, &events);
        kernels::event_linear_forward(events, w.data(), b.data(), c.rows, c.in, c.out, y.data());
      };
      const auto event_grad = [&] {
        events.column_offsets.clear();  // the input lists are the weight gradient's to build
        kernels::event_linear_grad_weight(events, g.data(), c.rows, c.in, c.out, gw.data());
      };
      event_forward();
      event_grad();
      const Tensor y_dense = dense_forward(), gw_dense = dense_grad();
      const float err_y = bench::max_relative_difference(y.data(), y_dense.data(), y.numel());
      const float err_w = bench::max_relative_difference(gw.data(), gw_dense.data(), gw.numel());
      if (!(err_y < 1e-5f && err_w < 1e-5f)) {
        std::printf("MISMATCH %s density %.2f: forward %g, grad_weight %g\n", c.name, density, err_y, err_w);
        ++failures;
        continue;
      }
      const auto report = [&](const char* direction, double dense_ms, double event_ms) {
        std::printf("BENCH name=event_linear_%s_%s density=%.2f dense_ms=%.3f event_ms=%.3f speedup=%.2f\n", c.name,
                    direction, density, dense_ms, event_ms, dense_ms / event_ms);
        std::fflush(stdout);
      };
      report("forward", bench::best_ms([&] { dense_forward(); }, 5), bench::best_ms(event_forward, 5));
      report("grad_weight", bench::best_ms([&] { dense_grad(); }, 5), bench::best_ms(event_grad, 5));
    }
  }
  return failures == 0 ? 0 : 1;
}
