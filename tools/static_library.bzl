"""norse_static_library: one self-contained static archive plus its public headers.

Bazel 4.2 has no cc_static_library: a cc_library's own .a holds only its own objects. This rule
collects the archives of every norse-cpp library in `deps` (transitively; external
repositories are header-only and skipped) and merges them with the toolchain's `ar` into
lib<name>.a. It also copies the workspace's public headers into <name>_include/, so that an
embedding project needs only those two outputs:

    g++ -std=c++17 -I bazel-bin/norse_include app.cc bazel-bin/libnorse.a -fopenmp
"""

load("@bazel_tools//tools/cpp:toolchain_utils.bzl", "find_cpp_toolchain")

def _norse_static_library_impl(ctx):
    cc_toolchain = find_cpp_toolchain(ctx)
    archives = []
    headers = []
    for dep in ctx.attr.deps:
        info = dep[CcInfo]
        for linker_input in info.linking_context.linker_inputs.to_list():
            if linker_input.owner.workspace_name != "":
                continue
            for lib in linker_input.libraries:
                archive = lib.pic_static_library or lib.static_library
                if archive and archive not in archives:
                    archives.append(archive)
        for header in info.compilation_context.headers.to_list():
            if header.owner.workspace_name == "" and header.is_source and header not in headers:
                headers.append(header)

    out = ctx.actions.declare_file("lib%s.a" % ctx.label.name)
    mri = ["create " + out.path]
    for archive in archives:
        mri.append("addlib " + archive.path)
    mri += ["save", "end"]
    ctx.actions.run_shell(
        inputs = archives,
        outputs = [out],
        tools = cc_toolchain.all_files,
        command = "printf '%%s\\n' %s | %s -M" % (
            " ".join(["'%s'" % line for line in mri]),
            cc_toolchain.ar_executable,
        ),
        mnemonic = "NorseStaticLibrary",
        progress_message = "Merging %d archives into %s" % (len(archives), out.short_path),
    )

    include_dir = ctx.actions.declare_directory("%s_include" % ctx.label.name)
    ctx.actions.run_shell(
        inputs = headers,
        outputs = [include_dir],
        command = "\n".join([
            "mkdir -p {dir}/$(dirname {h}) && cp {src} {dir}/{h}".format(
                dir = include_dir.path,
                h = header.short_path,
                src = header.path,
            )
            for header in headers
        ]),
        mnemonic = "NorseHeaders",
        progress_message = "Collecting %d public headers" % len(headers),
    )
    return [DefaultInfo(
        files = depset([out, include_dir]),
        runfiles = ctx.runfiles(files = [out, include_dir]),
    )]

norse_static_library = rule(
    implementation = _norse_static_library_impl,
    attrs = {
        "deps": attr.label_list(providers = [CcInfo]),
        "_cc_toolchain": attr.label(default = Label("@bazel_tools//tools/cpp:current_cc_toolchain")),
    },
    toolchains = ["@bazel_tools//tools/cpp:toolchain_type"],
    incompatible_use_toolchain_transition = True,
)
