// Every tensor op and tape op with a CUDA path, run on the GPU and compared with the CPU on the
// same inputs: element-wise (all unary and binary ops, broadcasting, strided views), reductions,
// max and its backward, (log_)softmax, matmul (2-D, batched with broadcasting, transposed views,
// Linear over [T, B, K]), conv2d and its two gradients, pooling, nll_loss, concat/stack, and a
// small network's loss and every parameter gradient through the tape. Skipped, with the reason,
// where the process sees no CUDA device.
#include <catch2/catch.hpp>

#include <functional>
#include <random>
#include <string>
#include <vector>

#include "core/core.h"
#include "tests/testing/gpu.h"
#include "tests/testing/skip.h"
#include "tests/testing/vector_compare.h"

using namespace norse;
using testing::require_close;

namespace {

Tensor random_tensor(const Shape& shape, std::mt19937& rng, float lo = -2.0f, float hi = 2.0f) {
  return from_vector(testing::random_vector(static_cast<size_t>(shape_numel(shape)), lo, hi, rng), shape);
}

Tensor to_gpu(const Tensor& t) { return t.to(Device::kCUDA); }

// f on the CPU inputs vs f on their GPU copies.
void compare(const char* what, const std::function<Tensor(const std::vector<Tensor>&)>& f,
             const std::vector<Tensor>& inputs, float atol, float rtol = 1e-5f) {
  std::vector<Tensor> gpu;
  for (const Tensor& t : inputs) gpu.push_back(to_gpu(t));
  const Tensor expected = f(inputs);
  const Tensor actual = f(gpu);
  INFO(what);
  REQUIRE(actual.device() == Device::kCUDA);
  REQUIRE(actual.shape() == expected.shape());
  require_close(actual.to_vector(), expected.to_vector(), what, atol, rtol);
}

}  // namespace

TEST_CASE("CUDA ops: strided copies, fills, creation on the device", "[cuda][ops]") {
  NORSE_REQUIRE_GPU();
  std::mt19937 rng(1);
  const Tensor x = random_tensor({3, 4, 5}, rng);
  compare(
      "permute().contiguous()",
      [](const std::vector<Tensor>& v) {
        return v[0].permute({2, 0, 1}).contiguous();
      },
      {x}, 0.0f, 0.0f);
  compare(
      "slice step 2", [](const std::vector<Tensor>& v) { return v[0].slice(2, 1, 5, 2).contiguous(); }, {x}, 0.0f,
      0.0f);
  compare(
      "expand",
      [](const std::vector<Tensor>& v) {
        return v[0].select(0, 1).unsqueeze(0).expand({3, 4, 5}).clone();
      },
      {x}, 0.0f, 0.0f);
  compare(
      "copy_ into a view",
      [](const std::vector<Tensor>& v) {
        Tensor out = zeros({3, 4, 5}, v[0].device());
        out.slice(1, 1, 3).copy_(v[0].slice(1, 0, 2));
        return out;
      },
      {x}, 0.0f, 0.0f);
  compare(
      "overlapping copy_",
      [](const std::vector<Tensor>& v) {
        Tensor out = v[0].clone();
        out.slice(2, 1, 5).copy_(out.slice(2, 0, 4).transpose(0, 0));
        return out;
      },
      {x}, 0.0f, 0.0f);
  compare(
      "strided fill_",
      [](const std::vector<Tensor>& v) {
        Tensor out = v[0].clone();
        out.slice(2, 0, 5, 2).fill_(7.5f);
        return out;
      },
      {x}, 0.0f, 0.0f);
  REQUIRE(zeros({2, 3}, Device::kCUDA).to_vector() == std::vector<float>(6, 0.0f));
  REQUIRE(full({4}, 2.5f, Device::kCUDA).to_vector() == std::vector<float>(4, 2.5f));
  REQUIRE(ones_like(to_gpu(x)).device() == Device::kCUDA);
  REQUIRE(x.transpose(0, 2).to(Device::kCUDA).to(Device::kCPU).to_vector() ==
          x.transpose(0, 2).contiguous().to_vector());
  REQUIRE(to_gpu(x).transpose(0, 2).to(Device::kCPU).to_vector() == x.transpose(0, 2).contiguous().to_vector());
}

