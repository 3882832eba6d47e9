// Every neuron module (models/neuron_modules.h) inside nn::SequentialState: Linear -> neuron
// module -> Linear, trained with Adam for a few steps. The loss must fall AND the first
// Linear's weights must get a gradient (so the gradient crossed the neuron module, not only the
// read-out), and a recurrent module's weights must change. On the CPU for every model; with
// --device=cuda semantics through the emulated backend for the models that have a CUDA path.
#include <catch2/catch.hpp>

#include <functional>
#include <memory>
#include <string>

#include "core/core.h"
#include "models/layers.h"
#include "models/neuron_layers.h"
#include "models/optim.h"
#include "models/sequential.h"
#include "tests/testing/gpu.h"
#include "tests/testing/skip.h"

using namespace norse;

namespace {

std::vector<float> to_vector(const Tensor& t) { return t.to_vector(); }

constexpr int64_t kIn = 6, kHidden = 16, kSteps = 20, kBatch = 4;

struct Outcome {
  float first_loss = 0, last_loss = 0;
  float first_layer_grad = 0;   // sum |grad| of the first Linear's weight at the first step
  float recurrent_change = -1;  // sum |change| of the module's recurrent weights (-1: none)
};

// `module` is the neuron layer; `sequence`: it takes [T, B, N] at once, else one step at a time.
Outcome train(const std::function<std::shared_ptr<nn::StatefulLayer>(Generator&)>& make, bool sequence, float drive,
              float offset, Device device) {
  Generator g(5);
  auto fc1 = std::make_shared<nn::Linear>(kIn, kHidden, g);
  std::shared_ptr<nn::StatefulLayer> neuron = make(g);
  auto fc2 = std::make_shared<nn::Linear>(kHidden, 2, g);
  nn::SequentialState net;
  net.add(fc1).add(neuron).add(fc2);
  net.to(device);
  Variable* recurrent = nullptr;
  for (auto& [name, p] : neuron->named_parameters()) {
    if (name == "recurrent_weights") recurrent = p;
  }
  const Tensor recurrent_before = recurrent ? recurrent->value().to(Device::kCPU).clone() : Tensor();  // to() may alias
  optim::AdamOptions o;
  o.lr = 0.02f;
  optim::Adam adam(net.named_parameters(), o);
  const Tensor x = add(mul(rand({kSteps, kBatch, kIn}, g), drive), offset).to(device);
  const Tensor target = rand({kBatch, 2}, g).to(device);
  Outcome out;
  for (int step = 0; step < 8; ++step) {
    adam.zero_grad();
    std::vector<nn::LayerState> state;
    Variable y;
    if (sequence) {
      y = net.forward(Variable(x), state);
    } else {
      std::vector<Variable> ys;
      for (int64_t t = 0; t < kSteps; ++t) ys.push_back(net.forward(Variable(x.select(0, t)), state));
      y = stack(ys, 0);
    }
    const Variable loss = mse_loss(mean(y, {0}), Variable(target));
    loss.backward();
    if (step == 0) {
      out.first_loss = loss.item();
      out.first_layer_grad = sum(abs(fc1->weight.grad())).item();
    }
    out.last_loss = loss.item();
    adam.step();
  }
  if (recurrent) out.recurrent_change = sum(abs(sub(recurrent->value().to(Device::kCPU), recurrent_before))).item();
  return out;
}

void require_trains(const std::string& name, const Outcome& o, bool recurrent) {
  INFO(name << ": loss " << o.first_loss << " -> " << o.last_loss << ", first-layer |grad| " << o.first_layer_grad
            << ", recurrent change " << o.recurrent_change);
  CHECK(o.last_loss < o.first_loss);
  CHECK(o.first_layer_grad > 0.0f);
  if (recurrent) CHECK(o.recurrent_change > 0.0f);
}

template <class Module>
std::function<std::shared_ptr<nn::StatefulLayer>(Generator&)> feed_forward(typename Module::Params p = {}) {
  return [p](Generator&) { return std::make_shared<Module>(p); };
}
template <class Module>
std::function<std::shared_ptr<nn::StatefulLayer>(Generator&)> recurrent(typename Module::Params p = {}) {
  return [p](Generator& g) { return std::make_shared<Module>(kHidden, kHidden, g, p); };
}

// Each model in its flavours, with an input drive that makes it spike.
void every_module(Device device, bool cuda_path_only) {
  struct Case {
    std::string name;
    std::function<std::shared_ptr<nn::StatefulLayer>(Generator&)> make;
    bool sequence, is_recurrent, has_cuda_path;
    float drive, offset;
  };
  const izhikevich::Behavior tonic = izhikevich::behavior("tonic_spiking");
  auto izhikevich_cell = [tonic](Generator&) {
    return std::make_shared<nn::IzhikevichCell>(nn::izhikevich_module<nn::IzhikevichCell>(tonic));
  };
  auto izhikevich_seq = [tonic](Generator&) {
    return std::make_shared<nn::Izhikevich>(nn::izhikevich_module<nn::Izhikevich>(tonic));
  };
  auto izhikevich_recurrent = [tonic](Generator& g) {
    auto m = std::make_shared<nn::IzhikevichRecurrent>(kHidden, kHidden, g, tonic.p);
    m->initial_values = {0.0f, tonic.v, tonic.u};
    return m;
  };
  const std::vector<Case> cases = {
      {"LIFCell", feed_forward<nn::LIFCell>(), false, false, true, 8, 0},
      {"LIF", feed_forward<nn::LIF>(), true, false, true, 8, 0},
      {"LIFRecurrentCell", recurrent<nn::LIFRecurrentCell>(), false, true, false, 8, 0},
      {"LIFRecurrent", recurrent<nn::LIFRecurrent>(), true, true, true, 8, 0},
      {"LICell", feed_forward<nn::LICell>(), false, false, true, 2, 0},
      {"LI", feed_forward<nn::LI>(), true, false, true, 2, 0},
      {"LIBoxCell", feed_forward<nn::LIBoxCell>(), false, false, true, 2, 0},
      {"LIBox", feed_forward<nn::LIBox>(), true, false, true, 2, 0},
      {"LIFBoxCell", feed_forward<nn::LIFBoxCell>(), false, false, true, 8, 0},
      {"LIFBox", feed_forward<nn::LIFBox>(), true, false, true, 8, 0},
      {"IAFCell", feed_forward<nn::IAFCell>(), false, false, false, 1, 0},
      {"IAF", feed_forward<nn::IAF>(), true, false, false, 1, 0},
      {"IAFRecurrentCell", recurrent<nn::IAFRecurrentCell>(), false, true, false, 1, 0},
      {"IAFRecurrent", recurrent<nn::IAFRecurrent>(), true, true, false, 1, 0},
      {"LSNNCell", feed_forward<nn::LSNNCell>(), false, false, true, 8, 0},
      {"LSNN", feed_forward<nn::LSNN>(), true, false, true, 8, 0},
      {"LSNNRecurrentCell", recurrent<nn::LSNNRecurrentCell>(), false, true, false, 8, 0},
      {"LSNNRecurrent", recurrent<nn::LSNNRecurrent>(), true, true, true, 8, 0},
      {"LIFExCell", feed_forward<nn::LIFExCell>(), false, false, false, 8, 0},
      {"LIFEx", feed_forward<nn::LIFEx>(), true, false, false, 8, 0},
      {"LIFExRecurrentCell", recurrent<nn::LIFExRecurrentCell>(), false, true, false, 8, 0},
      {"LIFExRecurrent", recurrent<nn::LIFExRecurrent>(), true, true, false, 8, 0},
      {"LIFAdExCell", feed_forward<nn::LIFAdExCell>(), false, false, false, 8, 0},
      {"LIFAdEx", feed_forward<nn::LIFAdEx>(), true, false, false, 8, 0},
      {"LIFAdExRecurrentCell", recurrent<nn::LIFAdExRecurrentCell>(), false, true, false, 8, 0},
      {"LIFAdExRecurrent", recurrent<nn::LIFAdExRecurrent>(), true, true, false, 8, 0},
      {"LIFRefracCell", feed_forward<nn::LIFRefracCell>(), false, false, false, 8, 0},
      {"LIFRefrac", feed_forward<nn::LIFRefrac>(), true, false, false, 8, 0},
      {"LIFRefracRecurrentCell", recurrent<nn::LIFRefracRecurrentCell>(), false, true, false, 8, 0},
      {"LIFRefracRecurrent", recurrent<nn::LIFRefracRecurrent>(), true, true, false, 8, 0},
      {"LIFAdExRefracCell", feed_forward<nn::LIFAdExRefracCell>(), false, false, false, 8, 0},
      {"LIFAdExRefrac", feed_forward<nn::LIFAdExRefrac>(), true, false, false, 8, 0},
      {"LIFAdExRefracRecurrentCell", recurrent<nn::LIFAdExRefracRecurrentCell>(), false, true, false, 8, 0},
      {"LIFAdExRefracRecurrent", recurrent<nn::LIFAdExRefracRecurrent>(), true, true, false, 8, 0},
      {"IzhikevichCell", izhikevich_cell, false, false, false, 20, 5},
      {"Izhikevich", izhikevich_seq, true, false, false, 20, 5},
      {"IzhikevichRecurrent", izhikevich_recurrent, true, true, false, 20, 5},
      {"CobaLIFFeedForwardCell", feed_forward<nn::CobaLIFFeedForwardCell>(), false, false, false, 20, 0},
      {"CobaLIFFeedForward", feed_forward<nn::CobaLIFFeedForward>(), true, false, false, 20, 0},
      {"LIFMCRecurrentCell", recurrent<nn::LIFMCRecurrentCell>(), false, true, false, 8, 0},
      {"LIFMCRefracRecurrentCell", recurrent<nn::LIFMCRefracRecurrentCell>(), false, true, false, 8, 0},
  };
  for (const Case& c : cases) {
    if (cuda_path_only && !c.has_cuda_path) continue;
    SECTION(c.name) { require_trains(c.name, train(c.make, c.sequence, c.drive, c.offset, device), c.is_recurrent); }
  }
}

}  // namespace

