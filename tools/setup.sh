#!/usr/bin/env bash
# Installs every Debian package that building and testing norse-cpp needs. Idempotent: when all
# are installed it only asks dpkg (a fraction of a second) and changes nothing.
set -euo pipefail

packages=(
  bazel-bootstrap    # Bazel 4.2.3, works offline
  bazel-rules-java   # @rules_java for Bazel 4.2.3 (local_repository in WORKSPACE)
  bazel-platforms    # @platforms
  g++                # the C++17 compiler (GCC 12 on Debian 12)
  make               # builds examples/embed outside Bazel
  cmake              # builds examples/cmake against an installed prefix (//tests:install_test)
  pkg-config         # examples/embed finds the installed library with it
  libeigen3-dev      # Eigen 3.4: GEMM and vectorised element-wise math
  catch2             # Catch2 2.13: the test framework
  nlohmann-json3-dev # JSON: conformance fixtures, checkpoint headers
  libcli11-dev       # CLI11: command-line flags of the tasks
  zlib1g-dev         # gzip-compressed MNIST IDX files
  libcairo2-dev      # Cairo: the plot module draws PNG and SVG pictures with it
  libhdf5-dev        # HDF5: NIR graph files (nir/)
  libopenmpi-dev     # Open MPI: data-parallel training across processes (distributed/)
  openmpi-bin        # mpirun: the data-parallel tests run two ranks with it
  clang              # clang 14: builds the libFuzzer targets (tools/fuzz.sh)
  libclang-rt-14-dev # libFuzzer and clang's sanitizer runtimes
  clang-format       # clang-format 14: the layout check (tools/format.sh --check)
)

installed=$(dpkg-query -W -f='${Package} ${Status}\n' "${packages[@]}" 2>/dev/null | awk '$NF == "installed" {print $1}' || true)
missing=()
for p in "${packages[@]}"; do
  grep -qx "$p" <<<"$installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: run as root (or install sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo=sudo
fi
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"
