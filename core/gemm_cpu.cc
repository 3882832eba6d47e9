#include "core/gemm_cpu.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <string>

#include "core/cpu_features.h"
#include "core/error.h"
#include "core/gemm_tile.h"
#include "core/parallel.h"

namespace norse {
namespace {

constexpr int kIsaUnset = -1;
std::atomic<int> g_pinned_isa{kIsaUnset};

// A build whose own flags include AVX2 (--config=native on such a CPU) has the wider generic one.
GemmIsa default_isa() {
#if defined(__AVX2__) && defined(__FMA__)
  return GemmIsa::kGeneric;
#else
  return gemm_isa_available(GemmIsa::kAvx2) ? GemmIsa::kAvx2 : GemmIsa::kGeneric;
#endif
}

GemmIsa isa_from_environment() {
  const char* value = std::getenv("NORSE_GEMM_ISA");
  if (value == nullptr || *value == '\0') return default_isa();
  const GemmIsa isa = gemm_isa_from_name(value);
  NORSE_CHECK(gemm_isa_available(isa), InvalidArgument, "gemm_cpu", "NORSE_GEMM_ISA=", value,
              " is not available on this CPU or in this build");
  return isa;
}

detail::GemmTileFn tile_function(GemmIsa isa) {
  switch (isa) {
    case GemmIsa::kGeneric:
      return detail::gemm_tile_generic;
#if defined(__x86_64__)
    case GemmIsa::kAvx2:
      return detail::gemm_tile_avx2;
#else
    case GemmIsa::kAvx2:
      break;
#endif
  }
  return detail::gemm_tile_generic;  // not reached: gemm_isa() only returns available ones
}

// Element (r, c) of an operand.
const float* at(const GemmOperand& x, int64_t r, int64_t c) {
  return x.column_major ? x.data + c * x.outer_stride + r : x.data + r * x.outer_stride + c;
}

}  // namespace

const char* gemm_isa_name(GemmIsa isa) {
  switch (isa) {
    case GemmIsa::kGeneric:
      return "generic";
    case GemmIsa::kAvx2:
      return "avx2";
  }
  return "unknown";
}

GemmIsa gemm_isa_from_name(const std::string& name) {
  for (const GemmIsa isa : {GemmIsa::kGeneric, GemmIsa::kAvx2}) {
    if (name == gemm_isa_name(isa)) return isa;
  }
  throw InvalidArgument(str_cat("gemm_isa: the instruction set must be generic or avx2, got '", name, "'"));
}

bool gemm_isa_available(GemmIsa isa) {
  switch (isa) {
    case GemmIsa::kGeneric:
      return true;
    case GemmIsa::kAvx2:
      return cpu_has_avx2_fma();
  }
  return false;
}

GemmIsa gemm_isa() {
  const int pinned = g_pinned_isa.load();
  if (pinned != kIsaUnset) return static_cast<GemmIsa>(pinned);
  const GemmIsa chosen = isa_from_environment();  // throws on a bad NORSE_GEMM_ISA, every call
  int expected = kIsaUnset;
  g_pinned_isa.compare_exchange_strong(expected, static_cast<int>(chosen));
  return static_cast<GemmIsa>(g_pinned_isa.load());
}

void set_gemm_isa(GemmIsa isa) {
  NORSE_CHECK(gemm_isa_available(isa), InvalidArgument, "set_gemm_isa", "instruction set ", gemm_isa_name(isa),
              " is not available on this CPU or in this build");
  g_pinned_isa.store(static_cast<int>(isa));
}

void gemm_cpu(int64_t m, int64_t k, int64_t n, float alpha, const GemmOperand& a, const GemmOperand& b, float* c,
              int64_t ldc, bool accumulate) {
  if (m <= 0 || n <= 0) return;
  if (k == 0) {
    if (!accumulate) {
      for (int64_t r = 0; r < m; ++r) std::fill(c + r * ldc, c + r * ldc + n, 0.0f);
    }
    return;
  }
  const detail::GemmTileFn tile = tile_function(gemm_isa());  // before the threads: it may throw
  const bool by_rows = !gemm_cpu_tiles_columns(m, n);
  const int64_t length = by_rows ? m : n;
  const int64_t tiles = (length + kGemmTile - 1) / kGemmTile;
  parallel_for(tiles, 1, [&](int64_t begin, int64_t end) {
    for (int64_t t = begin; t < end; ++t) {
      const int64_t lo = t * kGemmTile, hi = std::min(length, lo + kGemmTile);
      // One tile: rows [lo, hi) of C, or its columns [lo, hi).
      const int64_t r0 = by_rows ? lo : 0, r1 = by_rows ? hi : m;
      const int64_t c0 = by_rows ? 0 : lo, c1 = by_rows ? n : hi;
      const GemmOperand ta{at(a, r0, 0), a.outer_stride, a.column_major};
      const GemmOperand tb{at(b, 0, c0), b.outer_stride, b.column_major};
      tile(r1 - r0, k, c1 - c0, alpha, ta, tb, c + r0 * ldc + c0, ldc, accumulate);
    }
  });
}

void gemm_cpu_tile(int64_t m, int64_t k, int64_t n, float alpha, const GemmOperand& a, const GemmOperand& b, float* c,
                   int64_t ldc, bool accumulate) {
  if (m <= 0 || n <= 0) return;
  NORSE_CHECK(k >= 1, InvalidArgument, "gemm_cpu_tile", "argument 'k' must be >= 1, got ", k);
  tile_function(gemm_isa())(m, k, n, alpha, a, b, c, ldc, accumulate);
}

}  // namespace norse
