#include "plasticity/correlation_sensor.h"

namespace norse {
namespace correlation {

void stdp_sensor_step(const Tensor& z_pre, const Tensor& z_post, StdpSensorState& s, const Params& p, float dt) {
  const char* op = "stdp_sensor_step";
  check_rank(op, "z_pre", 2, z_pre.shape(), "[B, N_pre]");
  check_rank(op, "z_post", 2, z_post.shape(), "[B, N_post]");
  if (!s.a_pre.defined()) s.a_pre = zeros(z_pre.shape());
  if (!s.a_post.defined()) s.a_post = zeros(z_post.shape());
  check_shape(op, "state.a_pre", z_pre.shape(), s.a_pre.shape());
  check_shape(op, "state.a_post", z_post.shape(), s.a_post.shape());
  s.a_pre = add(sub(s.a_pre, mul(s.a_pre, dt * p.tau_c_inv)), mul(z_pre, p.eta_p));
  s.a_post = add(sub(s.a_post, mul(s.a_post, dt * p.tau_c_inv)), mul(z_post, p.eta_m));
}

void correlation_sensor_step(const Tensor& z_pre, const Tensor& z_post, CorrelationSensorState& s, const Params& p,
                             float dt) {
  const char* op = "correlation_sensor_step";
  check_rank(op, "z_pre", 2, z_pre.shape(), "[B, N_pre]");
  check_rank(op, "z_post", 2, z_post.shape(), "[B, N_post]");
  NORSE_CHECK(z_pre.size(0) == z_post.size(0), ShapeError, op, "z_pre and z_post must share the batch size, got ",
              z_pre.size(0), " and ", z_post.size(0));
  const Shape shape = {z_pre.size(0), z_pre.size(1), z_post.size(1)};
  for (Tensor* t : {&s.post_pre, &s.correlation_trace, &s.anti_correlation_trace}) {
    if (!t->defined()) *t = zeros(shape);
    check_shape(op, "state", shape, t->shape());
  }
  const Tensor pre_mask = z_pre.unsqueeze(2).expand(shape);    // [b, i, j] = z_pre[b, i]
  const Tensor post_mask = z_post.unsqueeze(1).expand(shape);  // [b, i, j] = z_post[b, j]
  const Tensor c = s.correlation_trace, a = s.anti_correlation_trace, pp = s.post_pre;
  Tensor c_new = add(c, mul(mul(add(neg(pp), 1.0f), dt * p.tau_c_inv), neg(c)));
  Tensor a_new = add(a, mul(mul(pp, dt * p.tau_ac_inv), neg(a)));
  s.post_pre = heaviside(sub(add(pp, post_mask), pre_mask));
  s.correlation_trace = add(c_new, mul(pre_mask, p.eta_p));
  s.anti_correlation_trace = add(a_new, mul(post_mask, p.eta_m));
}

Tensor correlation_based_update(const Tensor& w, const CorrelationSensorState& s, float eta_plus, float eta_minus) {
  check_rank("correlation_based_update", "w", 2, w.shape(), "[N_post, N_pre]");
  const Tensor c = sum(s.correlation_trace, {0}).transpose(0, 1);  // [N_post, N_pre]
  const Tensor a = sum(s.anti_correlation_trace, {0}).transpose(0, 1);
  check_shape("correlation_based_update", "w", c.shape(), w.shape());
  return add(w, sub(mul(c, eta_plus), mul(a, eta_minus)));
}

}  // namespace correlation
}  // namespace norse
