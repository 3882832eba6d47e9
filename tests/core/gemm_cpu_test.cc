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

TEST_CASE("gemm_cpu_tile: each of gemm_cpu's column tiles, bit for bit", "[gemm]") {
  // C [40, 700]: three column tiles (256, 256, 188), each recomputed alone into its own buffer.
  const int64_t m = 40, k = 30, n = 700;
  const std::vector<float> a = random_values(static_cast<size_t>(m * k), 11),
                           b = random_values(static_cast<size_t>(k * n), 12);
  REQUIRE(gemm_cpu_tiles_columns(m, n));
  std::vector<float> whole(static_cast<size_t>(m * n));
  gemm_cpu(m, k, n, 0.5f, {a.data(), k, false}, {b.data(), n, false}, whole.data(), n, false);
  for (int64_t lo = 0; lo < n; lo += kGemmTile) {
    const int64_t w = std::min(kGemmTile, n - lo);
    std::vector<float> tile(static_cast<size_t>(m * w));
    gemm_cpu_tile(m, k, w, 0.5f, {a.data(), k, false}, {b.data() + lo, n, false}, tile.data(), w, false);
    int64_t differ = 0;
    for (int64_t r = 0; r < m; ++r) {
      for (int64_t c = 0; c < w; ++c)
        differ += tile[static_cast<size_t>(r * w + c)] != whole[static_cast<size_t>(r * n + lo + c)];
    }
    CAPTURE(lo);
    REQUIRE(differ == 0);
  }
  REQUIRE_THROWS_AS(gemm_cpu_tile(2, 0, 2, 1.0f, {a.data(), 1, false}, {b.data(), 2, false}, whole.data(), 2, false),
                    InvalidArgument);
}

TEST_CASE("conv2d_grad_input is gemm_cpu's W^T grad_output added in tap order, bit for bit", "[gemm][conv]") {
  // The input gradient cuts the product into gemm_cpu's column tiles and adds each into the image
  // at once when a tile holds whole samples; otherwise it writes the whole product first. Both
  // must equal the product of the whole chunk followed by col2im's additions in the order (i, j).
  struct Case {
    const char* name;
    int64_t batch, channels, size, out_channels, kernel, stride, padding;
  };
  const Case cases[] = {
      {"ConvNet4's conv2: tiles of 4 samples, a ragged last tile", 13, 32, 12, 64, 5, 1, 0},
      {"plane 16 with padding: one tile of 5 samples", 5, 4, 6, 3, 3, 1, 1},
      {"stride 2: plane 16", 9, 3, 8, 5, 2, 2, 0},
      // The tiles' planes gathered a row at a time (rows <= 16 wide, AVX-512 builds): channels
      // in groups of 4 and a rest, taps off the plane's edges on both sides.
      {"6 channels, padding 1: plane 64", 13, 6, 8, 5, 3, 1, 1},
      {"padding 2, beyond the kernel's half: plane 64", 9, 5, 6, 3, 3, 1, 2},
      {"plane 49 (does not divide a tile): the whole product", 3, 2, 9, 4, 3, 1, 0},
      {"one sample, patch > columns: row tiles", 1, 32, 12, 64, 5, 1, 0},
  };
  for (const Case& t : cases) {
    CAPTURE(t.name);
    const int64_t out = (t.size + 2 * t.padding - t.kernel) / t.stride + 1, plane = out * out;
    const int64_t patch = t.channels * t.kernel * t.kernel, width = t.batch * plane;
    const std::vector<float> wv = random_values(static_cast<size_t>(t.out_channels * patch), 21);
    const std::vector<float> gv = random_values(static_cast<size_t>(t.batch * t.out_channels * plane), 22);
    const Tensor weight = from_vector(wv, {t.out_channels, t.channels, t.kernel, t.kernel});
    const Tensor grad_output = from_vector(gv, {t.batch, t.out_channels, out, out});
    const Tensor got =
        conv2d_grad_input(grad_output, weight, {t.batch, t.channels, t.size, t.size}, {t.stride, t.padding});
    // gm [O, width], cols [patch, width] = W^T gm, then every tap of every plane in order.
    std::vector<float> gm(static_cast<size_t>(t.out_channels * width)), cols(static_cast<size_t>(patch * width));
    for (int64_t s = 0; s < t.batch; ++s) {
      for (int64_t o = 0; o < t.out_channels; ++o) {
        for (int64_t p = 0; p < plane; ++p)
          gm[static_cast<size_t>(o * width + s * plane + p)] =
              gv[static_cast<size_t>((s * t.out_channels + o) * plane + p)];
      }
    }
    gemm_cpu(patch, t.out_channels, width, 1.0f, {wv.data(), patch, true}, {gm.data(), width, false}, cols.data(),
             width, false);
    std::vector<float> want(static_cast<size_t>(t.batch * t.channels * t.size * t.size), 0.0f);
    for (int64_t s = 0; s < t.batch; ++s) {
      for (int64_t c = 0; c < t.channels; ++c) {
        for (int64_t i = 0; i < t.kernel; ++i) {
          for (int64_t j = 0; j < t.kernel; ++j) {
            for (int64_t oy = 0; oy < out; ++oy) {
              for (int64_t ox = 0; ox < out; ++ox) {
                const int64_t y = oy * t.stride - t.padding + i, x = ox * t.stride - t.padding + j;
                if (y < 0 || y >= t.size || x < 0 || x >= t.size) continue;
                want[static_cast<size_t>(((s * t.channels + c) * t.size + y) * t.size + x)] +=
                    cols[static_cast<size_t>(((c * t.kernel + i) * t.kernel + j) * width + s * plane + oy * out + ox)];
              }
            }
          }
        }
      }
    }
    int64_t differ = 0;
    for (size_t e = 0; e < want.size(); ++e) differ += got.data()[e] != want[e];
    REQUIRE(differ == 0);
  }
}