TEST_CASE("Every neuron module trains inside SequentialState on the CPU", "[nn][modules]") {
  every_module(Device::kCPU, false);
}

TEST_CASE("The neuron modules with a CUDA path train on cuda tensors", "[nn][modules][cuda]") {
  NORSE_REQUIRE_GPU();
  every_module(Device::kCUDA, true);
}

TEST_CASE("Module state: named fields in order, and an Izhikevich module starts from its behaviour", "[nn][modules]") {
  nn::LSNNCell cell;
  nn::LayerState state;
  cell.forward(Variable(full({2, 3}, 0.5f)), state);
  REQUIRE(state.size() == 3);  // v, i, b
  nn::LSNNRecurrentCell rcell(3, 4, *std::make_unique<Generator>(1));
  nn::LayerState rstate;
  rcell.forward(Variable(full({2, 3}, 0.5f)), rstate);
  REQUIRE(rstate.size() == 4);  // z, v, i, b
  // The two weights, then LSNN's seven parameters by Norse's names, trainable or not.
  REQUIRE(rcell.named_parameters().size() == 9);
  REQUIRE(rcell.named_parameters()[6].first == "v_th");
  REQUIRE_FALSE(rcell.named_parameters()[6].second->requires_grad());
  rcell.params.v_th = Variable(scalar_tensor(0.5f), true);
  REQUIRE(rcell.named_parameters().size() == 9);
  REQUIRE(rcell.named_parameters()[6].second->requires_grad());

  const izhikevich::Behavior tonic = izhikevich::behavior("tonic_spiking");
  nn::IzhikevichCell iz = nn::izhikevich_module<nn::IzhikevichCell>(tonic);
  nn::LayerState s;
  iz.forward(Variable(zeros({1, 2})), s);
  // One step from v = -70, u = -14 with no input: v1 = v + k (0.04 v^2 + 5 v + 140 - u).
  const float k = 250.0f * 1e-3f, v = -70.0f, u = -14.0f;
  REQUIRE(s[0].value().to_vector()[0] == Approx(v + k * (0.04f * (v * v) + 5.0f * v + 140.0f - u)));
  nn::IzhikevichCell bare;
  nn::LayerState empty;
  REQUIRE_THROWS_WITH(bare.forward(Variable(zeros({1, 2})), empty), Catch::Contains("state field 'v'"));
}