TEST_CASE("CUDA ops: every element-wise op, with broadcasting and strided views", "[cuda][ops]") {
  NORSE_REQUIRE_GPU();
  std::mt19937 rng(2);
  const Tensor x = random_tensor({7, 33}, rng);
  const Tensor pos = random_tensor({7, 33}, rng, 0.1f, 3.0f);
  using F = std::function<Tensor(const Tensor&)>;
  const std::vector<std::pair<const char*, F>> unary = {
      {"neg", [](const Tensor& t) { return neg(t); }},
      {"exp", [](const Tensor& t) { return exp(t); }},
      {"tanh", [](const Tensor& t) { return tanh(t); }},
      {"sigmoid", [](const Tensor& t) { return sigmoid(t); }},
      {"relu", [](const Tensor& t) { return relu(t); }},
      {"abs", [](const Tensor& t) { return abs(t); }},
      {"sin", [](const Tensor& t) { return sin(t); }},
      {"cos", [](const Tensor& t) { return cos(t); }},
      {"sign", [](const Tensor& t) { return sign(t); }},
      {"pow 2", [](const Tensor& t) { return pow(t, 2.0f); }},
      {"pow 3", [](const Tensor& t) { return pow(t, 3.0f); }},
      {"clamp", [](const Tensor& t) { return clamp(t, -0.5f, 0.75f); }},
      {"heaviside", [](const Tensor& t) { return heaviside(t); }},
      {"in_range", [](const Tensor& t) { return in_range(t, -0.5f, 0.5f); }},
      {"add scalar", [](const Tensor& t) { return add(t, 1.25f); }},
      {"mul scalar", [](const Tensor& t) { return mul(t, -3.0f); }},
  };
  for (const auto& [name, f] : unary) {
    compare(
        name, [&f](const std::vector<Tensor>& v) { return f(v[0]); }, {x}, 1e-6f, 1e-5f);
    compare(
        name, [&f](const std::vector<Tensor>& v) { return f(v[0].transpose(0, 1)); }, {x}, 1e-6f, 1e-5f);
  }
  compare(
      "log", [](const std::vector<Tensor>& v) { return log(v[0]); }, {pos}, 1e-6f, 1e-5f);
  compare(
      "sqrt", [](const std::vector<Tensor>& v) { return sqrt(v[0]); }, {pos}, 1e-6f, 1e-5f);

  using G = std::function<Tensor(const Tensor&, const Tensor&)>;
  const std::vector<std::pair<const char*, G>> binary = {
      {"add", [](const Tensor& a, const Tensor& b) { return add(a, b); }},
      {"sub", [](const Tensor& a, const Tensor& b) { return sub(a, b); }},
      {"mul", [](const Tensor& a, const Tensor& b) { return mul(a, b); }},
      {"div", [](const Tensor& a, const Tensor& b) { return div(a, b); }},
      {"gt", [](const Tensor& a, const Tensor& b) { return gt(a, b); }},
      {"eq", [](const Tensor& a, const Tensor& b) { return eq(a, b); }},
  };
  const Tensor row = random_tensor({1, 33}, rng), col = random_tensor({7, 1}, rng), s = random_tensor({}, rng);
  for (const auto& [name, f] : binary) {
    compare(
        name, [&f](const std::vector<Tensor>& v) { return f(v[0], v[1]); }, {x, pos}, 1e-6f, 1e-5f);
    compare(
        name, [&f](const std::vector<Tensor>& v) { return f(v[0], v[1]); }, {x, row}, 1e-6f, 1e-5f);
    compare(
        name, [&f](const std::vector<Tensor>& v) { return f(v[1], v[0]); }, {x, col}, 1e-6f, 1e-5f);
    compare(
        name, [&f](const std::vector<Tensor>& v) { return f(v[0], v[1]); }, {x, s}, 1e-6f, 1e-5f);
    compare(
        name, [&f](const std::vector<Tensor>& v) { return f(v[0].transpose(0, 1), v[1].transpose(0, 1)); }, {x, pos},
        1e-6f, 1e-5f);
  }
  compare(
      "pow(a, b)", [](const std::vector<Tensor>& v) { return pow(v[0], v[1]); }, {pos, x}, 1e-5f, 1e-5f);
  compare(
      "eq with itself", [](const std::vector<Tensor>& v) { return eq(v[0], v[0].clone()); }, {x}, 0.0f, 0.0f);
  compare(
      "axpy_",
      [](const std::vector<Tensor>& v) {
        Tensor d = v[0].clone();
        axpy_(d, 0.5f, v[1].transpose(0, 1).contiguous().transpose(0, 1));
        return d;
      },
      {x, pos}, 1e-6f, 1e-5f);
}

