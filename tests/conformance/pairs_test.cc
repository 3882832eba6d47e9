// The runner reaches every model in every mode Norse has: the model/mode pairs it registers are
// checked against the pairs the models' traits imply (models/neuron_modules.h, nn::neuron::
// AllModels), both ways, so a new model or flavour without a handler fails here, and so does a
// handler for a pair no model has. A fixture naming any such pair then runs.
//
// Modes from the traits: a feed-forward step -> "step" and "sequence"; a recurrent step (or the
// coupled step of the multi-compartment cells) -> "recurrent_step" and "recurrent_sequence"
// (Norse steps the cell over time where it has no sequence module). LI also has Norse's
// LILinearCell ("linear_step", "linear_sequence"), a module outside the traits.
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <tuple>
#include <type_traits>

#include "models/neuron_modules.h"
#include "tests/conformance/runner.h"

using namespace norse;

namespace {

template <class M, class = void>
struct HasStep : std::false_type {};
template <class M>
struct HasStep<M, std::void_t<decltype(M::step)>> : std::true_type {};
template <class M, class = void>
struct HasRecurrentStep : std::false_type {};
template <class M>
struct HasRecurrentStep<M, std::void_t<decltype(&M::recurrent_step)>> : std::true_type {};
template <class M, class = void>
struct HasCoupledStep : std::false_type {};
template <class M>
struct HasCoupledStep<M, std::void_t<decltype(M::coupled_step)>> : std::true_type {};

template <class M>
void add_pairs(std::set<std::string>& pairs, std::set<std::string>& models) {
  const std::string name = M::kName;
  models.insert(name);
  if constexpr (HasStep<M>::value) {
    pairs.insert(name + "/step");
    pairs.insert(name + "/sequence");
  }
  if constexpr (HasRecurrentStep<M>::value || HasCoupledStep<M>::value) {
    pairs.insert(name + "/recurrent_step");
    pairs.insert(name + "/recurrent_sequence");
  }
}

template <class... M>
void add_all(std::tuple<M...>*, std::set<std::string>& pairs, std::set<std::string>& models) {
  (add_pairs<M>(pairs, models), ...);
}

}  // namespace

TEST_CASE("The conformance runner handles every model/mode pair the models' traits imply, and no other",
          "[conformance]") {
  std::set<std::string> implied, models;
  add_all(static_cast<nn::neuron::AllModels*>(nullptr), implied, models);
  implied.insert("li/linear_step");
  implied.insert("li/linear_sequence");
  REQUIRE(models.size() == std::tuple_size<nn::neuron::AllModels>::value);  // names are distinct

  std::set<std::string> registered_neuron_pairs;
  for (const auto& [pair, handler] : conformance::registry()) {
    const std::string model = pair.substr(0, pair.find('/'));
    if (models.count(model)) registered_neuron_pairs.insert(pair);
  }
  std::string listing;
  for (const std::string& p : implied) listing += p + (registered_neuron_pairs.count(p) ? "\n" : "  <- NO HANDLER\n");
  for (const std::string& p : registered_neuron_pairs) {
    if (!implied.count(p)) listing += p + "  <- handler, but no model has this flavour\n";
  }
  INFO("model/mode pairs (" << implied.size() << " implied by the traits):\n" << listing);
  CHECK(registered_neuron_pairs == implied);
  // 9 models with all four modes, LI with four (two linear), LIBox, LIFBox and the two LIFMC
  // cells with two each: 36 + 4 + 4 * 2.
  CHECK(implied.size() == 48);
}
