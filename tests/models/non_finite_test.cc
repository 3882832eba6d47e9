// Non-finite numbers (issue 15, table rows 7 and 8): a NaN reaching training stops it with a
// message naming the step and the first parameter affected, before one optimizer step spreads
// it into every weight; anomaly mode names the first op whose output or gradient is not finite;
// parameters outside their meaning are refused where a model reads them.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "core/core.h"
#include "models/layers.h"
#include "models/li.h"
#include "models/lif.h"
#include "models/optim.h"

using namespace norse;

namespace {
// Norse's smallest spiking classifier: Linear -> LIF -> Linear -> LI, max over time, NLL.
struct TinyNet {
  explicit TinyNet(Generator& g) : fc1(4, 8, g), fc2(8, 3, g) {}
  Variable loss(const Tensor& x, const Tensor& labels) {
    const Variable z = lif::lif_sequence(fc1.forward(Variable(x)), lif::State{}, lif::Params{}).z;
    const Variable v = li::li_sequence(fc2.forward(z), li::State{}, li::Params{}, 1e-3f, true).record.v;
    return nll_loss(log_softmax(max(v, 0).values, 1), labels);
  }
  std::vector<nn::NamedParameter> params() {
    std::vector<nn::NamedParameter> all;
    for (auto& [name, p] : fc1.named_parameters()) all.emplace_back("fc1." + name, p);
    for (auto& [name, p] : fc2.named_parameters()) all.emplace_back("fc2." + name, p);
    return all;
  }
  nn::Linear fc1, fc2;
};

Tensor input_with(float bad, Generator& g) {
  Tensor x = mul(rand({10, 2, 4}, g), 40.0f);  // [T, B, 4], strong enough to spike
  x.at({3, 1, 2}) = bad;
  return x;
}
}  // namespace

TEST_CASE("row 7: a NaN or inf in the input stops the step before Adam writes it into the weights",
          "[non_finite][reliability]") {
  for (const float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
    CAPTURE(bad);
    Generator g(7);
    TinyNet net(g);
    optim::Adam adam(net.params(), optim::AdamOptions{});
    const Tensor labels = from_vector({0, 2}, {2});
    const std::vector<float> before = net.fc1.weight.value().to_vector();
    adam.zero_grad();
    const Variable loss = net.loss(input_with(bad, g), labels);
    loss.backward();
    REQUIRE_THROWS_AS(adam.check_finite(loss, "epoch 1, batch 4"), NonFiniteError);
    REQUIRE_THROWS_WITH(adam.check_finite(loss, "epoch 1, batch 4"),
                        Catch::StartsWith("epoch 1, batch 4: ") &&
                            Catch::Contains("gradient of parameter 'fc1.weight'") &&
                            Catch::Contains("the first parameter affected"));
    REQUIRE(net.fc1.weight.value().to_vector() == before);  // the caller stops: nothing was written
  }
  // A clean step passes the check.
  Generator g(8);
  TinyNet net(g);
  optim::Adam adam(net.params(), optim::AdamOptions{});
  const Variable loss = net.loss(mul(rand({10, 2, 4}, g), 40.0f), from_vector({0, 2}, {2}));
  loss.backward();
  REQUIRE_NOTHROW(adam.check_finite(loss, "clean"));
}

TEST_CASE("a non-finite loss with finite gradients is named too", "[non_finite][reliability]") {
  Variable w(ones({2}), true);
  optim::SGD sgd({{"w", &w}}, optim::SGDOptions{});
  const Variable loss = sum(w * 0.0f) + Variable(scalar_tensor(std::numeric_limits<float>::infinity()));
  loss.backward();
  REQUIRE_THROWS_WITH(sgd.check_finite(loss, "step 9"), Catch::Contains("step 9: the loss is not finite (inf)"));
}

