// Reductions (sum, mean, max, sum_to) and softmax / log_softmax.
//
// Sums accumulate in double over a fixed order (fixed-size blocks, then the blocks in order),
// so results are bitwise identical for any thread count and accurate for long reductions.
#include <algorithm>
#include <cmath>
#include <limits>

#include "core/cuda_tensor_ops.h"
#include "core/error.h"
#include "core/parallel.h"
#include "core/tensor_ops.h"
#include "core/tensor_ops_device.h"

namespace norse {
namespace {

constexpr int64_t kSumBlock = 8192;  // elements per partial sum in sum(x)

// Sizes of the dimensions before `dim`, at `dim`, and after it, for a tensor of `shape`.
struct OuterDimInner {
  int64_t outer = 1, size = 1, inner = 1;
};
OuterDimInner split_at(const Shape& shape, size_t dim) {
  OuterDimInner s;
  for (size_t i = 0; i < dim; ++i) s.outer *= shape[i];
  s.size = shape[dim];
  for (size_t i = dim + 1; i < shape.size(); ++i) s.inner *= shape[i];
  return s;
}

// Sorted, wrapped, de-duplicated reduction dims; empty `dims` means all.
std::vector<int64_t> normalise_dims(const char* op, const std::vector<int64_t>& dims, int64_t rank) {
  std::vector<int64_t> out;
  if (dims.empty()) {
    for (int64_t d = 0; d < rank; ++d) out.push_back(d);
    return out;
  }
  for (int64_t d : dims) out.push_back(wrap_dim(op, d, rank));
  std::sort(out.begin(), out.end());
  NORSE_CHECK(std::adjacent_find(out.begin(), out.end()) == out.end(), ShapeError, op,
              "argument 'dims' repeats a dimension");
  return out;
}

// Reduces [0, n) in fixed blocks of kSumBlock elements, block(lo, hi) -> Acc for each, in
// parallel, and adds the block results in block order: the same bits on any thread count.
template <class Acc, class Block>
Acc reduce_blocks(int64_t n, Block&& block) {
  const int64_t blocks = (n + kSumBlock - 1) / kSumBlock;
  std::vector<Acc> partial(static_cast<size_t>(blocks), Acc{});
  parallel_for(blocks, 4, [&](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b)
      partial[static_cast<size_t>(b)] = block(b * kSumBlock, std::min(n, (b + 1) * kSumBlock));
  });
  Acc total{};
  for (const Acc& v : partial) total += v;
  return total;
}

}  // namespace

Tensor sum(const Tensor& x) {
  NORSE_CHECK(x.defined(), InvalidArgument, "sum", "the input tensor is undefined");
  if (x.device() == Device::kCUDA) {
    const Tensor in = x.contiguous();
    if (in.numel() == 0) return zeros({}, Device::kCUDA);
    Tensor out = Tensor::empty({}, Device::kCUDA);  // written by the kernel: no fill launch
    cuda_tensor_ops("sum").sum_all(in.device_data(), in.numel(), out.device_data());
    return out;
  }
  const Tensor in = x.contiguous();
  const float* p = in.data();
  const double total = reduce_blocks<double>(in.numel(), [p](int64_t lo, int64_t hi) {
    double acc = 0.0;
    for (int64_t i = lo; i < hi; ++i) acc += p[i];
    return acc;
  });
  return scalar_tensor(static_cast<float>(total));
}

int64_t count_nonzero(const Tensor& x) {
  NORSE_CHECK(x.defined(), InvalidArgument, "count_nonzero", "the input tensor is undefined");
  if (x.device() == Device::kCUDA) {
    return x.numel() - static_cast<int64_t>(sum(eq(x, zeros(x.shape(), Device::kCUDA))).item());
  }
  const Tensor in = x.contiguous();
  const float* p = in.data();
  return reduce_blocks<int64_t>(in.numel(), [p](int64_t lo, int64_t hi) {
    int64_t count = 0;
    for (int64_t i = lo; i < hi; ++i) count += p[i] != 0.0f;
    return count;
  });
}

