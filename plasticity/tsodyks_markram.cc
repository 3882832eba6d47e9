#include "plasticity/tsodyks_markram.h"

#include <cmath>

namespace norse {
namespace tsodyks_markram {

SequenceResult stp_sequence(const Variable& z, const State& initial, const Params& p, float dt) {
  const char* op = "stp_sequence";
  NORSE_CHECK(z.defined() && z.dim() >= 2, ShapeError, op, "argument 'z' must be [T, B, ...], got ",
              z.defined() ? shape_to_string(z.shape()) : std::string("undefined"));
  for (float v : {p.tau_f_inv, p.tau_d_inv, p.U, dt}) {
    NORSE_CHECK(std::isfinite(v), InvalidArgument, op, "parameters and dt must be finite");
  }
  const Shape shape(z.shape().begin() + 1, z.shape().end());
  Variable u = initial.u.defined() ? initial.u : Variable(zeros(shape));
  Variable x = initial.x.defined() ? initial.x : Variable(ones(shape));
  check_shape(op, "state.u", shape, u.shape());
  check_shape(op, "state.x", shape, x.shape());
  std::vector<Variable> outputs, us, xs;
  for (int64_t t = 0; t < z.size(0); ++t) {
    const Variable zt = select(z, 0, t);
    const Variable u_new = u - mul(u, dt * p.tau_f_inv) + mul((1.0f - u) * zt, p.U);
    const Variable x_new = x + mul(1.0f - x, dt * p.tau_d_inv) - u_new * x * zt;
    outputs.push_back(u_new * x * zt);
    u = u_new;
    x = x_new;
    us.push_back(u);
    xs.push_back(x);
  }
  SequenceResult r;
  r.output = stack(outputs, 0);
  r.state = State{u, x};
  r.record = State{stack(us, 0), stack(xs, 0)};
  return r;
}

}  // namespace tsodyks_markram
}  // namespace norse
