// Matrix multiplication through the deterministic tiled GEMM (core/gemm_cpu.h), with broadcast batch dimensions, and
// concat/stack. Transposed views (e.g. w.transpose(0, 1)) are read in place as column-major matrices, so the backward
// of matmul (g @ b^T, a^T @ g) never copies its operands.
#include "core/cuda_tensor_ops.h"
#include "core/error.h"
#include "core/gemm_cpu.h"
#include "core/parallel.h"
#include "core/tensor_ops.h"

namespace norse {
namespace {

// How the trailing [rows, cols] block of a tensor is laid out in memory.
struct MatrixLayout {
  bool column_major = false;
  int64_t leading = 0;  // the outer stride
};

// Returns the layout if the block is row- or column-major (with any outer stride), else false.
bool matrix_layout(const Tensor& t, MatrixLayout* layout) {
  const int64_t rows = t.size(-2), cols = t.size(-1);
  const int64_t rs = t.strides()[t.strides().size() - 2], cs = t.strides().back();
  if ((cs == 1 || cols == 1) && (rows == 1 || rs >= cols)) {
    *layout = {false, rows == 1 ? cols : rs};
    return rows == 1 || rs > 0;
  }
  if ((rs == 1 || rows == 1) && (cols == 1 || cs >= rows)) {
    *layout = {true, cols == 1 ? rows : cs};
    return cols == 1 || cs > 0;
  }
  return false;
}

// c[M, N] (row-major, contiguous) = a[M, K] @ b[K, N] for any of the four layout combinations.
void gemm(const float* a, const MatrixLayout& la, const float* b, const MatrixLayout& lb, float* c, int64_t m,
          int64_t k, int64_t n) {
  gemm_cpu(m, k, n, 1.0f, {a, la.leading, la.column_major}, {b, lb.leading, lb.column_major}, c, n, false);
}

// Base offsets (into each operand's storage) of every batch matrix, batch in row-major order.
std::vector<int64_t> batch_offsets(const Tensor& t, const Shape& batch_shape) {
  Shape full = batch_shape;
  full.push_back(t.size(-2));
  full.push_back(t.size(-1));
  const Tensor e = t.expand(full);
  int64_t count = 1;
  for (int64_t s : batch_shape) count *= s;
  std::vector<int64_t> offsets(static_cast<size_t>(count));
  std::vector<int64_t> counter(batch_shape.size(), 0);
  for (int64_t i = 0; i < count; ++i) {
    int64_t off = e.offset();
    for (size_t d = 0; d < batch_shape.size(); ++d) off += counter[d] * e.strides()[d];
    offsets[static_cast<size_t>(i)] = off;
    for (size_t d = batch_shape.size(); d-- > 0;) {
      if (++counter[d] < batch_shape[d]) break;
      counter[d] = 0;
    }
  }
  return offsets;
}

// The cuBLAS path. A row-major `a` whose batch dimensions are laid out densely after its rows
// times an unbatched `b` (Linear over [T, B, K]) is one [batch*M, K] @ [K, N] GEMM; otherwise
// one GEMM per batch matrix.
Tensor cuda_matmul(const Tensor& a, const MatrixLayout& la, const Tensor& b, const MatrixLayout& lb, const Shape& batch,
                   const Shape& out_shape) {
  const CudaTensorOps& ops = cuda_tensor_ops("matmul");
  const int64_t m = a.size(-2), k = a.size(-1), n = b.size(-1);
  Tensor out = Tensor::empty(out_shape, Device::kCUDA);
  int64_t count = 1;
  for (int64_t s : batch) count *= s;
  if (count == 0 || m == 0 || n == 0) return out;
  if (b.dim() == 2 && a.is_contiguous()) {
    ops.gemm(a.device_data(), false, k, b.device_data(), lb.column_major, lb.leading, out.device_data(), count * m, k,
             n, 0.0f);
    return out;
  }
  const std::vector<int64_t> offs_a = batch_offsets(a, batch);
  const std::vector<int64_t> offs_b = batch_offsets(b, batch);
  const float* base_a = a.device_data() - a.offset();
  const float* base_b = b.device_data() - b.offset();
  float* c = out.device_data();
  for (int64_t i = 0; i < count; ++i) {
    ops.gemm(base_a + offs_a[static_cast<size_t>(i)], la.column_major, la.leading,
             base_b + offs_b[static_cast<size_t>(i)], lb.column_major, lb.leading, c + i * m * n, m, k, n, 0.0f);
  }
  return out;
}

}  // namespace

Tensor matmul(const Tensor& a_in, const Tensor& b_in) {
  NORSE_CHECK(a_in.defined() && b_in.defined(), InvalidArgument, "matmul", "an input is undefined");
  NORSE_CHECK(a_in.dim() >= 2, ShapeError, "matmul",
              "argument 'a' must have at least 2 dimensions [..., M, K], got shape ", shape_to_string(a_in.shape()));
  NORSE_CHECK(b_in.dim() >= 2, ShapeError, "matmul",
              "argument 'b' must have at least 2 dimensions [..., K, N], got shape ", shape_to_string(b_in.shape()));
  NORSE_CHECK(a_in.size(-1) == b_in.size(-2), ShapeError, "matmul", "argument 'b' must have size ", a_in.size(-1),
              " in dimension -2 (= a.size(-1)), got shapes a ", shape_to_string(a_in.shape()), " and b ",
              shape_to_string(b_in.shape()));
  NORSE_CHECK(a_in.device() == b_in.device(), DeviceError, "matmul", "inputs are on different devices");
  // Row- or column-major blocks are read in place; anything else is copied once.
  MatrixLayout la, lb;
  Tensor a = a_in, b = b_in;
  if (!matrix_layout(a, &la)) {
    a = a_in.contiguous();
    matrix_layout(a, &la);
  }
  if (!matrix_layout(b, &lb)) {
    b = b_in.contiguous();
    matrix_layout(b, &lb);
  }
  const int64_t m = a.size(-2), k = a.size(-1), n = b.size(-1);
  const Shape batch = broadcast_shapes("matmul", Shape(a.shape().begin(), a.shape().end() - 2),
                                       Shape(b.shape().begin(), b.shape().end() - 2));
  Shape out_shape = batch;
  out_shape.push_back(m);
  out_shape.push_back(n);
  if (a.device() == Device::kCUDA) return cuda_matmul(a, la, b, lb, batch, out_shape);
  Tensor out = Tensor::empty(out_shape);
  const std::vector<int64_t> offs_a = batch_offsets(a, batch);
  const std::vector<int64_t> offs_b = batch_offsets(b, batch);
  const float* base_a = a.data() - a.offset();
  const float* base_b = b.data() - b.offset();
  float* c = out.data();
  const int64_t count = static_cast<int64_t>(offs_a.size());
  auto one = [&](int64_t i) {
    gemm(base_a + offs_a[static_cast<size_t>(i)], la, base_b + offs_b[static_cast<size_t>(i)], lb, c + i * m * n, m, k,
         n);
  };
  if (count >= num_threads() && count > 1) {
    // Many matrices: whole matrices per thread (each GEMM's tiles then run in that thread).
    parallel_for(count, 1, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) one(i);
    });
  } else {
    for (int64_t i = 0; i < count; ++i) one(i);  // each GEMM spreads its tiles over the threads
  }
  return out;
}

