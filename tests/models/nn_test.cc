// Layers, Lift, SequentialState: values, initialisation, gradients, modes, errors.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "core/core.h"
#include "models/layers.h"
#include "models/neuron_layers.h"
#include "models/sequential.h"
#include "tests/testing/gradcheck.h"

using namespace norse;
using Vars = std::vector<Variable>;

TEST_CASE("Linear: y = x W^T + b, PyTorch's init bounds, gradients", "[nn]") {
  Generator g(1);
  nn::Linear fc(3, 2, g);
  REQUIRE(fc.weight.shape() == Shape{2, 3});
  REQUIRE(fc.bias.shape() == Shape{2});
  const float bound = 1.0f / std::sqrt(3.0f);
  for (float w : fc.weight.value().to_vector()) REQUIRE(std::fabs(w) <= bound);
  fc.weight = Variable(from_vector({1, 2, 3, 4, 5, 6}, {2, 3}), true);
  fc.bias = Variable(from_vector({0.5f, -1}, {2}), true);
  NORSE_REQUIRE_CLOSE(fc.forward(Variable(from_vector({1, 0, -1}, {1, 3}))).value(), from_vector({-1.5f, -3}, {1, 2}));
  // Batched leading dimensions: [T, B, in].
  REQUIRE(fc.forward(Variable(zeros({4, 5, 3}))).shape() == Shape{4, 5, 2});
  testing::check_gradients(
      [](const Vars& v) {
        Generator unused(0);
        nn::Linear layer(3, 2, unused);
        layer.weight = v[1];
        layer.bias = v[2];
        return layer.forward(v[0]);
      },
      {randn({4, 3}, g), randn({2, 3}, g), randn({2}, g)});
  REQUIRE_THROWS_WITH(fc.forward(Variable(zeros({2, 4}))),
                      Catch::Contains("Linear: argument 'input' must be [..., 3], got [2, 4]"));
  REQUIRE(fc.named_parameters().size() == 2);
  REQUIRE(fc.named_parameters()[0].first == "weight");
}

TEST_CASE("Conv2d: init bound 1/sqrt(fan_in), forward = conv2d, gradients", "[nn]") {
  Generator g(2);
  nn::Conv2d conv(2, 3, 3, g, 1, 1);
  const float bound = 1.0f / std::sqrt(18.0f);
  for (float w : conv.weight.value().to_vector()) REQUIRE(std::fabs(w) <= bound);
  for (float b : conv.bias.value().to_vector()) REQUIRE(std::fabs(b) <= bound);
  const Tensor x = randn({2, 2, 5, 5}, g);
  NORSE_REQUIRE_CLOSE(conv.forward(Variable(x)).value(), conv2d(x, conv.weight.value(), conv.bias.value(), {1, 1}));
  testing::check_gradients(
      [](const Vars& v) {
        Generator unused(0);
        nn::Conv2d layer(2, 3, 3, unused, 1, 1);
        layer.weight = v[1];
        layer.bias = v[2];
        return layer.forward(v[0]);
      },
      {randn({1, 2, 4, 4}, g), randn({3, 2, 3, 3}, g), randn({3}, g)});
}

TEST_CASE("pooling, Flatten, ReLU and Dropout layers", "[nn]") {
  Generator g(3);
  const Tensor x = randn({2, 3, 4, 4}, g);
  NORSE_REQUIRE_CLOSE(nn::MaxPool2d(2).forward(Variable(x)).value(), max_pool2d(x, {2, 0, 0}).values);
  NORSE_REQUIRE_CLOSE(nn::AvgPool2d(2).forward(Variable(x)).value(), avg_pool2d(x, {2, 0, 0}));
  REQUIRE(nn::Flatten().forward(Variable(x)).shape() == Shape{2, 48});
  REQUIRE(nn::Flatten(0, 1).forward(Variable(x)).shape() == Shape{6, 4, 4});
  NORSE_REQUIRE_CLOSE(nn::ReLU().forward(Variable(x)).value(), relu(x));
  Generator dg(4);
  nn::Dropout drop(0.5f, dg);
  const Tensor dropped = drop.forward(Variable(ones({1000}))).value();
  const float kept = sum(gt(dropped, scalar_tensor(0.0f))).item();
  REQUIRE(kept == Approx(500).margin(80));
  drop.eval();
  REQUIRE(drop.forward(Variable(x)).value().to_vector() == x.to_vector());
  REQUIRE_THROWS_AS(nn::Dropout(1.0f, dg), InvalidArgument);
}

namespace {
// Counts forward calls, to prove that Lift runs its layer once per sequence.
class CountingLayer : public nn::Layer {
 public:
  explicit CountingLayer(std::shared_ptr<nn::Layer> inner) : inner_(std::move(inner)) {}
  Variable forward(const Variable& input) override {
    ++calls;
    shapes.push_back(input.shape());
    return inner_->forward(input);
  }
  std::vector<nn::NamedParameter> named_parameters() override { return inner_->named_parameters(); }
  int calls = 0;
  std::vector<Shape> shapes;

