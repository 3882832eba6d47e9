// The CPU GEMM (core/gemm_cpu.h: fixed tiles by shape, each a single-threaded Eigen product)
// against Eigen's own multithreaded GEMM, on the MNIST task's shapes (ConvNet4, T=16, B=32).
// Validates first: the tiled result is bitwise the same on 1 and on all threads, and within
// float rounding of Eigen's; then times both with all threads.
//
//   bazel test //kernels:gemm_benchmark --test_output=all --local_test_jobs=1
//
// BENCH name=gemm_<shape>_{tiled,eigen_threaded} M= K= N= ms= gflops= same_bits_1_vs_all=
#include <Eigen/Core>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "core/gemm_cpu.h"
#include "core/parallel.h"
#include "kernels/benchmark_util.h"

namespace {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstMap = Eigen::Map<const RowMatrix>;

struct Shape3 {
  const char* name;
  int64_t m, k, n;
};

std::vector<float> random_values(int64_t n, uint64_t seed) {
  std::vector<float> v(static_cast<size_t>(n));
  uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  for (float& f : v) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    f = static_cast<float>(static_cast<double>(x >> 40) / static_cast<double>(1ull << 24)) - 0.5f;
  }
  return v;
}

}  // namespace

int main() {
  using namespace norse;
  const int threads = num_threads();
  // (M, K, N) of C = A B as the MNIST training step runs them (Linear over [T*B, in]; conv2d as
  // weights [O, C*kh*kw] times im2col columns of a chunk of images: the conv chunks
  // keep the columns under 16M floats, i.e. ~1000 images for conv1 and ~300 for conv2).
  const Shape3 shapes[] = {
      {"conv1_forward", 32, 25, 1024 * 576},    {"conv2_forward", 64, 800, 256 * 64},
      {"conv2_grad_weight", 64, 256 * 64, 800}, {"fc1_forward", 512, 1024, 1024},
      {"fc1_grad_weight", 1024, 512, 1024},     {"readout_forward", 512, 1024, 10},
  };
  int failures = 0;
  std::printf("threads=%d tile=%lld\n", threads, static_cast<long long>(kGemmTile));
  for (const Shape3& s : shapes) {
    const std::vector<float> a = random_values(s.m * s.k, 1), b = random_values(s.k * s.n, 2);
    std::vector<float> tiled(static_cast<size_t>(s.m * s.n)), tiled_one(tiled.size()), eigen(tiled.size());
    const GemmOperand ga{a.data(), s.k, false}, gb{b.data(), s.n, false};
    auto run_tiled = [&](std::vector<float>& c) { gemm_cpu(s.m, s.k, s.n, 1.0f, ga, gb, c.data(), s.n, false); };
    auto run_eigen = [&] {
      Eigen::setNbThreads(threads);
      Eigen::Map<RowMatrix>(eigen.data(), s.m, s.n).noalias() =
          ConstMap(a.data(), s.m, s.k) * ConstMap(b.data(), s.k, s.n);
      Eigen::setNbThreads(1);  // what gemm_cpu relies on
    };
    // Validate.
    set_num_threads(1);
    run_tiled(tiled_one);
    set_num_threads(threads);
    run_tiled(tiled);
    run_eigen();
    const bool same_bits = std::memcmp(tiled.data(), tiled_one.data(), tiled.size() * sizeof(float)) == 0;
    double worst = 0.0;
    for (size_t e = 0; e < tiled.size(); ++e) {
      // Float rounding of a K-term sum of products of values in [-0.5, 0.5]: ~K * 2^-24 * 0.25.
      worst = std::max(worst, std::fabs(static_cast<double>(tiled[e]) - eigen[e]));
    }
    const double tolerance = 1e-6 * static_cast<double>(s.k);
    if (!same_bits || worst > tolerance) {
      std::printf("FAIL %s: same bits on 1 and %d threads: %d, max |tiled - eigen| = %g (tolerance %g)\n", s.name,
                  threads, same_bits, worst, tolerance);
      ++failures;
      continue;
    }
    // Time.
    const double flops = 2.0 * static_cast<double>(s.m) * static_cast<double>(s.k) * static_cast<double>(s.n);
    const double ms_tiled = bench::best_ms([&] { run_tiled(tiled); }, 5);
    const double ms_eigen = bench::best_ms(run_eigen, 5);
    for (const auto& [kind, ms] : {std::pair<const char*, double>{"tiled", ms_tiled}, {"eigen_threaded", ms_eigen}}) {
      std::printf("BENCH name=gemm_%s_%s M=%lld K=%lld N=%lld ms=%.3f gflops=%.1f same_bits_1_vs_all=%d\n", s.name,
                  kind, static_cast<long long>(s.m), static_cast<long long>(s.k), static_cast<long long>(s.n), ms,
                  flops / (ms * 1e-3) / 1e9, same_bits);
    }
  }
  std::printf("%s\n", failures == 0 ? "All results match." : "MISMATCH");
  return failures == 0 ? 0 : 1;
}
