// Bad input raises a norse::Error subclass whose message names the op, the argument, the
// expected and the actual shape: one check per op family.
#include <catch2/catch.hpp>

#include "core/core.h"

using namespace norse;
using Catch::Contains;

TEST_CASE("element-wise ops reject shapes that do not broadcast", "[ops][errors]") {
  Variable a(zeros({2, 3})), b(zeros({3, 2}));
  REQUIRE_THROWS_AS(add(a, b), ShapeError);
  REQUIRE_THROWS_WITH(sub(a, b), Contains("sub: shapes [2, 3] and [3, 2] do not broadcast"));
  REQUIRE_THROWS_WITH(div(a, b), Contains("div:"));
  REQUIRE_THROWS_AS(pow(a, b), ShapeError);
  REQUIRE_THROWS_AS(clamp(a, 1.0f, 0.0f), InvalidArgument);
  REQUIRE_THROWS_AS(pow(a, std::nanf("")), InvalidArgument);
}

TEST_CASE("matmul names the mismatched dimension", "[ops][errors]") {
  REQUIRE_THROWS_WITH(
      matmul(Variable(zeros({2, 3})), Variable(zeros({4, 5}))),
      Contains(
          "matmul: argument 'b' must have size 3 in dimension -2 (= a.size(-1)), got shapes a [2, 3] and b [4, 5]"));
  REQUIRE_THROWS_WITH(matmul(Variable(zeros({3})), Variable(zeros({3, 1}))),
                      Contains("matmul: argument 'a' must have at least 2 dimensions [..., M, K], got shape [3]"));
  REQUIRE_THROWS_AS(matmul(Variable(zeros({2, 2, 3})), Variable(zeros({3, 3, 1}))), ShapeError);  // batch 2 vs 3
}

TEST_CASE("shape ops validate dimensions and sizes", "[ops][errors]") {
  Variable x(zeros({2, 3}));
  REQUIRE_THROWS_WITH(reshape(x, {4, 2}), Contains("shape [4, 2] is invalid for a tensor of shape [2, 3]"));
  REQUIRE_THROWS_AS(permute(x, {0}), ShapeError);
  REQUIRE_THROWS_AS(transpose(x, 0, 2), ShapeError);
  REQUIRE_THROWS_AS(select(x, 0, 2), ShapeError);
  REQUIRE_THROWS_AS(slice(x, 5, 0, 1), ShapeError);
  REQUIRE_THROWS_WITH(concat({x, Variable(zeros({2, 2}))}, 0),
                      Contains("concat: tensor 1 has shape [2, 2], expected [2, 3]"));
  REQUIRE_THROWS_AS(stack({x, Variable(zeros({3, 2}))}, 0), ShapeError);
}

TEST_CASE("reductions validate dimensions", "[ops][errors]") {
  Variable x(zeros({2, 3}));
  REQUIRE_THROWS_WITH(sum(x, {2}), Contains("sum: dimension 2 out of range for a tensor of rank 2"));
  REQUIRE_THROWS_AS(sum(x, {0, 0}), ShapeError);
  REQUIRE_THROWS_AS(mean(x, {-3}), ShapeError);
  REQUIRE_THROWS_AS(max(x, 2), ShapeError);
  REQUIRE_THROWS_AS(max(Variable(zeros({0})), 0), ShapeError);
  REQUIRE_THROWS_AS(mean(Variable(zeros({0}))), ShapeError);
}

TEST_CASE("losses validate inputs and class targets", "[ops][errors]") {
  Variable logits(zeros({2, 3}));
  REQUIRE_THROWS_WITH(cross_entropy(logits, from_vector({0, 3}, {2})),
                      Contains("class indices in [0, 3), got 3 at index 1"));
  REQUIRE_THROWS_AS(cross_entropy(logits, from_vector({0.5f, 1}, {2})), InvalidArgument);
  REQUIRE_THROWS_WITH(nll_loss(logits, zeros({3})),
                      Contains("nll_loss: argument 'targets' must have shape [2], got [3]"));
  REQUIRE_THROWS_WITH(cross_entropy(Variable(zeros({2, 3, 4})), zeros({2})), Contains("must have 2 dimensions [N, C]"));
  REQUIRE_THROWS_WITH(mse_loss(logits, Variable(zeros({3, 2}))),
                      Contains("mse_loss: argument 'target' must have shape [2, 3], got [3, 2]"));
  REQUIRE_THROWS_AS(softmax(logits, 2), ShapeError);
  REQUIRE_THROWS_AS(log_softmax(Variable(scalar_tensor(1.0f)), 0), ShapeError);
}

TEST_CASE("conv2d and pooling validate layouts", "[ops][errors]") {
  Variable x(zeros({1, 3, 8, 8}));
  REQUIRE_THROWS_WITH(conv2d(x, Variable(zeros({4, 2, 3, 3})), Variable(), {}),
                      Contains("conv2d: argument 'weight' must have 3 input channels (= input.size(1)) in dimension 1, "
                               "got shape [4, 2, 3, 3]"));
  REQUIRE_THROWS_WITH(conv2d(Variable(zeros({3, 8, 8})), Variable(zeros({4, 3, 3, 3})), Variable(), {}),
                      Contains("conv2d: argument 'input' must have 4 dimensions [B, C, H, W], got shape [3, 8, 8]"));
  REQUIRE_THROWS_WITH(conv2d(x, Variable(zeros({4, 3, 3, 3})), Variable(zeros({5})), {}),
                      Contains("conv2d: argument 'bias' must have shape [4], got [5]"));
  REQUIRE_THROWS_AS(conv2d(x, Variable(zeros({4, 3, 9, 9})), Variable(), {}), ShapeError);  // kernel > input
  REQUIRE_THROWS_AS(conv2d(x, Variable(zeros({4, 3, 3, 3})), Variable(), {0, 0}), InvalidArgument);
  REQUIRE_THROWS_AS(max_pool2d(Variable(zeros({8, 8})), {2, 0, 0}), ShapeError);
  REQUIRE_THROWS_AS(avg_pool2d(x, {0, 0, 0}), InvalidArgument);
  REQUIRE_THROWS_AS(max_pool2d(x, {9, 0, 0}), ShapeError);
}

TEST_CASE("undefined and mismatched arguments", "[ops][errors]") {
  REQUIRE_THROWS_AS(Variable(Tensor()), InvalidArgument);
  Variable undefined;
  REQUIRE_THROWS_AS(undefined.value(), InvalidArgument);
  REQUIRE_THROWS_AS(add(Tensor(), zeros({1})), InvalidArgument);
}
