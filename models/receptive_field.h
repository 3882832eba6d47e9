// Norse's spatial receptive fields (norse/torch/functional/receptive_field.py, after Lindeberg,
// "Normative theory of visual receptive fields", 2021): a [size, size] anisotropic Gaussian
// kernel, differentiable in scale, angle, ratio and centre (x, y).
//   C = covariance(ratio, 1/ratio, angle) * scale, with
//       covariance(s1, s2, phi) = [[s1^2 cos^2 + s2^2 sin^2, (s1^2 - s2^2) cos sin],
//                                  [(s1^2 - s2^2) cos sin,   s1^2 sin^2 + s2^2 cos^2]]
//   k[i, j] = exp(-q^T C^-1 q / 2) / (2 pi sqrt(det C)),  q = (a_j - x, a_i - y),
//       a = linspace(-domain, domain, size) (row index = y, column index = x)
//   k = k / sum(k); then dx and dy directional derivatives (central differences, one-sided at
//   the border, as torch.gradient), each along angle (dx) or angle + pi/2 (dy) and scaled by
//   scale (Lindeberg's gamma-normalisation with gamma = 1).
#ifndef NORSE_MODELS_RECEPTIVE_FIELD_H_
#define NORSE_MODELS_RECEPTIVE_FIELD_H_

#include "core/core.h"

namespace norse {
namespace receptive_field {

// scale, angle, ratio, x, y: scalar Variables (shape []), trainable if marked.
Variable spatial_receptive_field(const Variable& scale, const Variable& angle, const Variable& ratio, const Variable& x,
                                 const Variable& y, int64_t size, int64_t dx = 0, int64_t dy = 0, float domain = 10.0f);

}  // namespace receptive_field
}  // namespace norse

#endif  // NORSE_MODELS_RECEPTIVE_FIELD_H_