Tensor sum(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim) {
  const int64_t rank = x.dim();
  const std::vector<int64_t> reduced = normalise_dims("sum", dims, rank);
  std::vector<bool> is_reduced(static_cast<size_t>(rank), false);
  for (int64_t d : reduced) is_reduced[static_cast<size_t>(d)] = true;
  Shape kept_shape, out_shape;
  std::vector<int64_t> order;  // kept dims first, then reduced
  int64_t rows = 1, cols = 1;  // rows: kept elements, cols: reduced elements per kept element
  for (int64_t d = 0; d < rank; ++d) {
    const int64_t s = x.shape()[static_cast<size_t>(d)];
    if (is_reduced[static_cast<size_t>(d)]) {
      cols *= s;
      if (keepdim) out_shape.push_back(1);
    } else {
      order.push_back(d);
      kept_shape.push_back(s);
      out_shape.push_back(s);
      rows *= s;
    }
  }
  for (int64_t d : reduced) order.push_back(d);
  if (x.device() == Device::kCUDA) {
    if (rows == 0 || cols == 0) return zeros(out_shape, Device::kCUDA);  // an empty reduction sums to 0
    Tensor out = Tensor::empty(out_shape, Device::kCUDA);                // every element written by the kernel
    const CudaTensorOps& ops = cuda_tensor_ops("sum");
    bool leading = x.is_contiguous();
    for (size_t i = 0; i < reduced.size(); ++i) leading = leading && reduced[i] == static_cast<int64_t>(i);
    if (leading) {
      ops.sum_columns(x.device_data(), cols, rows, out.device_data());  // x is [cols (reduced), rows (kept)]
    } else {
      const Tensor arranged = x.permute(order).contiguous();
      ops.sum_rows(arranged.device_data(), rows, cols, out.device_data());
    }
    return out;
  }
  Tensor out = Tensor::empty(out_shape);
  float* dst = out.data();
  if (rows == 0) return out;

  // Leading dims reduced on a contiguous tensor: column sums without a transposed copy.
  bool leading = x.is_contiguous();
  for (size_t i = 0; i < reduced.size(); ++i) leading = leading && reduced[i] == static_cast<int64_t>(i);
  if (leading) {
    const float* src = x.data();
    parallel_for(rows, 256, [&](int64_t begin, int64_t end) {
      std::vector<double> acc(static_cast<size_t>(end - begin), 0.0);
      for (int64_t r = 0; r < cols; ++r) {
        const float* line = src + r * rows;
        for (int64_t c = begin; c < end; ++c) acc[static_cast<size_t>(c - begin)] += line[c];
      }
      for (int64_t c = begin; c < end; ++c) dst[c] = static_cast<float>(acc[static_cast<size_t>(c - begin)]);
    });
    return out;
  }
  // The kept dims one block between reduced ones on a contiguous tensor, x viewed as
  // [outer, rows, inner] (a conv bias gradient: [N, C, H, W] summed over N, H, W): summed in
  // place, in the order the permuted copy below would take (outer-major, then inner), so the
  // result is the same to the bit without copying x.
  int64_t first_kept = rank, last_kept = -1;
  for (int64_t d = 0; d < rank; ++d) {
    if (!is_reduced[static_cast<size_t>(d)]) {
      first_kept = std::min(first_kept, d);
      last_kept = d;
    }
  }
  bool middle_block = x.is_contiguous() && last_kept >= 0;
  for (int64_t d = first_kept; middle_block && d <= last_kept; ++d) middle_block = !is_reduced[static_cast<size_t>(d)];
  if (middle_block) {
    int64_t outer = 1, inner = 1;
    for (int64_t d = 0; d < first_kept; ++d) outer *= x.shape()[static_cast<size_t>(d)];
    for (int64_t d = last_kept + 1; d < rank; ++d) inner *= x.shape()[static_cast<size_t>(d)];
    const float* src = x.data();
    parallel_for(rows, std::max<int64_t>(1, 16384 / std::max<int64_t>(cols, 1)), [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) {
        double acc = 0.0;
        for (int64_t o = 0; o < outer; ++o) {
          const float* line = src + (o * rows + r) * inner;
          for (int64_t i = 0; i < inner; ++i) acc += line[i];
        }
        dst[r] = static_cast<float>(acc);
      }
    });
    return out;
  }
  const Tensor arranged = x.permute(order).contiguous();
  const float* src = arranged.data();
  parallel_for(rows, std::max<int64_t>(1, 16384 / std::max<int64_t>(cols, 1)), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      double acc = 0.0;
      const float* line = src + r * cols;
      for (int64_t c = 0; c < cols; ++c) acc += line[c];
      dst[r] = static_cast<float>(acc);
    }
  });
  return out;
}

Tensor mean(const Tensor& x) {
  NORSE_CHECK(x.numel() > 0, ShapeError, "mean", "the mean of an empty tensor is undefined (shape ",
              shape_to_string(x.shape()), ")");
  if (x.device() == Device::kCUDA) return mul(sum(x), 1.0f / static_cast<float>(x.numel()));
  return scalar_tensor(sum(x).item() / static_cast<float>(x.numel()));
}

