// Spike-timing-dependent plasticity (Norse's norse/torch/functional/stdp.py, dense weights).
//
// Per step, traces first, then the weights with the NEW traces:
//   t_pre  += dt tau_pre_inv  (a_pre  z_pre  - t_pre)
//   t_post += dt tau_post_inv (a_post z_post - t_post)
//   w += A_plus(w) * sum_b z_post (x) t_pre  -  A_minus(w) * sum_b t_post (x) z_pre
//   w  = clamp(w, w_min, w_max)                                    (if hardbound)
// Weight dependence (Gerstner et al., Neuronal Dynamics, sec. 19.2; Norse's names):
//   additive             A_plus = eta_plus,                 A_minus = eta_minus
//   additive_step        A_plus = eta_plus [w_max - w > 0], A_minus = eta_minus [w - w_min > 0]
//   multiplicative_pow   A_plus = eta_plus (w_max - w)^mu,  A_minus = eta_minus (w - w_min)^mu
//   multiplicative_relu  A_plus = eta_plus relu(w_max - w), A_minus = eta_minus relu(w - w_min)
// Layouts: z_pre [B, N_pre], z_post [B, N_post], w [N_post, N_pre] (entry [post, pre]).
// Plain tensors: local learning rules have no gradients.
#ifndef NORSE_PLASTICITY_STDP_H_
#define NORSE_PLASTICITY_STDP_H_

#include <string>

#include "core/core.h"

namespace norse {
namespace stdp {

enum class Algorithm { kAdditive, kAdditiveStep, kMultiplicativePow, kMultiplicativeRelu };

// "additive", "additive_step", "multiplicative_pow", "multiplicative_relu"; anything else
// throws InvalidArgument listing them.
Algorithm parse_algorithm(const std::string& name);

// Norse's STDPParameters defaults.
struct Params {
  float a_pre = 1.0f, a_post = 1.0f;
  float tau_pre_inv = 1.0f / 50e-3f, tau_post_inv = 1.0f / 50e-3f;
  float w_min = 0.0f, w_max = 1.0f;
  float eta_plus = 1e-3f, eta_minus = 1e-3f;
  Algorithm algorithm = Algorithm::kAdditive;
  float mu = 0.0f;
  bool hardbound = true;
};

struct State {
  Tensor t_pre;   // [B, N_pre]
  Tensor t_post;  // [B, N_post]
};

// One step; returns the new weights and updates `state` (zeros when its tensors are undefined).
Tensor stdp_step_linear(const Tensor& z_pre, const Tensor& z_post, const Tensor& w, State& state, const Params& p = {},
                        float dt = 1e-3f);

struct Conv2dGeometry {
  int64_t stride = 1, padding = 0, dilation = 1;
};

// The convolutional form (Norse's stdp_step_conv2d): z_pre [B, C_in, H, W], z_post
// [B, C_out, Ho, Wo], w [C_out, C_in, kh, kw]; the pre-synaptic activity and trace are unfolded
// with the convolution's stride, padding and dilation, so that every kernel weight sees the
// input positions it connects.
Tensor stdp_step_conv2d(const Tensor& z_pre, const Tensor& z_post, const Tensor& w, State& state, const Params& p = {},
                        const Conv2dGeometry& geometry = {}, float dt = 1e-3f);

}  // namespace stdp
}  // namespace norse

#endif  // NORSE_PLASTICITY_STDP_H_
