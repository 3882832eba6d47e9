// Conformance handlers: STDP on dense weights and Tsodyks-Markram (issue 5).
#include "plasticity/stdp.h"
#include "plasticity/tsodyks_markram.h"
#include "tests/conformance/runner.h"

namespace norse {
namespace conformance {
namespace {

Outputs stdp_case(CaseContext& c) {
  const Fixture& f = c.fixture();
  if (f.bool_param("convolutional")) throw NotImplemented("stdp/sequence with convolutional weights (stdp_step_conv2d)");
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
    w = stdp::stdp_step_linear(z_pre.select(0, t), z_post.select(0, t), w, s, p, f.dt);
    ws.push_back(w);
    pres.push_back(s.t_pre);
    posts.push_back(s.t_post);
  }
  return {{"w", Variable(stack(ws, 0))},       {"t_pre", Variable(stack(pres, 0))}, {"t_post", Variable(stack(posts, 0))},
          {"final.w", Variable(w)},            {"final.t_pre", Variable(s.t_pre)}, {"final.t_post", Variable(s.t_post)}};
}

Outputs tsodyks_markram_case(CaseContext& c) {
  tsodyks_markram::Params p;
  p.tau_f_inv = c.fixture().number("tau_f_inv");
  p.tau_s_inv = c.fixture().number("tau_s_inv");
  p.tau_d_inv = c.fixture().number("tau_d_inv");
  p.U = c.fixture().number("U");
  const tsodyks_markram::SequenceResult r = tsodyks_markram::stp_sequence(
      c.leaf("input"), tsodyks_markram::State{c.optional_leaf("state.u"), c.optional_leaf("state.x")}, p, c.fixture().dt);
  return {{"output", r.output}, {"u", r.record.u}, {"x", r.record.x}, {"final.u", r.state.u}, {"final.x", r.state.x}};
}

const Registration kRegistrations[] = {
    {"stdp/sequence", stdp_case},
    {"tsodyks_markram/sequence", tsodyks_markram_case},
};

}  // namespace
}  // namespace conformance
}  // namespace norse
