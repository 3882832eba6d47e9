// core/gemm_cpu.h: every instruction-set variant of the tile product this build and CPU have
// against a double-precision reference, in all four operand layouts, with and without
// accumulation, across tile edges; the same bits on one and on two threads for each; the names
// and the errors of the instruction-set choice.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/core.h"
#include "core/gemm_cpu.h"

using namespace norse;

namespace {

std::vector<float> random_values(size_t n, uint32_t seed) {
  std::vector<float> v(n);
  uint32_t x = seed * 2654435761u + 1u;
  for (float& f : v) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    f = static_cast<float>(x % 2001u) / 2000.0f - 0.5f;
  }
  return v;
}

struct Case {
  int64_t m, k, n;
  bool a_col, b_col, accumulate;
  float alpha;
};

// C as gemm_cpu computes it, and the reference in double.
std::vector<float> run(const Case& c, const std::vector<float>& a, const std::vector<float>& b,
                       const std::vector<float>& c0) {
  std::vector<float> out = c0;
  const GemmOperand op_a{a.data(), c.a_col ? c.m : c.k, c.a_col};
  const GemmOperand op_b{b.data(), c.b_col ? c.k : c.n, c.b_col};
  gemm_cpu(c.m, c.k, c.n, c.alpha, op_a, op_b, out.data(), c.n, c.accumulate);
  return out;
}

std::vector<double> reference(const Case& c, const std::vector<float>& a, const std::vector<float>& b,
                              const std::vector<float>& c0) {
  std::vector<double> out(static_cast<size_t>(c.m * c.n));
  for (int64_t r = 0; r < c.m; ++r) {
    for (int64_t j = 0; j < c.n; ++j) {
      double acc = 0.0;
      for (int64_t q = 0; q < c.k; ++q) {
        const double x = a[static_cast<size_t>(c.a_col ? q * c.m + r : r * c.k + q)];
        const double y = b[static_cast<size_t>(c.b_col ? j * c.k + q : q * c.n + j)];
        acc += x * y;
      }
      out[static_cast<size_t>(r * c.n + j)] =
          c.alpha * acc + (c.accumulate ? c0[static_cast<size_t>(r * c.n + j)] : 0.0);
    }
  }
  return out;
}

const std::vector<GemmIsa> kAllIsas = {GemmIsa::kGeneric, GemmIsa::kAvx2};

// The cases: both tile directions (m >= n tiles rows, else columns), partial last tiles.
std::vector<Case> cases() {
  std::vector<Case> out;
  for (const bool a_col : {false, true}) {
    for (const bool b_col : {false, true}) {
      out.push_back({300, 70, 33, a_col, b_col, false, 1.0f});
      out.push_back({17, 129, 520, a_col, b_col, true, -0.5f});
    }
  }
  return out;
}

}  // namespace

TEST_CASE("gemm_cpu: every available instruction set against a double reference", "[gemm]") {
  const GemmIsa before = gemm_isa();
  for (const GemmIsa isa : kAllIsas) {
    if (!gemm_isa_available(isa)) {
      std::printf("SKIPPED gemm_cpu %s: not available on this CPU or in this build\n", gemm_isa_name(isa));
      continue;
    }
    set_gemm_isa(isa);
    REQUIRE(gemm_isa() == isa);
    for (const Case& c : cases()) {
      INFO(gemm_isa_name(isa) << " m=" << c.m << " k=" << c.k << " n=" << c.n << " a_col=" << c.a_col
                              << " b_col=" << c.b_col << " accumulate=" << c.accumulate);
      const auto a = random_values(static_cast<size_t>(c.m * c.k), 1),
                 b = random_values(static_cast<size_t>(c.k * c.n), 2);
      const auto c0 = random_values(static_cast<size_t>(c.m * c.n), 3);
      const std::vector<float> got = run(c, a, b, c0);
      const std::vector<double> want = reference(c, a, b, c0);
      double worst = 0.0;
      for (size_t e = 0; e < got.size(); ++e) worst = std::max(worst, std::fabs(got[e] - want[e]));
      // Float rounding of k products of values below 0.5 in size.
      CHECK(worst <= 1e-6 * static_cast<double>(c.k) + 1e-6);
    }
  }
  set_gemm_isa(before);
}

TEST_CASE("gemm_cpu: the same bits on one and on two threads, for each instruction set", "[gemm]") {
  const GemmIsa before = gemm_isa();
  const int threads = num_threads();
  for (const GemmIsa isa : kAllIsas) {
    if (!gemm_isa_available(isa)) continue;  // said in the case above
    set_gemm_isa(isa);
    for (const Case& c : cases()) {
      const auto a = random_values(static_cast<size_t>(c.m * c.k), 4),
                 b = random_values(static_cast<size_t>(c.k * c.n), 5);
      const auto c0 = random_values(static_cast<size_t>(c.m * c.n), 6);
      set_num_threads(1);
      const std::vector<float> one = run(c, a, b, c0);
      set_num_threads(2);
      const std::vector<float> two = run(c, a, b, c0);
      INFO(gemm_isa_name(isa) << " m=" << c.m << " n=" << c.n);
      CHECK(one == two);
    }
  }
  set_num_threads(threads);
  set_gemm_isa(before);
}

TEST_CASE("gemm_cpu: instruction-set names and errors", "[gemm]") {
  for (const GemmIsa isa : kAllIsas) REQUIRE(gemm_isa_from_name(gemm_isa_name(isa)) == isa);
  REQUIRE(gemm_isa_available(GemmIsa::kGeneric));
  try {
    gemm_isa_from_name("sse9");
    FAIL("no exception");
  } catch (const InvalidArgument& e) {
    REQUIRE(std::string(e.what()).find("'sse9'") != std::string::npos);
  }
  // The default: AVX2 where the CPU has it and the build's own flags do not.
#if defined(__AVX2__) && defined(__FMA__)
  const GemmIsa expected = GemmIsa::kGeneric;
#else
  const GemmIsa expected = gemm_isa_available(GemmIsa::kAvx2) ? GemmIsa::kAvx2 : GemmIsa::kGeneric;
#endif
  if (std::getenv("NORSE_GEMM_ISA") == nullptr) REQUIRE(gemm_isa() == expected);
}