TEST_CASE("CUDA ops: reductions, max, softmax", "[cuda][ops]") {
  NORSE_REQUIRE_GPU();
  std::mt19937 rng(3);
  const Tensor x = random_tensor({5, 6, 70}, rng);
  const Tensor big = random_tensor({300001}, rng);
  compare(
      "sum all", [](const std::vector<Tensor>& v) { return sum(v[0]); }, {x}, 1e-4f, 1e-5f);
  compare(
      "sum all, several chunks", [](const std::vector<Tensor>& v) { return sum(v[0]); }, {big}, 1e-2f, 1e-5f);
  compare(
      "mean", [](const std::vector<Tensor>& v) { return mean(v[0]); }, {x}, 1e-6f, 1e-5f);
  for (const std::vector<int64_t>& dims : std::vector<std::vector<int64_t>>{{0}, {0, 1}, {1}, {2}, {0, 2}, {}}) {
    compare(
        "sum dims", [&dims](const std::vector<Tensor>& v) { return sum(v[0], dims); }, {x}, 1e-5f, 1e-5f);
    compare(
        "sum dims keepdim", [&dims](const std::vector<Tensor>& v) { return sum(v[0], dims, true); }, {x}, 1e-5f, 1e-5f);
    compare(
        "mean dims", [&dims](const std::vector<Tensor>& v) { return mean(v[0], dims); }, {x}, 1e-6f, 1e-5f);
  }
  compare(
      "sum of a view", [](const std::vector<Tensor>& v) { return sum(v[0].transpose(0, 2), {0}); }, {x}, 1e-5f, 1e-5f);
  compare(
      "sum_to",
      [](const std::vector<Tensor>& v) {
        return sum_to(v[0], {6, 1});
      },
      {x}, 1e-5f, 1e-5f);
  for (int64_t d = 0; d < 3; ++d) {
    compare(
        "max values", [d](const std::vector<Tensor>& v) { return max(v[0], d).values; }, {x}, 0.0f, 0.0f);
    compare(
        "max indices", [d](const std::vector<Tensor>& v) { return max(v[0], d, true).indices; }, {x}, 0.0f, 0.0f);
    compare(
        "softmax", [d](const std::vector<Tensor>& v) { return softmax(v[0], d); }, {x}, 1e-6f, 1e-5f);
    compare(
        "log_softmax", [d](const std::vector<Tensor>& v) { return log_softmax(v[0], d); }, {x}, 1e-5f, 1e-5f);
  }
}

