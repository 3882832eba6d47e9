#!/usr/bin/env bash
# Installs a built norse-cpp (libnorse.a + norse_include/ from `bazel build //:norse`) into a
# prefix, with the files that CMake and pkg-config users need. tools/install.sh builds and
# calls this; //tests:install_test calls it on the test's own build.
#
#   bash tools/install_prefix.sh FROM PREFIX [--cuda [CUDA_PATH]]
#
# FROM holds libnorse.a and norse_include/. --cuda: the archive was built with --config=cuda
# (it holds the CUDA backend): consumers then link the CUDA runtime and cuBLAS too.
#
# Layout (relocatable: the files find the prefix from their own location):
#   PREFIX/lib/libnorse.a
#   PREFIX/include/norse/...                    the public headers (-I PREFIX/include/norse;
#                                               programs #include "norse/norse.h")
#   PREFIX/lib/pkgconfig/norse.pc
#   PREFIX/lib/cmake/norse/norseConfig.cmake    imported target norse::norse
#   PREFIX/lib/cmake/norse/norseConfigVersion.cmake
set -euo pipefail

usage() {
  echo "usage: $0 FROM PREFIX [--cuda [CUDA_PATH]]" >&2
  exit 2
}
[ $# -ge 2 ] || usage
from="$1"
prefix="$2"
shift 2
with_cuda=no
cuda_path="${CUDA_PATH:-/usr/local/cuda}"
if [ $# -ge 1 ]; then
  [ "$1" = --cuda ] || usage
  with_cuda=yes
  [ $# -ge 2 ] && cuda_path="$2"
fi
[ -f "$from/libnorse.a" ] || { echo "install: no libnorse.a in '$from' (run: bazel build -c opt //:norse)" >&2; exit 1; }
[ -f "$from/norse_include/norse/version.h" ] ||
  { echo "install: no norse_include/norse/version.h in '$from'" >&2; exit 1; }

# The version: norse/version.h is the one place it is written.
version_field() {
  sed -n "s/^#define NORSE_VERSION_$1 \\([0-9][0-9]*\\)\$/\\1/p" "$from/norse_include/norse/version.h"
}
major=$(version_field MAJOR)
minor=$(version_field MINOR)
patch=$(version_field PATCH)
[ -n "$major" ] && [ -n "$minor" ] && [ -n "$patch" ] ||
  { echo "install: cannot read NORSE_VERSION_MAJOR/MINOR/PATCH from norse/version.h" >&2; exit 1; }
version="$major.$minor.$patch"

mkdir -p "$prefix/lib/pkgconfig" "$prefix/lib/cmake/norse" "$prefix/include"
prefix="$(cd "$prefix" && pwd)"
install -m 644 "$from/libnorse.a" "$prefix/lib/libnorse.a"
rm -rf "$prefix/include/norse"
mkdir -p "$prefix/include/norse"
cp -RL "$from/norse_include/." "$prefix/include/norse/"
chmod -R u+w,go+rX "$prefix/include/norse"

# pkg-config. A static archive: its dependencies go into Libs (pkg-config --libs, no --static).
if [ "$with_cuda" = yes ]; then
  # The CUDA backend registers itself from static initialisers: the whole archive is linked.
  libs="-L\${libdir} -Wl,--whole-archive -lnorse -Wl,--no-whole-archive -fopenmp -lcairo -lhdf5_serial -lpthread"
  libs="$libs -L$cuda_path/lib64 -Wl,-rpath,$cuda_path/lib64 -lcublas -lcudart"
else
  libs="-L\${libdir} -lnorse -fopenmp -lcairo -lhdf5_serial -lpthread"
fi
# MPI (data-parallel training, distributed/) when the build found it: the archive then calls MPI.
# (nm's output is read whole: grep -q stopping early would fail the pipe under pipefail.)
undefined=$(nm "$from/libnorse.a" 2>/dev/null | grep " U " || true)
with_mpi=no
if grep -q " U MPI_Init_thread\$" <<<"$undefined"; then
  with_mpi=yes
  mpi_link=$(mpicc --showme:link 2>/dev/null) ||
    { echo "install: libnorse.a uses MPI but mpicc --showme:link failed (install libopenmpi-dev)" >&2; exit 1; }
  libs="$libs $mpi_link"
fi
# NCCL (data-parallel training on cuda tensors) in a CUDA archive that holds it.
with_nccl=no
if [ "$with_cuda" = yes ] && grep -q " U ncclCommInitRank\$" <<<"$undefined"; then
  with_nccl=yes
  libs="$libs -lnccl"
fi
cat > "$prefix/lib/pkgconfig/norse.pc" <<EOF
# norse-cpp $version, installed by tools/install.sh. Relocatable: the prefix is found from this
# file's own folder. C++17 is required (GCC 11+ and clang 16+ default to it).
prefix=\${pcfiledir}/../..
libdir=\${prefix}/lib
includedir=\${prefix}/include
# yes when the library holds the CUDA backend (pkg-config --variable=cuda norse)
cuda=$with_cuda
# yes when it was built with MPI: data-parallel training across processes (--variable=mpi)
mpi=$with_mpi

Name: norse
Description: Spiking neural networks in C++17: neuron models, surrogate-gradient training, plasticity
Version: $version
Cflags: -I\${includedir}/norse
Libs: $libs
EOF

cuda_flag=FALSE
[ "$with_cuda" = yes ] && cuda_flag=TRUE
mpi_flag=FALSE
[ "$with_mpi" = yes ] && mpi_flag=TRUE
extra_links=""
# MPI's own link flags (mpicc --showme:link), not FindMPI: its C component needs a C project.
[ "$with_mpi" = yes ] && extra_links=";$(tr ' ' ';' <<<"$mpi_link")"
[ "$with_nccl" = yes ] && extra_links="$extra_links;$cuda_path/lib64/libnccl.so"
cat > "$prefix/lib/cmake/norse/norseConfig.cmake" <<EOF
# norse-cpp $version, installed by tools/install.sh.
#
#   find_package(norse REQUIRED)
#   target_link_libraries(app PRIVATE norse::norse)
#
# norse::norse carries the include folder, C++17, OpenMP, Cairo (the plots), HDF5 (NIR files),
# threads, MPI where the build found it (data-parallel training; norse_WITH_MPI) and, in a CUDA
# build, the CUDA runtime, cuBLAS and NCCL. norse_WITH_CUDA says whether it holds the CUDA backend.
cmake_minimum_required(VERSION 3.16)
get_filename_component(_norse_prefix "\${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
include(CMakeFindDependencyMacro)
find_dependency(OpenMP COMPONENTS CXX)
find_dependency(Threads)
set(norse_WITH_CUDA $cuda_flag)
set(norse_WITH_MPI $mpi_flag)
if(norse_WITH_CUDA)
  if(NOT DEFINED CUDAToolkit_ROOT)
    set(CUDAToolkit_ROOT "$cuda_path")
  endif()
  find_dependency(CUDAToolkit)
endif()

if(NOT TARGET norse::norse)
  if(norse_WITH_CUDA)
    # The CUDA backend registers itself from static initialisers: the whole archive is linked.
    add_library(norse::norse INTERFACE IMPORTED)
    set_target_properties(norse::norse PROPERTIES
      INTERFACE_LINK_LIBRARIES
        "-Wl,--whole-archive;\${_norse_prefix}/lib/libnorse.a;-Wl,--no-whole-archive;CUDA::cublas;CUDA::cudart;OpenMP::OpenMP_CXX;cairo;hdf5_serial;Threads::Threads$extra_links")
  else()
    add_library(norse::norse STATIC IMPORTED)
    set_target_properties(norse::norse PROPERTIES
      IMPORTED_LOCATION "\${_norse_prefix}/lib/libnorse.a"
      IMPORTED_LINK_INTERFACE_LANGUAGES CXX
      INTERFACE_LINK_LIBRARIES "OpenMP::OpenMP_CXX;cairo;hdf5_serial;Threads::Threads$extra_links")
  endif()
  set_target_properties(norse::norse PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "\${_norse_prefix}/include/norse"
    INTERFACE_COMPILE_FEATURES cxx_std_17)
endif()
set(norse_INCLUDE_DIR "\${_norse_prefix}/include/norse")
set(norse_LIBRARY "\${_norse_prefix}/lib/libnorse.a")
unset(_norse_prefix)
EOF

cat > "$prefix/lib/cmake/norse/norseConfigVersion.cmake" <<EOF
# norse-cpp $version. Compatible with a requested version that is not newer and has the same
# major version (for 0.x, the same minor version: 0.x releases may break the API).
set(PACKAGE_VERSION "$version")
set(PACKAGE_VERSION_COMPATIBLE FALSE)
set(PACKAGE_VERSION_EXACT FALSE)
if(NOT PACKAGE_FIND_VERSION VERSION_GREATER PACKAGE_VERSION
   AND PACKAGE_FIND_VERSION_MAJOR EQUAL $major
   AND ($major GREATER 0 OR PACKAGE_FIND_VERSION_MINOR EQUAL $minor))
  set(PACKAGE_VERSION_COMPATIBLE TRUE)
  if(PACKAGE_FIND_VERSION VERSION_EQUAL PACKAGE_VERSION)
    set(PACKAGE_VERSION_EXACT TRUE)
  endif()
endif()
# A 64-bit library.
if(NOT CMAKE_SIZEOF_VOID_P EQUAL 8)
  set(PACKAGE_VERSION "\${PACKAGE_VERSION} (64bit)")
  set(PACKAGE_VERSION_UNSUITABLE TRUE)
endif()
EOF

echo "installed norse-cpp $version (cuda: $with_cuda) into $prefix"