 private:
  std::shared_ptr<nn::Layer> inner_;
};
}  // namespace

TEST_CASE("Lift runs a stateless layer once on the T*B batch", "[nn][lift]") {
  Generator g(5);
  auto conv = std::make_shared<nn::Conv2d>(1, 4, 3, g);
  auto counting = std::make_shared<CountingLayer>(conv);
  nn::Lift lift(counting);
  const Tensor x = randn({6, 2, 1, 7, 7}, g);
  const Variable y = lift.forward(Variable(x));
  REQUIRE(counting->calls == 1);
  REQUIRE(counting->shapes[0] == Shape{12, 1, 7, 7});
  REQUIRE(y.shape() == Shape{6, 2, 4, 5, 5});
  for (int64_t t = 0; t < 6; ++t) {
    NORSE_REQUIRE_CLOSE(y.value().select(0, t), conv->forward(Variable(x.select(0, t))).value(), 1e-5f, 1e-5f);
  }
  REQUIRE(lift.named_parameters().size() == 2);
}

TEST_CASE("SequentialState carries neuron state between calls; names; modes", "[nn][sequential]") {
  Generator g(6);
  nn::SequentialState net;
  Generator dg(7);
  net.add(std::make_shared<nn::Linear>(4, 8, g))
      .add(std::make_shared<nn::LIFCellLayer>())
      .add(std::make_shared<nn::Dropout>(0.5f, dg))
      .add(std::make_shared<nn::Linear>(8, 2, g))
      .add(std::make_shared<nn::LICellLayer>());
  const auto names = net.named_parameters();
  REQUIRE(names.size() == 12);  // 2 + LIF's 5 + 2 + LI's 3; Dropout has none
  REQUIRE(names[0].first == "0.weight");
  REQUIRE(names[2].first == "1.tau_syn_inv");
  REQUIRE(names[8].first == "3.bias");
  net.eval();
  std::vector<nn::LayerState> state;
  const Variable x(mul(ones({3, 4}), 5.0f));
  const Variable y1 = net.forward(x, state);
  REQUIRE(state.size() == 5);
  REQUIRE(state[1].size() == 2);  // LIF {v, i}
  REQUIRE(state[0].empty());      // stateless
  const Variable y2 = net.forward(x, state);
  REQUIRE(y1.value().to_vector() != y2.value().to_vector());  // the LI voltage integrates
  // Restarting from default states reproduces the first output.
  std::vector<nn::LayerState> fresh;
  REQUIRE(net.forward(x, fresh).value().to_vector() == y1.value().to_vector());
  // zero_grad clears every parameter's gradient.
  sum(net.forward(x, fresh)).backward();
  REQUIRE(names[0].second->grad().defined());
  net.zero_grad();
  REQUIRE_FALSE(names[0].second->grad().defined());
  std::vector<nn::LayerState> wrong(2);
  REQUIRE_THROWS_AS(net.forward(x, wrong), InvalidArgument);
}

TEST_CASE("LIFLayer over a sequence equals LIFCellLayer stepped", "[nn]") {
  Generator g(8);
  const Tensor x = mul(rand({10, 2, 5}, g), 3.0f);
  nn::LIFLayer seq;
  nn::LIFCellLayer cell;
  nn::LayerState s1, s2;
  const Variable z = seq.forward(Variable(x), s1);
  for (int64_t t = 0; t < 10; ++t) {
    const Variable zt = cell.forward(Variable(x.select(0, t)), s2);
    REQUIRE(zt.value().to_vector() == z.value().select(0, t).to_vector());
  }
  NORSE_REQUIRE_CLOSE(s1[0].value(), s2[0].value(), 1e-6f, 1e-6f);
}

