"""The models layer's libraries: one .h/.cc pair each, or a neuron model over neuron_spec."""

load("//tools:build_defs.bzl", "NORSE_COPTS")

def models_library(name, deps, srcs = None, hdrs = None, visibility = None):
    """A library <name>.h + <name>.cc (or the srcs and hdrs given; srcs = [] for header-only)."""
    native.cc_library(
        name = name,
        srcs = [name + ".cc"] if srcs == None else srcs,
        hdrs = [name + ".h"] if hdrs == None else hdrs,
        copts = NORSE_COPTS,
        visibility = visibility,
        deps = deps,
    )

def neuron_model(name, kernel, deps = []):
    """One model in all its flavours: the kernel library its step lives in, and deps."""
    models_library(
        name = name,
        deps = deps + [
            ":neuron_spec",
            "//core",
            "//kernels:" + kernel,
            "//kernels:surrogate",
        ],
    )
