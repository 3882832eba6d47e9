// A dense 2-D transpose of row-major floats: Tensor::copy_ of transposed views (a Linear
// layer's weight gradient arrives as one) and the event kernels' channels-last layouts.
#ifndef NORSE_CORE_TRANSPOSE_H_
#define NORSE_CORE_TRANSPOSE_H_

#include <cstdint>

namespace norse {

// dst [cols, rows] = src [rows, cols] transposed, in cache-sized tiles of register blocks (in
// parallel unless the matrix is small or the call comes from inside a parallel loop).
void transpose_matrix(const float* src, int64_t rows, int64_t cols, float* dst);

}  // namespace norse

#endif  // NORSE_CORE_TRANSPOSE_H_
