// core's conv2d (im2col + the CPU GEMM) and its two gradients on the MNIST task's shapes
// (ConvNet4 at T = 16, B = 32: 512 images per call), plus a dilated and a grouped variant of conv2
// (the NIR importer's options) to show what they cost against the plain one.
//
//   bazel test //kernels:conv2d_benchmark --test_output=all --local_test_jobs=1
//
// BENCH name=conv2d_<layer>_<direction> images= ms= gflops=   (gflops counts 2 * MACs)
#include <cstdio>
#include <string>

#include "core/core.h"
#include "kernels/benchmark_util.h"

int main() {
  using namespace norse;
  struct Case {
    const char* name;
    Shape input, weight;
    Conv2dOptions options;
  };
  Conv2dOptions dilated;
  dilated.dilation = 2;
  Conv2dOptions grouped;
  grouped.groups = 4;
  const int64_t images = 16 * 32;
  const Case cases[] = {
      {"conv1", {images, 1, 28, 28}, {32, 1, 5, 5}, {}},
      {"conv2", {images, 32, 12, 12}, {64, 32, 5, 5}, {}},
      {"conv2_dilation2", {images, 32, 12, 12}, {64, 32, 3, 3}, dilated},
      {"conv2_groups4", {images, 32, 12, 12}, {64, 8, 5, 5}, grouped},
  };
  Generator gen(1);
  for (const Case& c : cases) {
    // Spike-like input (0/1 at 10%), as the task feeds the layers.
    const Tensor x = gt(full(c.input, 0.1f), rand(c.input, gen)), w = randn(c.weight, gen),
                 b = randn({c.weight[0]}, gen);
    const Tensor y = conv2d(x, w, b, c.options);
    const Tensor g = randn(y.shape(), gen);
    const double macs = static_cast<double>(y.numel()) * static_cast<double>(c.weight[1] * c.weight[2] * c.weight[3]);
    const auto bench = [&](const char* direction, const std::function<void()>& f) {
      const double ms = bench::best_ms(f, 5);
      std::printf("BENCH name=conv2d_%s_%s images=%lld ms=%.2f gflops=%.1f\n", c.name, direction,
                  static_cast<long long>(images), ms, 2.0 * macs / (ms * 1e6));
    };
    bench("forward", [&] { conv2d(x, w, b, c.options); });
    bench("grad_input", [&] { conv2d_grad_input(g, w, x.shape(), c.options); });
    bench("grad_weight", [&] { conv2d_grad_weight(g, x, w.shape(), c.options); });
  }
  return 0;
}
