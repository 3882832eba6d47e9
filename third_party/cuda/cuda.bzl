"""norse_cuda_library: CUDA sources compiled by nvcc, wrapped as a cc_library.

Bazel 4.2 has no CUDA rules and rules_cuda cannot be fetched offline, so nvcc runs in a genrule
and its objects are archived into a static library that a cc_library links. The targets exist
only under --config=cuda: elsewhere they are incompatible and `bazel build //...` skips them,
so a machine without CUDA builds and tests the CPU library unchanged.

NVCC flags (one place, one comment each):
"""

load("@local_cuda//:defs.bzl", "CUDA_FOUND", "NVCC")

NVCC_FLAGS = [
    "-std=c++17",
    "-O3",
    # Host objects go into shared test binaries too.
    "-Xcompiler=-fPIC",
    # Same warnings as the host build for the host half.
    "-Xcompiler=-Wall",
    # Ampere (A100) and Hopper (H100/H200) machine code, plus PTX for newer GPUs to JIT.
    "-gencode=arch=compute_80,code=sm_80",
    "-gencode=arch=compute_90,code=sm_90",
    "-gencode=arch=compute_90,code=compute_90",
    # No fused multiply-add contraction: the device then rounds every step of the neuron math
    # exactly as the CPU build does, so the GPU reproduces the CPU's spikes bit for bit.
    "-fmad=false",
    # std::-style constexpr helpers and lambdas in device code.
    "--expt-relaxed-constexpr",
    "--extended-lambda",
]

# Skips a target unless --config=cuda is given.
CUDA_ONLY = select({
    "//third_party/cuda:enabled": [],
    "//conditions:default": ["@platforms//:incompatible"],
})

# Everything a program needs to run the tape on the GPU (tensor math, fused neuron loops, Adam):
# added to a binary's deps, it is linked under --config=cuda and absent otherwise.
CUDA_BACKEND_DEPS = select({
    "//third_party/cuda:enabled": [
        "//core:cuda_runtime",
        "//core:cuda_tensor_ops",
        "//kernels:adam_cuda",
        "//kernels:neuron_cuda",
        "//kernels:recurrent_cuda",
    ],
    "//conditions:default": [],
})

# NCCL for data-parallel training on cuda tensors (//distributed:nccl): for programs that train
# across ranks (the tasks, //:norse_lib), linked under --config=cuda.
DISTRIBUTED_CUDA_DEPS = select({
    "//third_party/cuda:enabled": ["//distributed:nccl"],
    "//conditions:default": [],
})

def norse_cuda_library(name, cu_srcs, hdrs = [], cu_deps = [], deps = [], **kwargs):
    """cu_srcs: .cu files; cu_deps: header files (labels) the .cu files include."""
    # ".lo": Bazel's suffix for an always-linked static library, so static links take the whole
    # archive (its start-up registrations with the core and models have no other reference).
    archive = name + "_nvcc.lo"
    if CUDA_FOUND:
        compile = " && ".join([
            "{nvcc} {flags} -I. -I$(GENDIR) -c $(location {src}) -o $(@D)/{name}_{i}.o".format(
                nvcc = NVCC,
                flags = " ".join(NVCC_FLAGS),
                src = src,
                name = name,
                i = i,
            )
            for i, src in enumerate(cu_srcs)
        ])
        objects = " ".join(["$(@D)/%s_%d.o" % (name, i) for i in range(len(cu_srcs))])
        cmd = compile + " && ar rcs $@ " + objects
    else:
        cmd = "echo 'norse-cpp: nvcc not found (set CUDA_PATH or install the CUDA toolkit); " + \
              "cannot build %s' >&2; exit 1" % name
    native.genrule(
        name = name + "_nvcc",
        srcs = cu_srcs + hdrs + cu_deps,
        outs = [archive],
        cmd = cmd,
        target_compatible_with = CUDA_ONLY,
        message = "nvcc %s" % name,
    )
    native.cc_library(
        name = name,
        srcs = [archive],
        hdrs = hdrs,
        deps = deps + ["@local_cuda//:cuda_runtime"],
        target_compatible_with = CUDA_ONLY,
        alwayslink = True,
        **kwargs
    )
