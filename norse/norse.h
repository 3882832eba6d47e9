// norse-cpp's umbrella header: everything an embedding program needs.
//
//   #include "norse/norse.h"
//
// Build against the outputs of `bazel build //:norse`:
//   g++ -std=c++17 -I bazel-bin/norse_include app.cc bazel-bin/libnorse.a -fopenmp
#ifndef NORSE_NORSE_H_
#define NORSE_NORSE_H_

#include "core/core.h"
#include "kernels/lif_math.h"

#endif  // NORSE_NORSE_H_
