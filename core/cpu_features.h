#pragma once

// What the CPU this process runs on can execute, asked once per process. Code built for the
// portable baseline compiles its wider paths with __attribute__((target(...))) and takes them
// only where these say so.
//
// NORSE_CPU_AVX512=0 and NORSE_CPU_AVX2=0 turn a path off (1 or unset: the CPU decides), so the
// narrower paths are tested on a wide CPU and a benchmark measures what a CPU without the
// instructions runs. Any other value throws InvalidArgument.
#include <cstdlib>
#include <cstring>

#include "core/error.h"

namespace norse {
namespace detail {

// Whether the environment leaves the path guarded by `variable` on.
inline bool cpu_feature_allowed(const char* variable) {
  const char* value = std::getenv(variable);
  if (value == nullptr || *value == '\0' || std::strcmp(value, "1") == 0) return true;
  NORSE_CHECK(std::strcmp(value, "0") == 0, InvalidArgument, "cpu_features", variable,
              " must be 0 (off) or 1 (as the CPU has it), got '", value, "'");
  return false;
}

}  // namespace detail

// AVX-512F (and an operating system that saves its registers).
inline bool cpu_has_avx512() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  static const bool available = __builtin_cpu_supports("avx512f") && detail::cpu_feature_allowed("NORSE_CPU_AVX512");
  return available;
#else
  return false;
#endif
}

// AVX2 with FMA (the GEMM's avx2 kernels, the conv and pool rows' AVX2 forms).
inline bool cpu_has_avx2_fma() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  static const bool available =
      __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && detail::cpu_feature_allowed("NORSE_CPU_AVX2");
  return available;
#else
  return false;
#endif
}

}  // namespace norse
