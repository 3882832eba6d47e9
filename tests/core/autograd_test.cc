// The tape: recording, backward, accumulation, grad mode, detach, custom ops, memory.
#include <catch2/catch.hpp>

#include <limits>

#include "core/core.h"
#include "tests/testing/gradcheck.h"

using namespace norse;

TEST_CASE("backward computes gradients of a small expression", "[autograd]") {
  Variable a(from_vector({1, 2, 3}, {3}), true);
  Variable b(from_vector({4, 5, 6}, {3}), true);
  Variable loss = sum(a * b + a);  // dL/da = b + 1, dL/db = a
  REQUIRE(loss.item() == 4 + 10 + 18 + 6.0f);
  REQUIRE_FALSE(loss.is_leaf());
  REQUIRE(loss.grad_fn() != nullptr);
  REQUIRE(std::string(loss.grad_fn()->name()) == "sum");
  loss.backward();
  NORSE_REQUIRE_CLOSE(a.grad(), from_vector({5, 6, 7}, {3}));
  NORSE_REQUIRE_CLOSE(b.grad(), from_vector({1, 2, 3}, {3}));
}

TEST_CASE("gradients accumulate across backward calls until zero_grad", "[autograd]") {
  Variable w(from_vector({2}, {1}), true);
  for (int i = 0; i < 3; ++i) sum(w * w).backward();  // d/dw w^2 = 4, three times
  NORSE_REQUIRE_CLOSE(w.grad(), from_vector({12}, {1}));
  w.zero_grad();
  REQUIRE_FALSE(w.grad().defined());
  sum(w * 3.0f).backward();
  NORSE_REQUIRE_CLOSE(w.grad(), from_vector({3}, {1}));
}

TEST_CASE("a shared sub-expression receives both gradients", "[autograd]") {
  Variable x(from_vector({3}, {1}), true);
  Variable y = x * x;
  sum(y + y * y).backward();  // d/dx (x^2 + x^4) = 2x + 4x^3 = 6 + 108
  NORSE_REQUIRE_CLOSE(x.grad(), from_vector({114}, {1}));
}

TEST_CASE("backward with an explicit upstream gradient", "[autograd]") {
  Variable x(from_vector({1, 2, 3, 4}, {2, 2}), true);
  Variable y = x * x;
  REQUIRE_THROWS_AS(y.backward(), AutogradError);  // not a scalar
  y.backward(from_vector({1, 0, -1, 0.5f}, {2, 2}));
  NORSE_REQUIRE_CLOSE(x.grad(), from_vector({2, 0, -6, 4}, {2, 2}));
  REQUIRE_THROWS_AS(Variable(x * 1.0f).backward(zeros({3})), ShapeError);
  // A leaf as the root: its gradient is the upstream gradient.
  Variable leaf(zeros({2}), true);
  leaf.backward(from_vector({5, 6}, {2}));
  NORSE_REQUIRE_CLOSE(leaf.grad(), from_vector({5, 6}, {2}));
}

TEST_CASE("NoGradGuard and detach stop recording", "[autograd]") {
  Variable x(from_vector({1, 2}, {2}), true);
  {
    NoGradGuard guard;
    REQUIRE_FALSE(grad_mode_enabled());
    Variable y = x * x;
    REQUIRE_FALSE(y.requires_grad());
    REQUIRE(y.grad_fn() == nullptr);
    REQUIRE_THROWS_AS(sum(y).backward(), AutogradError);
  }
  REQUIRE(grad_mode_enabled());
  Variable d = (x * x).detach();
  REQUIRE_FALSE(d.requires_grad());
  sum(d * x).backward();  // d is a constant: grad = d = x^2
  NORSE_REQUIRE_CLOSE(x.grad(), from_vector({1, 4}, {2}));
  Variable computed = x * 2.0f;
  REQUIRE_THROWS_AS(computed.set_requires_grad(false), AutogradError);
  Variable constant(ones({2}));
  REQUIRE_FALSE(constant.requires_grad());
}

