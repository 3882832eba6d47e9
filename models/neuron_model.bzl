"""A neuron model's library: <name>.h and <name>.cc over the generic functions of neuron_spec."""

load("//tools:build_defs.bzl", "NORSE_COPTS")

def neuron_model(name, kernel, deps = []):
    """One model (or its recurrent flavours): the kernel library its step lives in, and deps."""
    native.cc_library(
        name = name,
        srcs = [name + ".cc"],
        hdrs = [name + ".h"],
        copts = NORSE_COPTS,
        deps = deps + [
            ":neuron_spec",
            "//core",
            "//kernels:" + kernel,
            "//kernels:surrogate",
        ],
    )