TEST_CASE("CUDA ops: matmul", "[cuda][ops]") {
  NORSE_REQUIRE_GPU();
  std::mt19937 rng(4);
  const Tensor a = random_tensor({17, 33}, rng), b = random_tensor({33, 9}, rng);
  const Tensor batched = random_tensor({4, 17, 33}, rng), bb = random_tensor({4, 33, 9}, rng);
  const Tensor seq = random_tensor({3, 5, 33}, rng), w = random_tensor({9, 33}, rng);
  auto mm = [](const std::vector<Tensor>& v) { return matmul(v[0], v[1]); };
  compare("2-D", mm, {a, b}, 1e-4f, 1e-5f);
  compare("batched", mm, {batched, bb}, 1e-4f, 1e-5f);
  compare("batched x 2-D (Linear over [T, B, K])", mm, {seq, b}, 1e-4f, 1e-5f);
  compare("2-D x batched (broadcast)", mm, {a, bb}, 1e-4f, 1e-5f);
  compare(
      "transposed weight", [](const std::vector<Tensor>& v) { return matmul(v[0], v[1].transpose(0, 1)); }, {seq, w},
      1e-4f, 1e-5f);
  compare(
      "a^T @ g", [](const std::vector<Tensor>& v) { return matmul(v[0].transpose(0, 1), v[1]); },
      {random_tensor({12, 17}, rng), random_tensor({12, 5}, rng)}, 1e-4f, 1e-5f);
  compare(
      "strided rows", [](const std::vector<Tensor>& v) { return matmul(v[0].slice(1, 0, 20), v[1].slice(0, 0, 20)); },
      {a, b}, 1e-4f, 1e-5f);
  compare("K = 0", mm, {zeros({3, 0}), zeros({0, 4})}, 0.0f, 0.0f);
}

TEST_CASE("CUDA ops: conv2d and its gradients, pooling", "[cuda][ops]") {
  NORSE_REQUIRE_GPU();
  std::mt19937 rng(5);
  for (const Conv2dOptions& o : {Conv2dOptions{1, 0}, Conv2dOptions{2, 1}, Conv2dOptions{1, 2},
                                 Conv2dOptions{Size2(2, 1), Size2(0, 1), Size2(2, 1), 1}}) {
    const Tensor x = random_tensor({3, 4, 11, 10}, rng), w = random_tensor({5, 4, 3, 3}, rng);
    const Tensor bias = random_tensor({5}, rng);
    compare(
        "conv2d", [&o](const std::vector<Tensor>& v) { return conv2d(v[0], v[1], v[2], o); }, {x, w, bias}, 1e-4f,
        1e-5f);
    compare(
        "conv2d without bias", [&o](const std::vector<Tensor>& v) { return conv2d(v[0], v[1], Tensor(), o); }, {x, w},
        1e-4f, 1e-5f);
    const Tensor y = conv2d(x, w, bias, o);
    const Tensor g = random_tensor(y.shape(), rng);
    compare(
        "conv2d_grad_input",
        [&o, &x](const std::vector<Tensor>& v) { return conv2d_grad_input(v[0], v[1], x.shape(), o); }, {g, w}, 1e-4f,
        1e-5f);
    compare(
        "conv2d_grad_weight",
        [&o, &w](const std::vector<Tensor>& v) { return conv2d_grad_weight(v[0], v[1], w.shape(), o); }, {g, x}, 1e-3f,
        1e-5f);
  }
  const Tensor x = random_tensor({2, 3, 9, 8}, rng);
  for (const Pool2dOptions& o : {Pool2dOptions{2, 0, 0}, Pool2dOptions{3, 2, 1}, Pool2dOptions{3, 1, 0}}) {
    compare(
        "max_pool2d values", [&o](const std::vector<Tensor>& v) { return max_pool2d(v[0], o).values; }, {x}, 0.0f,
        0.0f);
    compare(
        "max_pool2d indices", [&o](const std::vector<Tensor>& v) { return max_pool2d(v[0], o).indices; }, {x}, 0.0f,
        0.0f);
    const MaxPool2dResult r = max_pool2d(x, o);
    const Tensor g = random_tensor(r.values.shape(), rng);
    compare(
        "max_pool2d_backward",
        [&o, &x](const std::vector<Tensor>& v) { return max_pool2d_backward(v[0], v[1], x.shape(), o); },
        {g, r.indices}, 1e-6f, 1e-5f);
    compare(
        "avg_pool2d", [&o](const std::vector<Tensor>& v) { return avg_pool2d(v[0], o); }, {x}, 1e-6f, 1e-5f);
    compare(
        "avg_pool2d_backward",
        [&o, &x](const std::vector<Tensor>& v) { return avg_pool2d_backward(v[0], x.shape(), o); }, {g}, 1e-6f, 1e-5f);
  }
}