Tensor mean(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim) {
  const std::vector<int64_t> reduced = normalise_dims("mean", dims, x.dim());
  int64_t count = 1;
  for (int64_t d : reduced) count *= x.shape()[static_cast<size_t>(d)];
  NORSE_CHECK(count > 0, ShapeError, "mean", "cannot average over an empty dimension (shape ",
              shape_to_string(x.shape()), ")");
  return mul(sum(x, reduced, keepdim), 1.0f / static_cast<float>(count));
}

MaxResult max(const Tensor& x, int64_t dim, bool keepdim) {
  NORSE_CHECK(x.dim() > 0, ShapeError, "max", "argument 'x' must have at least 1 dimension, got a scalar");
  const size_t d = static_cast<size_t>(wrap_dim("max", dim, x.dim()));
  NORSE_CHECK(x.shape()[d] > 0, ShapeError, "max", "dimension ", d, " is empty (shape ", shape_to_string(x.shape()),
              ")");
  const Tensor in = x.contiguous();
  const OuterDimInner s = split_at(in.shape(), d);
  Shape out_shape = in.shape();
  if (keepdim) {
    out_shape[d] = 1;
  } else {
    out_shape.erase(out_shape.begin() + static_cast<int64_t>(d));
  }
  if (in.device() == Device::kCUDA) {
    MaxResult r{Tensor::empty(out_shape, Device::kCUDA), Tensor::empty(out_shape, Device::kCUDA)};
    cuda_tensor_ops("max").max_dim(in.device_data(), s.outer, s.size, s.inner, r.values.device_data(),
                                   r.indices.device_data());
    return r;
  }
  MaxResult r{Tensor::empty(out_shape), Tensor::empty(out_shape)};
  const float* src = in.data();
  float* values = r.values.data();
  float* indices = r.indices.data();
  // The same per-column function as the CUDA kernel (core/tensor_ops_device.h).
  parallel_for(s.outer * s.inner, 4096, [&](int64_t begin, int64_t end) {
    for (int64_t k = begin; k < end; ++k) device_math::max_dim_at(src, s.size, s.inner, k, values + k, indices + k);
  });
  return r;
}

Tensor sum_to(const Tensor& x, const Shape& shape) {
  if (x.shape() == shape) return x;
  NORSE_CHECK(shape.size() <= x.shape().size(), ShapeError, "sum_to", "cannot reduce shape ",
              shape_to_string(x.shape()), " to the larger rank of ", shape_to_string(shape));
  const size_t lead = x.shape().size() - shape.size();
  std::vector<int64_t> dims;
  for (size_t i = 0; i < x.shape().size(); ++i) {
    if (i < lead) {
      dims.push_back(static_cast<int64_t>(i));
    } else if (shape[i - lead] == 1 && x.shape()[i] != 1) {
      dims.push_back(static_cast<int64_t>(i));
    } else {
      NORSE_CHECK(shape[i - lead] == x.shape()[i], ShapeError, "sum_to", "shape ", shape_to_string(shape),
                  " does not broadcast to ", shape_to_string(x.shape()));
    }
  }
  if (dims.empty()) return x.reshape(shape);
  return sum(x, dims, /*keepdim=*/true).reshape(shape);
}

// --- softmax ----------------------------------------------------------------------------------

namespace {

template <bool kLog>
Tensor softmax_impl(const char* op, const Tensor& x, int64_t dim) {
  NORSE_CHECK(x.dim() > 0, ShapeError, op, "argument 'x' must have at least 1 dimension, got a scalar");
  const size_t d = static_cast<size_t>(wrap_dim(op, dim, x.dim()));
  const Tensor in = x.contiguous();
  const OuterDimInner s = split_at(in.shape(), d);
  if (in.device() == Device::kCUDA) {
    Tensor out = Tensor::empty(in.shape(), Device::kCUDA);
    cuda_tensor_ops(op).softmax_dim(in.device_data(), s.outer, s.size, s.inner, kLog, out.device_data());
    return out;
  }
  Tensor out = Tensor::empty(in.shape());
  const float* src = in.data();
  float* dst = out.data();
  // The same per-column function as the CUDA kernel (core/tensor_ops_device.h).
  parallel_for(s.outer * s.inner, 1024, [&](int64_t begin, int64_t end) {
    for (int64_t k = begin; k < end; ++k) device_math::softmax_column(src, s.size, s.inner, kLog, k, dst);
  });
  return out;
}

}  // namespace

Tensor softmax(const Tensor& x, int64_t dim) { return softmax_impl<false>("softmax", x, dim); }
Tensor log_softmax(const Tensor& x, int64_t dim) { return softmax_impl<true>("log_softmax", x, dim); }

}  // namespace norse
