// NumPy .npy files (format versions 1-3, https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
// the arrays `bazel run //tasks:nir -- run` reads and writes, so that inputs and outputs move to and
// from Python with np.load / np.save.
//
// Reading accepts little-endian float32, float64, bool, int8-64 and uint8-64 arrays in C order and
// converts them to float32 (float64 and integers above 2^24 are rounded); Fortran order, big-endian
// data, object arrays and a header or data that does not match the file's size throw IoError naming
// the file and what is wrong. Writing always writes float32, version 1.0.
#ifndef NORSE_CORE_NPY_H_
#define NORSE_CORE_NPY_H_

#include <string>

#include "core/tensor.h"

namespace norse {

Tensor load_npy(const std::string& path);
void save_npy(const std::string& path, const Tensor& tensor);

}  // namespace norse

#endif  // NORSE_CORE_NPY_H_
