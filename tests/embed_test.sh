#!/usr/bin/env bash
# Builds examples/embed with plain make + g++ against //:norse (libnorse.a + norse_include/)
# and runs it, so embedding cannot silently break.
set -euo pipefail
runfiles="${TEST_SRCDIR}/${TEST_WORKSPACE}"
work="${TEST_TMPDIR}/embed"
mkdir -p "${work}/norse"
cp "${runfiles}/examples/embed/Makefile" "${runfiles}/examples/embed/main.cc" "${work}/"
ln -s "${runfiles}/libnorse.a" "${work}/norse/libnorse.a"
ln -s "${runfiles}/norse_include" "${work}/norse/norse_include"
make -C "${work}" NORSE="${work}/norse" BUILD_DIR="${work}/build" EXTRA_FLAGS="${NORSE_EMBED_FLAGS:-}"
"${work}/build/embed_example"
