#!/usr/bin/env bash
# Installs this build (//:norse) into a temporary prefix with tools/install_prefix.sh, the step
# tools/install.sh runs after its build, then builds and runs the two consumers as a user would:
#   pkg-config  examples/embed  (make, pkg-config --cflags --libs norse)
#   cmake       examples/cmake  (find_package(norse 0.2 REQUIRED), norse::norse)
# plus: the installed norseConfigVersion.cmake refuses a newer major version, and the prefix
# still works after it is moved (the files find it from their own location). A consumer whose
# tool is missing is reported SKIPPED with the reason, never passed.
set -uo pipefail
runfiles="${TEST_SRCDIR}/${TEST_WORKSPACE}"
work="${TEST_TMPDIR}/install"
rm -rf "$work"
mkdir -p "$work/from"
ln -s "$runfiles/libnorse.a" "$work/from/libnorse.a"
ln -s "$runfiles/norse_include" "$work/from/norse_include"
passed=0 failed=0 skipped=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }
skip() { echo "SKIPPED $1"; skipped=$((skipped + 1)); }
finish() {
  echo "NORSE_TEST_SUMMARY passed=$passed failed=$failed skipped=$skipped"
  [ "$failed" -eq 0 ]
  exit
}
# Sanitized archive (--config=asan): the consumers compile and link with the same sanitizers.
flags="${NORSE_EMBED_FLAGS:-}"

prefix="$work/prefix"
cuda=()
[ "${1:-}" = --cuda ] && cuda=(--cuda)
if bash "$runfiles/tools/install_prefix.sh" "$work/from" "$prefix" ${cuda[@]+"${cuda[@]}"}; then
  pass "install into a prefix"
else
  fail "install into a prefix"
  finish
fi
for f in lib/libnorse.a include/norse/norse/norse.h include/norse/norse/version.h lib/pkgconfig/norse.pc \
         lib/cmake/norse/norseConfig.cmake lib/cmake/norse/norseConfigVersion.cmake; do
  [ -f "$prefix/$f" ] || { fail "installed file $f missing"; finish; }
done
want_cuda=no
[ ${#cuda[@]} -gt 0 ] && want_cuda=yes
[ "$(sed -n 's/^cuda=//p' "$prefix/lib/pkgconfig/norse.pc")" = "$want_cuda" ] &&
  grep -q "set(norse_WITH_CUDA $([ $want_cuda = yes ] && echo TRUE || echo FALSE))" "$prefix/lib/cmake/norse/norseConfig.cmake" &&
  pass "the install says whether it holds the CUDA backend (cuda=$want_cuda)" || fail "the CUDA flag of the install"
# No Eigen for consumers: no installed header includes it.
if grep -rlq "include <Eigen\|include \"Eigen" "$prefix/include"; then
  fail "an installed header includes Eigen: $(grep -rl 'include <Eigen' "$prefix/include" | head -3)"
else
  pass "installed headers need no Eigen"
fi

build_embed() {  # $1: prefix
  rm -rf "$work/embed"
  mkdir -p "$work/embed"
  cp "$runfiles/examples/embed/Makefile" "$runfiles/examples/embed/main.cc" "$work/embed/"
  PKG_CONFIG_PATH="$1/lib/pkgconfig" make -s -C "$work/embed" BUILD_DIR="$work/embed/build" EXTRA_FLAGS="$flags" &&
    "$work/embed/build/embed_example" | tee "$work/embed/out.txt" && grep -q "embed example OK" "$work/embed/out.txt"
}

build_cmake() {  # $1: prefix, $2: source folder
  rm -rf "$work/cmake-build"
  cmake -S "$2" -B "$work/cmake-build" -DCMAKE_PREFIX_PATH="$1" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" > "$work/cmake-configure.log" 2>&1 ||
    { cat "$work/cmake-configure.log"; return 1; }
  cmake --build "$work/cmake-build" > "$work/cmake-build.log" 2>&1 || { cat "$work/cmake-build.log"; return 1; }
}

if ! command -v pkg-config > /dev/null || ! command -v make > /dev/null; then
  skip "pkg-config consumer (examples/embed): pkg-config or make not found"
else
  [ "$(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --modversion norse)" = \
    "$(sed -n 's/^#define NORSE_VERSION_STRING "\(.*\)"$/\1/p' "$prefix/include/norse/norse/version.h")" ] &&
    pass "pkg-config --modversion norse is norse/version.h's" || fail "pkg-config --modversion norse"
  build_embed "$prefix" && pass "pkg-config consumer (examples/embed) builds and runs" ||
    fail "pkg-config consumer (examples/embed)"
fi

if ! command -v cmake > /dev/null; then
  skip "CMake consumer (examples/cmake): cmake not found"
else
  mkdir -p "$work/cmake-src"
  cp "$runfiles/examples/cmake/CMakeLists.txt" "$runfiles/examples/cmake/main.cc" "$work/cmake-src/"
  if build_cmake "$prefix" "$work/cmake-src" && "$work/cmake-build/train_snn" "$work/loss.png" | tee "$work/cmake-out.txt" &&
     grep -q "cmake example OK" "$work/cmake-out.txt" && [ "$(head -c 4 "$work/loss.png" | tail -c 3)" = PNG ]; then
    pass "CMake consumer (examples/cmake, find_package(norse 0.2), norse::norse) builds, runs and plots"
  else
    fail "CMake consumer (examples/cmake)"
  fi
  # A request for a newer major version must be refused by norseConfigVersion.cmake.
  mkdir -p "$work/cmake-newer"
  sed 's/find_package(norse 0.2 REQUIRED)/find_package(norse 9.0 REQUIRED)/' "$work/cmake-src/CMakeLists.txt" \
    > "$work/cmake-newer/CMakeLists.txt"
  cp "$work/cmake-src/main.cc" "$work/cmake-newer/"
  if build_cmake "$prefix" "$work/cmake-newer" > /dev/null 2>&1; then
    fail "find_package(norse 9.0) accepted version $(cat "$prefix/lib/cmake/norse/norseConfigVersion.cmake" | grep -m1 PACKAGE_VERSION)"
  elif grep -q "norseConfig.cmake, version: " "$work/cmake-configure.log"; then  # found, not accepted
    pass "find_package(norse 9.0) is refused"
  else
    cat "$work/cmake-configure.log"
    fail "find_package(norse 9.0) failed for another reason"
  fi
fi

# Relocatable: move the prefix and build both consumers again from the new place.
mv "$prefix" "$work/moved"
ok=1
if command -v pkg-config > /dev/null && command -v make > /dev/null; then build_embed "$work/moved" > /dev/null || ok=0; fi
if command -v cmake > /dev/null; then
  build_cmake "$work/moved" "$work/cmake-src" && "$work/cmake-build/train_snn" > /dev/null || ok=0
fi
[ $ok -eq 1 ] && pass "the installed prefix works after it is moved" || fail "the moved prefix"
finish