TEST_CASE("anomaly mode names the first op whose output or gradient is not finite",
          "[non_finite][anomaly][reliability]") {
  Generator g(9);
  TinyNet net(g);
  const Tensor labels = from_vector({0, 2}, {2});
  {
    // Forward: the NaN input first becomes an op output in fc1's matmul.
    AnomalyModeGuard anomaly;
    REQUIRE(anomaly_mode_enabled());
    REQUIRE_THROWS_AS(net.loss(input_with(std::nanf(""), g), labels), NonFiniteError);
    REQUIRE_THROWS_WITH(net.loss(input_with(std::nanf(""), g), labels),
                        Catch::Contains("anomaly detected: forward: output 0 of op 'matmul'") &&
                            Catch::Contains("is nan at flat index"));
  }
  REQUIRE_FALSE(anomaly_mode_enabled());
  {
    // Backward: sqrt at 0 is finite forward and infinite backward.
    Variable x(from_vector({4.0f, 0.0f}, {2}), true);
    const Variable y = sum(sqrt(x));
    AnomalyModeGuard anomaly;
    REQUIRE_THROWS_WITH(y.backward(),
                        Catch::Contains("anomaly detected: backward: the gradient for input 0 of op 'sqrt'") &&
                            Catch::Contains("is inf at flat index 1"));
  }
  {
    // Off (the default): the same backward runs and leaves the inf in the gradient.
    Variable x(from_vector({4.0f, 0.0f}, {2}), true);
    sum(sqrt(x)).backward();
    REQUIRE(std::isinf(x.grad().to_vector()[1]));
  }
}

TEST_CASE("row 8: parameters outside their meaning are refused", "[non_finite][params][reliability]") {
  Generator g(10);
  const Variable x(rand({5, 2, 3}, g));
  lif::Params p;
  p.v_th = Variable(scalar_tensor(-1.0f));
  p.tau_mem_inv = Variable(scalar_tensor(-100.0f));
  // The input: v_th = -1, tau_mem_inv = -100, dt = 1.
  // The first rule broken, in parameter order, is named: here dt * tau_syn_inv = 200.
  REQUIRE_THROWS_AS(lif::lif_sequence(x, lif::State{}, p, 1.0f), InvalidArgument);
  REQUIRE_THROWS_WITH(lif::lif_sequence(x, lif::State{}, p, 1.0f),
                      Catch::Contains("lif_sequence: parameter 'tau_syn_inv'"));
  REQUIRE_THROWS_WITH(
      lif::lif_sequence(x, lif::State{}, p, 1e-3f),
      Catch::Contains("parameter 'tau_mem_inv' is an inverse time constant (1/s) and must be >= 0, got -100"));
  // dt so large that the Euler step diverges: dt * tau_syn_inv = 1 * 200.
  REQUIRE_THROWS_WITH(lif::lif_sequence(x, lif::State{}, lif::Params{}, 1.0f),
                      Catch::Contains("dt * tau_syn_inv = 200 > 2") && Catch::Contains("diverges"));
  // Per-neuron values are checked one by one (flat index named); the generic models too.
  li::Params lp;
  lp.tau_mem_inv = Variable(from_vector({100.0f, -5.0f, 100.0f}, {3}));
  REQUIRE_THROWS_WITH(li::li_sequence(x, li::State{}, lp),
                      Catch::Contains("'tau_mem_inv'") && Catch::Contains("at flat index 1"));
  // Kept: NaN parameters and dt <= 0 are refused as before; a threshold below the reset is a
  // legal (if odd) setting, and dt * tau_inv up to 2 is bounded.
  lif::Params nan_p;
  nan_p.v_th = Variable(scalar_tensor(std::nanf("")));
  REQUIRE_THROWS_WITH(lif::lif_sequence(x, lif::State{}, nan_p), Catch::Contains("parameter 'v_th' must be finite"));
  REQUIRE_THROWS_WITH(lif::lif_sequence(x, lif::State{}, lif::Params{}, 0.0f),
                      Catch::Contains("argument 'dt' must be finite and > 0"));
  lif::Params low;
  low.v_th = Variable(scalar_tensor(-1.0f));
  REQUIRE_NOTHROW(lif::lif_sequence(x, lif::State{}, low, 1e-3f));
  REQUIRE_NOTHROW(lif::lif_sequence(x, lif::State{}, lif::Params{}, 0.01f));  // dt * tau_syn_inv = 2
}