TEST_CASE("RecurrentSequential feeds its output back into the next step's input", "[nn][sequential]") {
  Generator g(11);
  auto linear = std::make_shared<nn::Linear>(4, 4, g);
  auto lif = std::make_shared<nn::LIFCell>();
  nn::RecurrentSequential recurrent;  // the LIF spikes come back
  recurrent.add(linear).add(lif);
  nn::SequentialState plain;  // the same layers, fed back by hand
  plain.add(linear).add(lif);
  REQUIRE(recurrent.named_parameters().size() == 7);  // the Linear's two, the LIF cell's five
  const Tensor x = mul(rand({6, 2, 4}, g), 6.0f);
  nn::RecurrentSequentialState state;
  std::vector<nn::LayerState> plain_state;
  Variable previous;
  float spikes = 0.0f;
  for (int64_t t = 0; t < 6; ++t) {
    const Variable xt(x.select(0, t));
    const Variable y = recurrent.forward(xt, state);
    const Variable expected = plain.forward(previous.defined() ? xt + previous : xt, plain_state);
    REQUIRE(y.value().to_vector() == expected.value().to_vector());
    previous = expected;
    spikes += sum(y).item();
  }
  REQUIRE(spikes > 0.0f);  // something was fed back

  // The output of another layer (the Linear, index 0) can be the one fed back.
  nn::RecurrentSequential from_linear(0);
  from_linear.add(linear).add(lif);
  nn::RecurrentSequentialState s0;
  const Variable a = from_linear.forward(Variable(x.select(0, 0)), s0);
  const Variable b = from_linear.forward(Variable(x.select(0, 1)), s0);
  REQUIRE(a.shape() == Shape{2, 4});
  REQUIRE(b.value().to_vector() == linear->forward(Variable(x.select(0, 1)) + a).value().to_vector());

  // A fed-back output of another shape is refused on the step that would add it.
  nn::RecurrentSequential narrowing;
  narrowing.add(std::make_shared<nn::Linear>(4, 3, g));
  nn::RecurrentSequentialState s1;
  narrowing.forward(Variable(x.select(0, 0)), s1);
  REQUIRE_THROWS_WITH(narrowing.forward(Variable(x.select(0, 1)), s1), Catch::Contains("input's shape [2, 4]"));
  nn::RecurrentSequential out_of_range(5);
  out_of_range.add(linear);
  nn::RecurrentSequentialState s2;
  REQUIRE_THROWS_WITH(out_of_range.forward(Variable(x.select(0, 0)), s2), Catch::Contains("output_module"));
}

TEST_CASE("Stochastic layers get their generator from the container", "[nn][sequential]") {
  auto run = [](uint64_t seed) {
    Generator init(12);
    nn::SequentialState net;
    lif::Params p;
    p.method = Surrogate::kLogistic;  // a random spike function, p(spike) near 1/2
    p.alpha = 5.0f;
    p.v_th = Variable(scalar_tensor(0.0f));
    net.add(std::make_shared<nn::Linear>(4, 8, init))
        .add(std::make_shared<nn::Dropout>(0.5f))
        .add(std::make_shared<nn::LIFCell>(p));
    Generator gen(seed);
    net.set_generator(&gen);
    std::vector<nn::LayerState> state;
    std::vector<Variable> outputs;
    net.forward(Variable(ones({3, 4})), state, &outputs);
    std::vector<float> dropped = outputs[1].value().to_vector(), spikes = outputs[2].value().to_vector();
    REQUIRE(std::count(dropped.begin(), dropped.end(), 0.0f) > 0);  // dropout drew
    dropped.insert(dropped.end(), spikes.begin(), spikes.end());
    return dropped;
  };
  REQUIRE(run(1) == run(1));  // the same draws from the same seed
  REQUIRE(run(1) != run(2));
  nn::SequentialState bare;
  bare.add(std::make_shared<nn::Dropout>(0.5f));
  std::vector<nn::LayerState> state;
  REQUIRE_THROWS_WITH(bare.forward(Variable(ones({3, 4})), state), Catch::Contains("set_generator"));
  bare.eval();  // evaluation mode draws nothing
  REQUIRE(bare.forward(Variable(ones({3, 4})), state).value().to_vector() == ones({3, 4}).to_vector());
}

TEST_CASE("SequentialState names every layer's state fields", "[nn]") {
  Generator g(3);
  nn::SequentialState net;
  net.add(std::make_shared<nn::Linear>(4, 5, g))
      .add(std::make_shared<nn::LSNNRecurrentCell>(5, 6, g))
      .add(std::make_shared<nn::Linear>(6, 2, g))
      .add(std::make_shared<nn::LICell>());
  std::vector<nn::LayerState> states;
  net.forward(Variable(full({3, 4}, 0.5f)), states);
  const auto named = net.named_states(states);
  std::vector<std::string> names;
  for (const auto& [name, value] : named) {
    names.push_back(name);
    REQUIRE(value.defined());
  }
  REQUIRE(names == std::vector<std::string>{"1.z", "1.v", "1.i", "1.b", "3.v", "3.i"});
  REQUIRE(named[1].second.value().to_vector() == states[1][1].value().to_vector());
  REQUIRE(named[4].second.shape() == Shape{3, 2});
  // The feed-forward flavours and the LI read-out with its weights name theirs likewise.
  REQUIRE(nn::LIFAdExRefrac().state_names() == std::vector<std::string>{"v", "i", "a", "rho"});
  REQUIRE(nn::IzhikevichRecurrentCell(2, 3, g).state_names() == std::vector<std::string>{"z", "v", "u"});
  REQUIRE(nn::LILinearCell(2, 3, g).state_names() == std::vector<std::string>{"v", "i"});
  REQUIRE(nn::LIFMCRefracRecurrentCell(2, 3, g).state_names() == std::vector<std::string>{"z", "v", "i", "rho"});
  std::vector<nn::LayerState> wrong(2);
  REQUIRE_THROWS_WITH(net.named_states(wrong), Catch::Contains("one LayerState per layer (4), got 2"));
}