TEST_CASE("backward frees the graph unless retain_graph", "[autograd]") {
  Variable x(from_vector({1, 2}, {2}), true);
  Variable loss = sum(exp(x));
  loss.backward(/*retain_graph=*/true);
  loss.backward();
  NORSE_REQUIRE_CLOSE(x.grad(), mul(exp(x.value()), 2.0f));
  REQUIRE_FALSE(loss.grad_fn()->has_backward());
  REQUIRE_THROWS_AS(loss.backward(), AutogradError);
  REQUIRE_THROWS_WITH(loss.backward(), Catch::Contains("already freed"));
}

TEST_CASE("backward releases saved tensors as it sweeps", "[autograd][memory]") {
  Variable x(ones({1 << 16}), true);
  Variable loss = sum(exp(tanh(x) * x));
  const int64_t before = Storage::live_bytes();
  loss.backward();
  // tanh, mul and exp each saved 256 KiB; they are gone although `loss` (the graph) is alive.
  REQUIRE(Storage::live_bytes() < before);
}

TEST_CASE("a long loop under NoGradGuard keeps memory flat", "[autograd][memory]") {
  Generator gen(1);
  Variable w(mul(randn({64, 64}, gen), 0.1f), true);
  Variable h(ones({8, 64}));
  const int64_t nodes_before = live_node_count();
  int64_t bytes_after_first = 0;
  NoGradGuard guard;
  for (int i = 0; i < 2000; ++i) {
    h = tanh(matmul(h, w));
    if (i == 0) bytes_after_first = Storage::live_bytes();
  }
  REQUIRE(live_node_count() == nodes_before);
  REQUIRE(Storage::live_bytes() == bytes_after_first);
}

TEST_CASE("a graph dies with its last Variable, also a very long one", "[autograd][memory]") {
  const int64_t nodes_before = live_node_count();
  const int64_t bytes_before = Storage::live_bytes();
  {
    Variable x(ones({4}), true);
    Variable y = x;
    for (int i = 0; i < 200000; ++i) y = y * 1.0f;  // 200k nodes: teardown must not recurse
    REQUIRE(live_node_count() == nodes_before + 200000);
    sum(y).backward();  // the sweep is a loop, not a recursion
    NORSE_REQUIRE_CLOSE(x.grad(), ones({4}));
  }
  REQUIRE(live_node_count() == nodes_before);
  REQUIRE(Storage::live_bytes() == bytes_before);
}

// A custom op, registered by a user with its own backward: f(x) = x^3, and a two-output op.
Variable cube(const Variable& x) {
  const Tensor xv = x.value();
  return record_op("cube", mul(mul(xv, xv), xv), {x}, [xv](const std::vector<Tensor>& g, const std::vector<bool>&) {
    return std::vector<Tensor>{mul(g[0], mul(mul(xv, xv), 3.0f))};
  });
}

TEST_CASE("custom ops: user-defined forward and backward", "[autograd][custom]") {
  testing::check_gradients([](const std::vector<Variable>& v) { return cube(v[0]); },
                           {from_vector({-1.5f, 0.5f, 2.0f}, {3})});

  // Two outputs (sum and difference); only the first reaches the loss: the backward still gets
  // a defined (zero) gradient for the second. needs_input_grad reports which inputs want one.
  Variable a(from_vector({1, 2}, {2}), true);
  Variable b(from_vector({3, 4}, {2}));
  std::vector<bool> seen_needs;
  std::vector<Tensor> seen_grads;
  auto outs = record_op("sum_and_difference", {add(a.value(), b.value()), sub(a.value(), b.value())}, {a, b},
                        [&](const std::vector<Tensor>& g, const std::vector<bool>& needs) {
                          seen_needs = needs;
                          seen_grads = g;
                          return std::vector<Tensor>{add(g[0], g[1]), sub(g[0], g[1])};
                        });
  REQUIRE(outs.size() == 2);
  sum(mul(outs[0], 2.0f)).backward();
  REQUIRE(seen_needs == std::vector<bool>{true, false});
  NORSE_REQUIRE_CLOSE(seen_grads[1], zeros({2}));
  NORSE_REQUIRE_CLOSE(a.grad(), full({2}, 2.0f));
  REQUIRE_FALSE(b.grad().defined());

  // A custom op returning a gradient of the wrong shape is reported, not silently broadcast.
  Variable c(ones({3}), true);
  Variable bad = record_op("bad_op", c.value().clone(), {c}, [](const std::vector<Tensor>&, const std::vector<bool>&) {
    return std::vector<Tensor>{zeros({2})};
  });
  REQUIRE_THROWS_WITH(sum(bad).backward(), Catch::Contains("op 'bad_op' returned a gradient of shape [2]"));
}