TEST_CASE("CobaLIFCell: Norse's recurrent conductance cell as a module, equal to its functional step",
          "[nn][modules]") {
  Generator g(9);
  nn::CobaLIFCell cell(3, 5, g);
  const std::vector<nn::NamedParameter> params = cell.named_parameters();
  REQUIRE(params.size() == 11);  // the two weights, then CobaLIF's nine parameters
  REQUIRE(params[0].first == "input_weights");
  REQUIRE(params[1].first == "recurrent_weights");
  // Norse's CobaLIFCell overwrites the input's conductance jump, so only the recurrent spikes of
  // the state drive it: start from a state with spikes.
  const Tensor z0 = heaviside(add(rand({2, 5}, g), -0.5f));
  nn::LayerState state = {Variable(z0), Variable(full({2, 5}, -0.06f)), Variable(zeros({2, 5})),
                          Variable(zeros({2, 5}))};
  const Variable x(rand({2, 3}, g));
  const Variable z = cell.forward(x, state);
  const coba_lif::RecurrentStepResult f =
      coba_lif::coba_lif_recurrent_step(x, cell.input_weights, cell.recurrent_weights,
                                        coba_lif::RecurrentState{Variable(z0), Variable(full({2, 5}, -0.06f)),
                                                                 Variable(zeros({2, 5})), Variable(zeros({2, 5}))},
                                        cell.params);
  REQUIRE(state.size() == 4);  // z, v, g_e, g_i
  REQUIRE(to_vector(z.value()) == to_vector(f.z.value()));
  REQUIRE(to_vector(state[1].value()) == to_vector(f.state.v.value()));
  REQUIRE(to_vector(state[2].value()) == to_vector(f.state.g_e.value()));
  // The recurrent weights get a gradient through the conductances.
  sum(state[1]).backward();
  REQUIRE(sum(abs(cell.recurrent_weights.grad())).item() > 0.0f);
}