TEST_CASE("CUDA ops: concat and stack", "[cuda][ops]") {
  NORSE_REQUIRE_GPU();
  std::mt19937 rng(6);
  const Tensor a = random_tensor({2, 3, 4}, rng), b = random_tensor({2, 5, 4}, rng);
  compare(
      "concat",
      [](const std::vector<Tensor>& v) {
        return concat({v[0], v[1]}, 1);
      },
      {a, b}, 0.0f, 0.0f);
  compare(
      "stack",
      [](const std::vector<Tensor>& v) {
        return stack({v[0], v[0]}, 2);
      },
      {a}, 0.0f, 0.0f);
  REQUIRE_THROWS_AS(concat({a, to_gpu(b)}, 1), DeviceError);
}

TEST_CASE("CUDA ops: a network's loss and every gradient through the tape", "[cuda][ops][autograd]") {
  NORSE_REQUIRE_GPU();
  std::mt19937 rng(7);
  const Tensor images = random_tensor({6, 1, 12, 12}, rng, 0.0f, 1.0f);
  const Tensor targets = from_vector({0, 3, 1, 2, 3, 0}, {6});
  const Tensor w_conv = random_tensor({4, 1, 3, 3}, rng, -0.5f, 0.5f), b_conv = random_tensor({4}, rng, -0.1f, 0.1f);
  const Tensor w_fc = random_tensor({4, 4 * 5 * 5}, rng, -0.2f, 0.2f), b_fc = random_tensor({4}, rng, -0.1f, 0.1f);
  struct Run {
    float loss;
    std::vector<std::vector<float>> grads;
  };
  auto run = [&](Device device) {
    std::vector<Variable> params = {Variable(w_conv.to(device), true), Variable(b_conv.to(device), true),
                                    Variable(w_fc.to(device), true), Variable(b_fc.to(device), true)};
    const Variable x(images.to(device));
    Variable z = tanh(conv2d(x, params[0], params[1]));  // [6, 4, 10, 10]
    z = max_pool2d(z, Pool2dOptions{2, 0, 0});           // [6, 4, 5, 5]
    z = reshape(z, {6, 4 * 5 * 5});
    z = matmul(z, transpose(params[2], 0, 1)) + params[3];  // [6, 4]
    z = z * sigmoid(z) - mean(z, {1}, true) / 2.0f;
    const Variable loss =
        nll_loss(log_softmax(max(stack({z, z * 0.5f}, 0), 0).values, 1), targets) + sum(relu(z)) * 0.01f;
    loss.backward();
    Run r{loss.item(), {}};
    for (const Variable& p : params) {
      REQUIRE(p.grad().device() == device);
      r.grads.push_back(p.grad().to_vector());
    }
    return r;
  };
  const Run cpu = run(Device::kCPU);
  const Run gpu = run(Device::kCUDA);
  REQUIRE(gpu.loss == Approx(cpu.loss).epsilon(1e-5));
  const char* names[] = {"conv weight", "conv bias", "fc weight", "fc bias"};
  for (size_t k = 0; k < cpu.grads.size(); ++k) require_close(gpu.grads[k], cpu.grads[k], names[k], 1e-5f, 1e-4f);
}
