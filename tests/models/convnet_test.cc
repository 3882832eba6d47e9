// Norse's ConvNet and ConvNet4 as library models (models/convnet.h): their sizes and names, the
// fused forward against Norse's forward written literally (every layer stepped in a loop over
// time, as conv.py does), values and gradients, and a few Adam steps that lower a loss.
#include <catch2/catch.hpp>

#include <cmath>

#include "core/core.h"
#include "models/convnet.h"
#include "models/optim.h"
#include "tests/testing/gradcheck.h"

using namespace norse;

namespace {

// Norse's ConvNet(4).forward, step by step, on the library model's own layers and parameters.
Variable norse_loop(nn::ConvNetBase& net, const Variable& x) {
  const int64_t t_steps = x.size(0);
  lif::State s0, s1, s2;
  nn::LayerState so;
  std::vector<Variable> voltages;
  for (int64_t t = 0; t < t_steps; ++t) {
    Variable z = net.conv1->forward(select(x, 0, t));
    const lif::StepResult r0 = lif::lif_step(z, s0, net.lif0.params);
    s0 = r0.state;
    z = max_pool2d(r0.z, Pool2dOptions{2});
    z = mul(net.conv2->forward(z), 10.0f);
    const lif::StepResult r1 = lif::lif_step(z, s1, net.lif1.params);
    s1 = r1.state;
    z = max_pool2d(r1.z, Pool2dOptions{2});
    z = reshape(z, {z.size(0), -1});
    const lif::StepResult r2 = lif::lif_step(net.fc1->forward(z), s2, net.lif2.params);
    s2 = r2.state;
    voltages.push_back(net.out.forward(relu(r2.z), so));
  }
  return stack(voltages, 0);
}

}  // namespace

TEST_CASE("ConvNet and ConvNet4: Norse's layer sizes, names and thresholds", "[convnet]") {
  Generator g(1);
  nn::ConvNet4 net4(g);
  const auto names = net4.named_parameters();
  REQUIRE(names.size() == 25);  // the weights and biases, the read-out's LI parameters, 3 x LIF's 5
  REQUIRE(names[10].first == "lif0.tau_syn_inv");
  REQUIRE(names[14].first == "lif0.v_reset");
  REQUIRE(names[0].first == "conv1.weight");
  REQUIRE(names[4].first == "fc1.weight");
  REQUIRE(names[6].first == "out.weight");
  REQUIRE(net4.conv1->weight.shape() == Shape{32, 1, 5, 5});
  REQUIRE(net4.conv2->weight.shape() == Shape{64, 32, 5, 5});
  REQUIRE(net4.fc1->weight.shape() == Shape{1024, 4 * 4 * 64});
  REQUIRE(net4.out.weight.shape() == Shape{10, 1024});
  REQUIRE(net4.lif0.params.v_th.item() == 0.7f);
  REQUIRE(net4.lif2.params.v_th.item() == 1.0f);
  nn::ConvNet net(g, nn::ConvNetOptions{3, 32, Surrogate::kTanh});
  REQUIRE(net.conv1->weight.shape() == Shape{20, 3, 5, 5});
  REQUIRE(net.fc1->weight.shape() == Shape{500, 5 * 5 * 50});  // ((32 - 4) / 2 - 4) / 2 = 5
  REQUIRE(net.lif1.params.v_th.item() == 1.0f);
  REQUIRE(net.lif1.params.method == Surrogate::kTanh);
  REQUIRE_THROWS_AS(net.forward(Variable(zeros({2, 3, 32, 32}))), ShapeError);
  REQUIRE_THROWS_AS(nn::ConvNet(g, nn::ConvNetOptions{1, 8}), InvalidArgument);
}

TEST_CASE("ConvNet4's fused forward equals Norse's step-by-step loop, values and gradients", "[convnet]") {
  Generator g(2);
  nn::ConvNet4 net(g);
  // A strong input current so that all three LIF layers spike within the few steps.
  const Tensor x = mul(rand({16, 2, 1, 28, 28}, g), 8.0f);
  std::vector<std::pair<std::string, Variable>> trace;
  const Variable fused = net.forward(Variable(x), &trace);
  REQUIRE(fused.shape() == Shape{16, 2, 10});
  REQUIRE(trace.size() == 5);
  for (const auto& [name, z] : trace) {
    INFO(name);
    if (name.find("LIF") != std::string::npos) CHECK(sum(z).item() > 0.0f);
  }
  const Tensor w = randn({16, 2, 10}, g);
  sum(fused * Variable(w)).backward();
  const Tensor g_conv1 = net.conv1->weight.grad(), g_fc1 = net.fc1->weight.grad();
  net.zero_grad();
  const Variable looped = norse_loop(net, Variable(x));
  REQUIRE(testing::compare_tensors(fused.value(), looped.value(), 1e-5f, 1e-4f).empty());
  sum(looped * Variable(w)).backward();
  REQUIRE(testing::compare_tensors(g_conv1, net.conv1->weight.grad(), 1e-5f, 1e-3f).empty());
  REQUIRE(testing::compare_tensors(g_fc1, net.fc1->weight.grad(), 1e-5f, 1e-3f).empty());
  REQUIRE(sum(abs(g_conv1)).item() > 0.0f);
}

TEST_CASE("ConvNet trains: a few Adam steps lower a loss on its read-out", "[convnet]") {
  Generator g(3);
  nn::ConvNet net(g);
  const Tensor x = mul(rand({16, 4, 1, 28, 28}, g), 8.0f);
  const Tensor labels = from_vector({0, 3, 5, 9}, {4});
  optim::Adam adam(net.named_parameters(), {5e-4f});
  float first = 0.0f, last = 0.0f;
  for (int step = 0; step < 6; ++step) {
    adam.zero_grad();
    const Variable logits = max(net.forward(Variable(x)), 0).values;
    const Variable loss = nll_loss(log_softmax(logits, 1), labels);
    loss.backward();
    adam.step();
    if (step == 0) first = loss.item();
    last = loss.item();
  }
  INFO("loss " << first << " -> " << last);
  REQUIRE(last < first);
}
