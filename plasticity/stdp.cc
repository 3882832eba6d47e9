#include "plasticity/stdp.h"

#include <cmath>

namespace norse {
namespace stdp {

Algorithm parse_algorithm(const std::string& name) {
  if (name == "additive") return Algorithm::kAdditive;
  if (name == "additive_step") return Algorithm::kAdditiveStep;
  if (name == "multiplicative_pow") return Algorithm::kMultiplicativePow;
  if (name == "multiplicative_relu") return Algorithm::kMultiplicativeRelu;
  throw InvalidArgument(str_cat("stdp: unknown stdp_algorithm '", name,
                                "'; valid: additive, additive_step, multiplicative_pow, multiplicative_relu"));
}

namespace {
// t += dt tau_inv (a z - t)
Tensor update_trace(const Tensor& t, const Tensor& z, float a, float tau_inv, float dt) {
  return add(t, mul(sub(mul(z, a), t), dt * tau_inv));
}
}  // namespace

Tensor stdp_step_linear(const Tensor& z_pre, const Tensor& z_post, const Tensor& w, State& state, const Params& p,
                        float dt) {
  const char* op = "stdp_step_linear";
  check_rank(op, "z_pre", 2, z_pre.shape(), "[B, N_pre]");
  check_rank(op, "z_post", 2, z_post.shape(), "[B, N_post]");
  check_shape(op, "w", {z_post.size(1), z_pre.size(1)}, w.shape());
  NORSE_CHECK(z_pre.size(0) == z_post.size(0), ShapeError, op, "z_pre and z_post must share the batch size, got ",
              z_pre.size(0), " and ", z_post.size(0));
  NORSE_CHECK(std::isfinite(dt) && dt > 0.0f, InvalidArgument, op, "argument 'dt' must be finite and > 0, got ", dt);
  if (!state.t_pre.defined()) state.t_pre = zeros(z_pre.shape());
  if (!state.t_post.defined()) state.t_post = zeros(z_post.shape());
  check_shape(op, "state.t_pre", z_pre.shape(), state.t_pre.shape());
  check_shape(op, "state.t_post", z_post.shape(), state.t_post.shape());
  state.t_pre = update_trace(state.t_pre, z_pre, p.a_pre, p.tau_pre_inv, dt);
  state.t_post = update_trace(state.t_post, z_post, p.a_post, p.tau_post_inv, dt);

  // A_plus(w) and A_minus(w) from the weights before the update.
  Tensor a_plus, a_minus;
  const Tensor headroom = add(neg(w), p.w_max);  // w_max - w
  const Tensor footroom = add(w, -p.w_min);      // w - w_min
  switch (p.algorithm) {
    case Algorithm::kAdditive:
      a_plus = full(w.shape(), p.eta_plus);
      a_minus = full(w.shape(), p.eta_minus);
      break;
    case Algorithm::kAdditiveStep:
      a_plus = mul(heaviside(headroom), p.eta_plus);
      a_minus = mul(heaviside(footroom), p.eta_minus);
      break;
    case Algorithm::kMultiplicativePow:
      a_plus = mul(pow(headroom, p.mu), p.eta_plus);
      a_minus = mul(pow(footroom, p.mu), p.eta_minus);
      break;
    case Algorithm::kMultiplicativeRelu:
      a_plus = mul(relu(headroom), p.eta_plus);
      a_minus = mul(relu(footroom), p.eta_minus);
      break;
  }
  // sum_b z_post (x) t_pre = z_post^T @ t_pre; sum_b t_post (x) z_pre = t_post^T @ z_pre.
  const Tensor dw_plus = mul(a_plus, matmul(z_post.transpose(0, 1), state.t_pre));
  const Tensor dw_minus = mul(a_minus, matmul(state.t_post.transpose(0, 1), z_pre));
  Tensor updated = add(w, sub(dw_plus, dw_minus));
  if (p.hardbound) updated = clamp(updated, p.w_min, p.w_max);
  return updated;
}

}  // namespace stdp
}  // namespace norse