TEST_CASE("LIFMC cells own the coupling g_coupling and train it", "[nn][modules]") {
  Generator g(10);
  nn::LIFMCRecurrentCell mc(4, 6, g);
  nn::LIFMCRefracRecurrentCell refrac(4, 6, g);
  REQUIRE(mc.named_parameters().size() == 8);  // two weights, g_coupling, LIF's five
  REQUIRE(mc.named_parameters()[2].first == "g_coupling");
  refrac.params.rho_reset = Variable(scalar_tensor(3.0f), true);
  const std::vector<nn::NamedParameter> named = refrac.named_parameters();
  REQUIRE(named.size() == 9);
  REQUIRE(named[3].first == "lif.tau_syn_inv");
  REQUIRE(named[8].first == "rho_reset");
  // Its coupling term: a step of LIFMCRecurrentCell = the functional lif_mc_step.
  nn::LayerState state;
  const Variable x(mul(rand({3, 4}, g), 4.0f));
  nn::LayerState s0;
  mc.forward(x, s0);
  const Variable z = mc.forward(x, s0);
  const lif_mc::StepResult f1 =
      lif_mc::lif_mc_step(x, mc.input_weights, mc.recurrent_weights, mc.g_coupling, {}, mc.params);
  const lif_mc::StepResult f2 =
      lif_mc::lif_mc_step(x, mc.input_weights, mc.recurrent_weights, mc.g_coupling, f1.state, mc.params);
  REQUIRE(to_vector(z.value()) == to_vector(f2.z.value()));
  REQUIRE(to_vector(s0[1].value()) == to_vector(f2.state.v.value()));
}

TEST_CASE("a neuron parameter marked trainable after the optimizer was built trains", "[nn][modules]") {
  Generator g(12);
  auto fc = std::make_shared<nn::Linear>(3, 4, g);
  auto lif = std::make_shared<nn::LIF>();
  nn::SequentialState net;
  net.add(fc).add(lif);
  optim::Adam adam(net.named_parameters(), optim::AdamOptions{});
  lif->params.v_th = Variable(scalar_tensor(0.5f), true);  // after the optimizer: same entry
  const Variable x(mul(rand({8, 2, 3}, g), 5.0f));
  for (int step = 0; step < 2; ++step) {
    std::vector<nn::LayerState> states;
    adam.zero_grad();
    sum(net.forward(x, states)).backward();
    adam.step();
  }
  REQUIRE(lif->params.v_th.value().item() != 0.5f);
  // The parameters that do not require grad stay as they were.
  REQUIRE(lif->params.v_leak.value().item() == 0.0f);
  REQUIRE(lif->params.tau_mem_inv.value().item() == 100.0f);
}
