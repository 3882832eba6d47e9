#pragma once

// What the CPU this process runs on can execute, asked once per process. Code built for the
// portable baseline compiles its wider paths with __attribute__((target(...))) and takes them
// only where these say so.
namespace norse {

// AVX-512F (and an operating system that saves its registers).
inline bool cpu_has_avx512() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  static const bool available = __builtin_cpu_supports("avx512f");
  return available;
#else
  return false;
#endif
}

// AVX2 with FMA (the GEMM's avx2 kernels).
inline bool cpu_has_avx2_fma() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  static const bool available = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return available;
#else
  return false;
#endif
}

}  // namespace norse
