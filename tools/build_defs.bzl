"""Compiler and linker flags for every norse-cpp target, in one place (abseil's copts style).

Optimisation level and -march live in .bazelrc configs, not here: these are the flags that
every build needs whatever its configuration.
"""

NORSE_COPTS = [
    "-Wall",
    "-Wextra",
    # A new enumerator without its case in a `switch` must fail to build (STYLE.md section 3).
    "-Werror=switch",
    "-Werror=return-type",
    # OpenMP threads parallel_for and Eigen's GEMM.
    "-fopenmp",
    # Lets the compiler if-convert (and so vectorise) the spike/reset arithmetic of the neuron
    # loops: it may evaluate both sides of a branch because no floating-point operation traps.
    # Results are bit-identical (unlike -ffast-math, which is forbidden: it folds NaN checks);
    # norse-cpp never enables FP exceptions. Measured: LIF fused forward 0.71 -> see
    # docs/benchmarks.md (the loop was scalar without it).
    "-fno-trapping-math",
]

NORSE_LINKOPTS = [
    "-fopenmp",
]

NORSE_TEST_COPTS = NORSE_COPTS + [
    # Catch2 2.13's macros trigger this under -Wextra.
    "-Wno-unused-parameter",
]

def norse_cc_test(name, srcs, deps = [], size = "small", **kwargs):
    """A Catch2 test binary with norse-cpp's main (passed / failed / skipped counting)."""
    native.cc_test(
        name = name,
        srcs = srcs,
        size = size,
        copts = NORSE_TEST_COPTS,
        linkopts = NORSE_LINKOPTS,
        deps = deps + [
            "//tests/testing:catch_main",
            "@catch2",
        ],
        **kwargs
    )

# The CPU paths (core/cpu_features.h) a test runs: as the CPU has them, without AVX-512 (the
# AVX2 forms) and without either (the portable loops), each a test of its own.
NORSE_CPU_PATHS = {
    "": {},
    "_no_avx512": {"NORSE_CPU_AVX512": "0"},
    "_portable": {"NORSE_CPU_AVX2": "0", "NORSE_CPU_AVX512": "0"},
}

def norse_cc_test_cpu_paths(name, srcs, deps = [], size = "small", **kwargs):
    """norse_cc_test once per CPU path (name, name_no_avx512, name_portable); compiled once."""
    native.cc_library(
        name = name + "_cases",
        testonly = True,
        srcs = srcs,
        copts = NORSE_TEST_COPTS,
        deps = deps + ["@catch2"],
        alwayslink = True,
    )
    for suffix, env in NORSE_CPU_PATHS.items():
        norse_cc_test(name = name + suffix, srcs = [], deps = [":" + name + "_cases"], size = size, env = env, **kwargs)
