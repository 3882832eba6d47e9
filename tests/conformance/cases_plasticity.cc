// Conformance handlers: STDP on dense weights and Tsodyks-Markram (issue 5).
#include "plasticity/correlation_sensor.h"
#include "plasticity/stdp.h"
#include "plasticity/tsodyks_markram.h"
#include "tests/conformance/runner.h"

namespace norse {
namespace conformance {
namespace {

Outputs stdp_case(CaseContext& c) {
  const Fixture& f = c.fixture();
  stdp::Params p;
  p.a_pre = f.number("a_pre");
  p.a_post = f.number("a_post");
  p.tau_pre_inv = f.number("tau_pre_inv");
  p.tau_post_inv = f.number("tau_post_inv");
  p.w_min = f.number("w_min");
  p.w_max = f.number("w_max");
  p.eta_plus = f.number("eta_plus");
  p.eta_minus = f.number("eta_minus");
  p.algorithm = stdp::parse_algorithm(f.string_param("stdp_algorithm"));
  p.mu = f.number("mu");
  p.hardbound = f.bool_param("hardbound");
  const Tensor z_pre = f.tensors.at("z_pre"), z_post = f.tensors.at("z_post");
  Tensor w = f.tensors.at("w");
  stdp::State s{f.has_tensor("state.t_pre") ? f.tensors.at("state.t_pre") : Tensor(),
                f.has_tensor("state.t_post") ? f.tensors.at("state.t_post") : Tensor()};
  std::vector<Tensor> ws, pres, posts;
  for (int64_t t = 0; t < z_pre.size(0); ++t) {
    if (f.bool_param("convolutional")) {
      const stdp::Conv2dGeometry g{static_cast<int64_t>(f.number("stride")), static_cast<int64_t>(f.number("padding")),
                                   static_cast<int64_t>(f.number("dilation"))};
      w = stdp::stdp_step_conv2d(z_pre.select(0, t), z_post.select(0, t), w, s, p, g, f.dt);
    } else {
      w = stdp::stdp_step_linear(z_pre.select(0, t), z_post.select(0, t), w, s, p, f.dt);
    }
    ws.push_back(w);
    pres.push_back(s.t_pre);
    posts.push_back(s.t_post);
  }
  return {{"w", Variable(stack(ws, 0))}, {"t_pre", Variable(stack(pres, 0))}, {"t_post", Variable(stack(posts, 0))},
          {"final.w", Variable(w)},      {"final.t_pre", Variable(s.t_pre)},  {"final.t_post", Variable(s.t_post)}};
}

Outputs tsodyks_markram_case(CaseContext& c) {
  tsodyks_markram::Params p;
  p.tau_f_inv = c.fixture().number("tau_f_inv");
  p.tau_s_inv = c.fixture().number("tau_s_inv");
  p.tau_d_inv = c.fixture().number("tau_d_inv");
  p.U = c.fixture().number("U");
  const tsodyks_markram::SequenceResult r = tsodyks_markram::stp_sequence(
      c.leaf("input"), tsodyks_markram::State{c.optional_leaf("state.u"), c.optional_leaf("state.x")}, p,
      c.fixture().dt);
  return {{"output", r.output}, {"u", r.record.u}, {"x", r.record.x}, {"final.u", r.state.u}, {"final.x", r.state.x}};
}

correlation::Params sensor_params(const Fixture& f) {
  correlation::Params p;
  p.eta_p = f.number("eta_p");
  p.eta_m = f.number("eta_m");
  p.tau_ac_inv = f.number("tau_ac_inv");
  p.tau_c_inv = f.number("tau_c_inv");
  return p;
}

Outputs stdp_sensor_case(CaseContext& c) {
  const Fixture& f = c.fixture();
  const Tensor z_pre = f.tensors.at("z_pre"), z_post = f.tensors.at("z_post");
  correlation::StdpSensorState s{f.tensors.at("state.a_pre").clone(), f.tensors.at("state.a_post").clone()};
  std::vector<Tensor> pres, posts;
  for (int64_t t = 0; t < z_pre.size(0); ++t) {
    correlation::stdp_sensor_step(z_pre.select(0, t), z_post.select(0, t), s, sensor_params(f), f.dt);
    pres.push_back(s.a_pre);
    posts.push_back(s.a_post);
  }
  return {{"a_pre", Variable(stack(pres, 0))}, {"a_post", Variable(stack(posts, 0))}};
}

Outputs correlation_sensor_case(CaseContext& c) {
  const Fixture& f = c.fixture();
  const Tensor z_pre = f.tensors.at("z_pre"), z_post = f.tensors.at("z_post");
  correlation::CorrelationSensorState s{f.tensors.at("state.post_pre").clone(),
                                        f.tensors.at("state.correlation_trace").clone(),
                                        f.tensors.at("state.anti_correlation_trace").clone()};
  std::vector<Tensor> pp, cs, as;
  for (int64_t t = 0; t < z_pre.size(0); ++t) {
    correlation::correlation_sensor_step(z_pre.select(0, t), z_post.select(0, t), s, sensor_params(f), f.dt);
    pp.push_back(s.post_pre);
    cs.push_back(s.correlation_trace);
    as.push_back(s.anti_correlation_trace);
  }
  return {{"post_pre", Variable(stack(pp, 0))},
          {"correlation_trace", Variable(stack(cs, 0))},
          {"anti_correlation_trace", Variable(stack(as, 0))}};
}

const Registration kRegistrations[] = {
    {"stdp_sensor/sequence", stdp_sensor_case},
    {"correlation_sensor/sequence", correlation_sensor_case},
    {"stdp/sequence", stdp_case},
    {"tsodyks_markram/sequence", tsodyks_markram_case},
};

}  // namespace
}  // namespace conformance
}  // namespace norse