// --- concat / stack ----------------------------------------------------------------------------

Tensor concat(const std::vector<Tensor>& tensors, int64_t dim) {
  NORSE_CHECK(!tensors.empty(), InvalidArgument, "concat", "argument 'tensors' is empty");
  const Tensor& first = tensors[0];
  NORSE_CHECK(first.dim() > 0, ShapeError, "concat", "cannot concatenate scalars (use stack)");
  const size_t d = static_cast<size_t>(wrap_dim("concat", dim, first.dim()));
  Shape out_shape = first.shape();
  out_shape[d] = 0;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const Tensor& t = tensors[i];
    NORSE_CHECK(t.defined(), InvalidArgument, "concat", "tensor ", i, " is undefined");
    bool ok = t.dim() == first.dim();
    for (size_t j = 0; ok && j < t.shape().size(); ++j) {
      ok = j == d || t.shape()[j] == first.shape()[j];
    }
    NORSE_CHECK(ok, ShapeError, "concat", "tensor ", i, " has shape ", shape_to_string(t.shape()), ", expected ",
                shape_to_string(first.shape()), " in every dimension but ", d);
    NORSE_CHECK(t.device() == first.device(), DeviceError, "concat", "tensor ", i, " is on ", device_name(t.device()),
                ", tensor 0 on ", device_name(first.device()));
    out_shape[d] += t.shape()[d];
  }
  Tensor out = Tensor::empty(out_shape, first.device());
  int64_t at = 0;
  for (const Tensor& t : tensors) {
    const int64_t n = t.shape()[d];
    Tensor part = out.slice(static_cast<int64_t>(d), at, at + n);
    part.copy_(t);
    at += n;
  }
  return out;
}

Tensor stack(const std::vector<Tensor>& tensors, int64_t dim) {
  NORSE_CHECK(!tensors.empty(), InvalidArgument, "stack", "argument 'tensors' is empty");
  const int64_t d = wrap_dim("stack", dim, tensors[0].dim() + 1);
  std::vector<Tensor> expanded;
  expanded.reserve(tensors.size());
  for (size_t i = 0; i < tensors.size(); ++i) {
    NORSE_CHECK(tensors[i].defined() && tensors[i].shape() == tensors[0].shape(), ShapeError, "stack", "tensor ", i,
                " has shape ", tensors[i].defined() ? shape_to_string(tensors[i].shape()) : "undefined", ", expected ",
                shape_to_string(tensors[0].shape()), " (all tensors must match)");
    expanded.push_back(tensors[i].unsqueeze(d));
  }
  return concat(expanded, d);
}

}  // namespace norse