TEST_CASE("GradReadyScope reports each leaf once, when its gradient is final", "[autograd]") {
  // Two layers: w2 is used last in forward, so backward finishes it first; w1 feeds two nodes
  // (a shared use), so it is final only after both are swept. `unused` is never reached.
  Variable x(from_vector({1, 2}, {2}));
  Variable w1(from_vector({0.5f, -1}, {2}), true);
  Variable w2(from_vector({3, 4}, {2}), true);
  Variable unused(from_vector({7}, {1}), true);
  Variable h = x * w1 + w1 * w1;
  Variable loss = sum(h * w2);
  std::vector<std::string> order;
  std::vector<Tensor> seen;
  {
    GradReadyScope scope([&](const Variable& leaf) {
      order.push_back(leaf.identity() == w1.identity() ? "w1" : leaf.identity() == w2.identity() ? "w2" : "other");
      seen.push_back(leaf.grad().clone());  // what the gradient is when reported
    });
    loss.backward();
  }
  REQUIRE(order == std::vector<std::string>{"w2", "w1"});
  NORSE_REQUIRE_CLOSE(seen[0], w2.grad());
  NORSE_REQUIRE_CLOSE(seen[1], w1.grad());  // both uses already summed: x + 2 w1, times w2
  NORSE_REQUIRE_CLOSE(w1.grad(), from_vector({3 * (1 + 1.0f), 4 * (2 - 2.0f)}, {2}));
  REQUIRE_FALSE(unused.grad().defined());
  // Outside the scope nothing is reported.
  order.clear();
  sum(w1 * w2).backward();
  REQUIRE(order.empty());
  // A leaf root is reported too.
  GradReadyScope scope([&](const Variable&) { order.push_back("root"); });
  Variable(from_vector({1}, {1}), true).backward(from_vector({1}, {1}));
  REQUIRE(order == std::vector<std::string>{"root"});
}

TEST_CASE("first_non_finite finds the first NaN or infinity across its blocks", "[autograd][anomaly]") {
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  Tensor t = full({3, 5000}, 1.0f);                  // 15000 entries: three full 4096-blocks and a partial one
  t.at({0, 7}) = std::numeric_limits<float>::max();  // large but finite
  t.at({1, 1}) = -std::numeric_limits<float>::denorm_min();
  REQUIRE_FALSE(first_non_finite(t).found());
  t.at({2, 4999}) = nan;  // the last entry, in the partial block
  REQUIRE(first_non_finite(t).index == 14999);
  t.at({2, 10}) = -inf;
  NonFiniteElement e = first_non_finite(t);
  REQUIRE(e.index == 10010);
  REQUIRE(e.value == -inf);
  t.at({1, 3000}) = inf;  // an earlier block wins
  REQUIRE(first_non_finite(t).index == 8000);
  // A view counts in its own order: [5000, 3], the -inf at (10, 2) first.
  REQUIRE(first_non_finite(t.transpose(0, 1)).index == 10 * 3 + 2);
  REQUIRE_FALSE(first_non_finite(zeros({0})).found());
}
