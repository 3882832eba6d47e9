#include "models/receptive_field.h"

#include <cmath>

namespace norse {
namespace receptive_field {
namespace {

constexpr float kPi = 3.14159265358979f;

// torch.gradient along `dim` with unit spacing: one-sided at the ends, central inside.
Variable finite_gradient(const Variable& k, int64_t dim) {
  const int64_t n = k.size(dim);
  NORSE_CHECK(n >= 2, ShapeError, "spatial_receptive_field", "derivatives need size >= 2, got ", n);
  std::vector<Variable> parts;
  parts.push_back(slice(k, dim, 1, 2) - slice(k, dim, 0, 1));
  if (n > 2) parts.push_back(mul(slice(k, dim, 2, n) - slice(k, dim, 0, n - 2), 0.5f));
  parts.push_back(slice(k, dim, n - 1, n) - slice(k, dim, n - 2, n - 1));
  return concat(parts, dim);
}

// Norse's derive_kernel: the derivative along `angle`.
Variable derive_kernel(const Variable& k, const Variable& angle) {
  return cos(angle) * finite_gradient(k, 1) + sin(angle) * finite_gradient(k, 0);
}

}  // namespace

Variable spatial_receptive_field(const Variable& scale, const Variable& angle, const Variable& ratio, const Variable& x,
                                 const Variable& y, int64_t size, int64_t dx, int64_t dy, float domain) {
  const char* op = "spatial_receptive_field";
  for (const Variable* v : {&scale, &angle, &ratio, &x, &y}) {
    NORSE_CHECK(v->defined() && v->numel() == 1, ShapeError, op, "scale, angle, ratio, x and y must be scalars");
  }
  NORSE_CHECK(size >= 1 && dx >= 0 && dy >= 0, InvalidArgument, op, "size must be >= 1 and derivatives >= 0, got size ",
              size, ", dx ", dx, ", dy ", dy);
  // Covariance (ratio, 1/ratio, angle) * scale.
  const Variable l1 = ratio * ratio, inv = 1.0f / ratio, l2 = inv * inv;
  const Variable c = cos(angle), s = sin(angle);
  const Variable cxx = (l1 * c * c + l2 * s * s) * scale;
  const Variable cxy = ((l1 - l2) * c * s) * scale;
  const Variable cyy = (l1 * s * s + l2 * c * c) * scale;
  const Variable det = cxx * cyy - cxy * cxy;
  // Inverse of the symmetric 2x2 matrix.
  const Variable i00 = cyy / det, i01 = neg(cxy) / det, i11 = cxx / det;
  const Tensor a =
      size == 1
          ? full({1}, -domain)
          : add(mul(arange(0.0f, static_cast<float>(size)), 2.0f * domain / static_cast<float>(size - 1)), -domain);
  const Variable xs = Variable(a.reshape({1, size}).expand({size, size}).contiguous()) - x;  // column index = x
  const Variable ys = Variable(a.reshape({size, 1}).expand({size, size}).contiguous()) - y;  // row index = y
  const Variable quad = i00 * xs * xs + mul(i01 * xs * ys, 2.0f) + i11 * ys * ys;
  const Variable fraction = 1.0f / (mul(sqrt(det), 2.0f * kPi));
  Variable k = fraction * exp(mul(quad, -0.5f));
  k = k / sum(k);
  const Variable right_angle(scalar_tensor(kPi / 2.0f));
  while (dx > 0 || dy > 0) {
    if (dx > 0) {
      k = derive_kernel(k, angle) * scale;
      --dx;
    }
    if (dy > 0) {
      k = derive_kernel(k, angle + right_angle) * scale;
      --dy;
    }
  }
  return k;
}

}  // namespace receptive_field
}  // namespace norse
