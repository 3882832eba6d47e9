#!/usr/bin/env bash
# Builds norse-cpp as a release static library and installs it into a prefix for CMake and
# pkg-config users (layout and files: tools/install_prefix.sh).
#
#   bash tools/install.sh PREFIX            # the CPU library
#   bash tools/install.sh PREFIX --cuda     # with the CUDA backend (needs nvcc; --config=cuda)
#
# Then: CMake find_package(norse) with -DCMAKE_PREFIX_PATH=PREFIX, or
#       PKG_CONFIG_PATH=PREFIX/lib/pkgconfig pkg-config --cflags --libs norse.
set -euo pipefail
[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: $0 PREFIX [--cuda]" >&2; exit 2; }
prefix="$1"
cuda=()
if [ $# -eq 2 ]; then
  [ "$2" = --cuda ] || { echo "usage: $0 PREFIX [--cuda]" >&2; exit 2; }
  cuda=(--cuda)
fi
case "$prefix" in /*) ;; *) prefix="$PWD/$prefix" ;; esac
cd "$(dirname "$0")/.."
config=()
[ ${#cuda[@]} -gt 0 ] && config=(--config=cuda)
bazel build -c opt ${config[@]+"${config[@]}"} //:norse
# bazel-bin is this build's output folder (-c opt, with or without cuda).
out="$(bazel info -c opt ${config[@]+"${config[@]}"} bazel-bin 2>/dev/null)"
bash tools/install_prefix.sh "$out" "$prefix" ${cuda[@]+"${cuda[@]}"}
