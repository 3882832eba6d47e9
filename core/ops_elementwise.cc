// Differentiable element-wise ops: each forward followed by the backward it records.
#include <cmath>

#include "core/error.h"
#include "core/ops.h"

namespace norse {

using Grads = std::vector<Tensor>;
using Needs = std::vector<bool>;

// --- binary, broadcasting: gradients are summed back to each input's shape ------------------------

Variable add(const Variable& a, const Variable& b) {
  const Shape sa = a.shape(), sb = b.shape();
  return record_op("add", add(a.value(), b.value()), {a, b}, [sa, sb](const Grads& g, const Needs& n) {
    return Grads{n[0] ? sum_to(g[0], sa) : Tensor(), n[1] ? sum_to(g[0], sb) : Tensor()};
  });
}

Variable sub(const Variable& a, const Variable& b) {
  const Shape sa = a.shape(), sb = b.shape();
  return record_op("sub", sub(a.value(), b.value()), {a, b}, [sa, sb](const Grads& g, const Needs& n) {
    return Grads{n[0] ? sum_to(g[0], sa) : Tensor(), n[1] ? sum_to(neg(g[0]), sb) : Tensor()};
  });
}

Variable mul(const Variable& a, const Variable& b) {
  const Tensor av = a.value(), bv = b.value();
  return record_op("mul", mul(av, bv), {a, b}, [av, bv](const Grads& g, const Needs& n) {
    return Grads{n[0] ? sum_to(mul(g[0], bv), av.shape()) : Tensor(),
                 n[1] ? sum_to(mul(g[0], av), bv.shape()) : Tensor()};
  });
}

Variable div(const Variable& a, const Variable& b) {
  const Tensor bv = b.value();
  const Shape sa = a.shape();
  const Tensor out = div(a.value(), bv);
  return record_op("div", out, {a, b}, [sa, bv, out](const Grads& g, const Needs& n) {
    const Tensor ga = div(g[0], bv);  // d(a/b)/da = 1/b
    return Grads{n[0] ? sum_to(ga, sa) : Tensor(),
                 n[1] ? sum_to(neg(mul(ga, out)), bv.shape()) : Tensor()};  // -a/b^2 = -(a/b)/b
  });
}

Variable pow(const Variable& base, const Variable& exponent) {
  const Tensor bv = base.value(), ev = exponent.value();
  const Tensor out = pow(bv, ev);
  return record_op("pow", out, {base, exponent}, [bv, ev, out](const Grads& g, const Needs& n) {
    Tensor gb, ge;
    if (n[0]) gb = sum_to(mul(g[0], mul(ev, pow(bv, add(ev, -1.0f)))), bv.shape());
    if (n[1]) ge = sum_to(mul(g[0], mul(out, log(bv))), ev.shape());
    return Grads{gb, ge};
  });
}

// --- scalar forms ---------------------------------------------------------------------------------

Variable add(const Variable& a, float s) {
  return record_op("add_scalar", add(a.value(), s), {a}, [](const Grads& g, const Needs&) { return Grads{g[0]}; });
}

Variable mul(const Variable& a, float s) {
  return record_op("mul_scalar", mul(a.value(), s), {a},
                   [s](const Grads& g, const Needs&) { return Grads{mul(g[0], s)}; });
}

// --- unary ----------------------------------------------------------------------------------------

Variable neg(const Variable& x) {
  return record_op("neg", neg(x.value()), {x}, [](const Grads& g, const Needs&) { return Grads{neg(g[0])}; });
}

Variable exp(const Variable& x) {
  const Tensor out = exp(x.value());
  return record_op("exp", out, {x}, [out](const Grads& g, const Needs&) { return Grads{mul(g[0], out)}; });
}

Variable log(const Variable& x) {
  const Tensor xv = x.value();
  return record_op("log", log(xv), {x}, [xv](const Grads& g, const Needs&) { return Grads{div(g[0], xv)}; });
}

Variable tanh(const Variable& x) {
  const Tensor out = tanh(x.value());
  return record_op("tanh", out, {x}, [out](const Grads& g, const Needs&) {
    return Grads{mul(g[0], add(neg(mul(out, out)), 1.0f))};  // 1 - tanh^2
  });
}

Variable sin(const Variable& x) {
  const Tensor xv = x.value();
  return record_op("sin", sin(xv), {x}, [xv](const Grads& g, const Needs&) { return Grads{mul(g[0], cos(xv))}; });
}

Variable cos(const Variable& x) {
  const Tensor xv = x.value();
  return record_op("cos", cos(xv), {x}, [xv](const Grads& g, const Needs&) { return Grads{neg(mul(g[0], sin(xv)))}; });
}

Variable sqrt(const Variable& x) {
  const Tensor out = sqrt(x.value());
  return record_op("sqrt", out, {x}, [out](const Grads& g, const Needs&) {
    return Grads{div(mul(g[0], 0.5f), out)};  // d sqrt(x) = 1 / (2 sqrt(x))
  });
}

Variable sigmoid(const Variable& x) {
  const Tensor out = sigmoid(x.value());
  return record_op("sigmoid", out, {x}, [out](const Grads& g, const Needs&) {
    return Grads{mul(g[0], mul(out, add(neg(out), 1.0f)))};  // s (1 - s)
  });
}

Variable relu(const Variable& x) {
  const Tensor xv = x.value();
  return record_op("relu", relu(xv), {x},
                   [xv](const Grads& g, const Needs&) { return Grads{mul(g[0], heaviside(xv))}; });
}

Variable abs(const Variable& x) {
  const Tensor xv = x.value();
  return record_op("abs", abs(xv), {x}, [xv](const Grads& g, const Needs&) { return Grads{mul(g[0], sign(xv))}; });
}

Variable pow(const Variable& x, float exponent) {
  NORSE_CHECK(std::isfinite(exponent), InvalidArgument, "pow", "argument 'exponent' must be finite, got ", exponent);
  const Tensor xv = x.value();
  return record_op("pow_scalar", pow(xv, exponent), {x}, [xv, exponent](const Grads& g, const Needs&) {
    if (exponent == 0.0f) return Grads{zeros(xv.shape(), xv.device())};
    return Grads{mul(g[0], mul(pow(xv, exponent - 1.0f), exponent))};
  });
}

Variable clamp(const Variable& x, float low, float high) {
  const Tensor xv = x.value();
  return record_op("clamp", clamp(xv, low, high), {x}, [xv, low, high](const Grads& g, const Needs&) {
    // The gradient passes where low <= x <= high (PyTorch's convention at the bounds).
    return Grads{mul(g[0], in_range(xv, low, high))};
  });
}

// --- operators --------------------------------------------------------------------------------------

Variable operator+(const Variable& a, const Variable& b) { return add(a, b); }
Variable operator-(const Variable& a, const Variable& b) { return sub(a, b); }
Variable operator*(const Variable& a, const Variable& b) { return mul(a, b); }
Variable operator/(const Variable& a, const Variable& b) { return div(a, b); }
Variable operator-(const Variable& x) { return neg(x); }
Variable operator+(const Variable& a, float s) { return add(a, s); }
Variable operator+(float s, const Variable& a) { return add(a, s); }
Variable operator-(const Variable& a, float s) { return add(a, -s); }
Variable operator-(float s, const Variable& a) { return add(neg(a), s); }
Variable operator*(const Variable& a, float s) { return mul(a, s); }
Variable operator*(float s, const Variable& a) { return mul(a, s); }
Variable operator/(const Variable& a, float s) { return mul(a, 1.0f / s); }
Variable operator/(float s, const Variable& a) { return div(Variable(full({}, s, a.value().device())), a); }

}  // namespace norse
