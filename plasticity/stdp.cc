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
// A_plus(w) and A_minus(w) from the weights before the update.
std::pair<Tensor, Tensor> weight_dependence(const Tensor& w, const Params& p) {
  const Tensor headroom = add(neg(w), p.w_max);  // w_max - w
  const Tensor footroom = add(w, -p.w_min);      // w - w_min
  switch (p.algorithm) {
    case Algorithm::kAdditive:
      return {full(w.shape(), p.eta_plus), full(w.shape(), p.eta_minus)};
    case Algorithm::kAdditiveStep:
      return {mul(heaviside(headroom), p.eta_plus), mul(heaviside(footroom), p.eta_minus)};
    case Algorithm::kMultiplicativePow:
      return {mul(pow(headroom, p.mu), p.eta_plus), mul(pow(footroom, p.mu), p.eta_minus)};
    case Algorithm::kMultiplicativeRelu:
      return {mul(relu(headroom), p.eta_plus), mul(relu(footroom), p.eta_minus)};
  }
  throw InvalidArgument("stdp: invalid Algorithm value");
}

void update_traces(const char* op, const Tensor& z_pre, const Tensor& z_post, State& state, const Params& p, float dt);

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
  update_traces(op, z_pre, z_post, state, p, dt);

  const auto [a_plus, a_minus] = weight_dependence(w, p);
  // sum_b z_post (x) t_pre = z_post^T @ t_pre; sum_b t_post (x) z_pre = t_post^T @ z_pre.
  const Tensor dw_plus = mul(a_plus, matmul(z_post.transpose(0, 1), state.t_pre));
  const Tensor dw_minus = mul(a_minus, matmul(state.t_post.transpose(0, 1), z_pre));
  Tensor updated = add(w, sub(dw_plus, dw_minus));
  if (p.hardbound) updated = clamp(updated, p.w_min, p.w_max);
  return updated;
}

namespace {
void update_traces(const char* op, const Tensor& z_pre, const Tensor& z_post, State& state, const Params& p, float dt) {
  NORSE_CHECK(std::isfinite(dt) && dt > 0.0f, InvalidArgument, op, "argument 'dt' must be finite and > 0, got ", dt);
  if (!state.t_pre.defined()) state.t_pre = zeros(z_pre.shape());
  if (!state.t_post.defined()) state.t_post = zeros(z_post.shape());
  check_shape(op, "state.t_pre", z_pre.shape(), state.t_pre.shape());
  check_shape(op, "state.t_post", z_post.shape(), state.t_post.shape());
  state.t_pre = update_trace(state.t_pre, z_pre, p.a_pre, p.tau_pre_inv, dt);
  state.t_post = update_trace(state.t_post, z_post, p.a_post, p.tau_post_inv, dt);
}
}  // namespace

Tensor stdp_step_conv2d(const Tensor& z_pre, const Tensor& z_post, const Tensor& w, State& state, const Params& p,
                        const Conv2dGeometry& g, float dt) {
  const char* op = "stdp_step_conv2d";
  check_rank(op, "z_pre", 4, z_pre.shape(), "[B, C_in, H, W]");
  check_rank(op, "z_post", 4, z_post.shape(), "[B, C_out, Ho, Wo]");
  check_rank(op, "w", 4, w.shape(), "[C_out, C_in, kh, kw]");
  const int64_t b = z_pre.size(0), c_out = w.size(0);
  NORSE_CHECK(z_post.size(0) == b && z_post.size(1) == c_out && w.size(1) == z_pre.size(1), ShapeError, op,
              "shapes do not fit a convolution: z_pre ", shape_to_string(z_pre.shape()), ", z_post ",
              shape_to_string(z_post.shape()), ", w ", shape_to_string(w.shape()));
  update_traces(op, z_pre, z_post, state, p, dt);
  const Tensor t_pre_cols = unfold2d(state.t_pre, w.size(2), w.size(3), g.stride, g.padding, g.dilation);  // [B, K, L]
  const Tensor z_pre_cols = unfold2d(z_pre, w.size(2), w.size(3), g.stride, g.padding, g.dilation);
  const int64_t l = t_pre_cols.size(2);
  NORSE_CHECK(z_post.size(2) * z_post.size(3) == l, ShapeError, op, "z_post has ", z_post.size(2) * z_post.size(3),
              " positions per channel, the unfolded input ", l);
  const Tensor post = z_post.reshape({b, c_out, l}), trace_post = state.t_post.reshape({b, c_out, l});
  // sum_b z_post[b] @ unfold(t_pre)[b]^T and sum_b t_post[b] @ unfold(z_pre)[b]^T: [C_out, K].
  const Tensor corr_plus = sum(matmul(post, t_pre_cols.transpose(1, 2)), {0}).reshape(w.shape());
  const Tensor corr_minus = sum(matmul(trace_post, z_pre_cols.transpose(1, 2)), {0}).reshape(w.shape());
  const auto [a_plus, a_minus] = weight_dependence(w, p);
  Tensor updated = add(w, sub(mul(a_plus, corr_plus), mul(a_minus, corr_minus)));
  if (p.hardbound) updated = clamp(updated, p.w_min, p.w_max);
  return updated;
}

}  // namespace stdp
}  // namespace norse
