// Every Norse neuron model as nn::Modules that compose in nn::SequentialState, written once:
//
//   nn::Cell<M>           one step, input [B, ...]              (Norse's <Model>Cell)
//   nn::Sequence<M>       a whole [T, B, ...] sequence, fused    (Norse's <Model>)
//   nn::RecurrentCell<M>  one step, owns input and recurrent weights  (<Model>RecurrentCell)
//   nn::Recurrent<M>      a whole sequence of the recurrent cell       (<Model>Recurrent)
//   nn::CoupledRecurrentCell<M>  a recurrent cell that also owns the coupling g_coupling
//                         [hidden, hidden] of Norse's multi-compartment cells (LIFMC...)
//
// M is a model's traits struct below (nn::neuron::LSNN, ...): its functional step / sequence,
// its parameters by Norse's names, its state fields. Aliases give Norse's names: nn::LSNNCell,
// nn::LSNN, nn::LSNNRecurrentCell, nn::LSNNRecurrent, ... The output of a spiking model is its
// spikes z; of LI and LIBox the voltage v (a sequence: v after every step).
//
// State (LayerState) holds the model's state fields in the order of its State struct (v, i, ...;
// recurrent flavours: z first); an empty LayerState is Norse's default initial state.
// named_parameters(): the weights of the recurrent flavours, then every model parameter by
// Norse's name; only those that require grad train (mark one trainable with
// `params.v_th = Variable(scalar_tensor(1.0f), true)`, before or after building the optimizer).
// Stochastic surrogates draw from `generator` (set it; nullptr for the deterministic ones).
#ifndef NORSE_MODELS_NEURON_MODULES_H_
#define NORSE_MODELS_NEURON_MODULES_H_

#include <cmath>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "models/coba_lif.h"
#include "models/iaf.h"
#include "models/izhikevich.h"
#include "models/li.h"
#include "models/li_box.h"
#include "models/lif.h"
#include "models/lif_adex.h"
#include "models/lif_adex_refrac.h"
#include "models/lif_box.h"
#include "models/lif_ex.h"
#include "models/lif_mc.h"
#include "models/lif_refrac.h"
#include "models/lsnn.h"
#include "models/module.h"
#include "models/recurrent_module.h"

namespace norse {
namespace nn {
namespace neuron {

// A model's traits: its Spec (models/neuron_spec.h: Params, State, kName, named_parameters,
// fields) and its functional API (NS::NS_step, NS::NS_sequence, ...).
#define NORSE_FEED_FORWARD(NS)                        \
  static constexpr auto step = NS::NS##_step;         \
  static constexpr auto sequence = NS::NS##_sequence; \
  static constexpr bool kSpiking = Model::kSpiking;
#define NORSE_RECURRENT(NS)                                       \
  using RecurrentState = NS::RecurrentState;                      \
  static constexpr auto recurrent_step = NS::NS##_recurrent_step; \
  static constexpr auto recurrent_sequence = NS::NS##_recurrent_sequence;
// Norse's CobaLIF: the feed-forward cell (coba_lif_feed_forward_step) and CobaLIFCell, the
// recurrent cell (coba_lif_step), which has no sequence module, no autapses argument (its
// weights are used as given) and its own initialisation. Norse's coba_lif_step overwrites the
// input's conductance jump, so the input has no effect on it (tests/conformance/README.md).
struct CobaLIF : coba_lif::Spec {
  NORSE_FEED_FORWARD(coba_lif)
  using RecurrentState = coba_lif::RecurrentState;
  static coba_lif::RecurrentStepResult recurrent_step(const Variable& input, const Variable& input_weights,
                                                      const Variable& recurrent_weights, const RecurrentState& s,
                                                      const Params& p, bool /*autapses*/, float dt, Generator* gen) {
    return coba_lif::coba_lif_recurrent_step(input, input_weights, recurrent_weights, s, p, dt, gen);
  }
  // randn / sqrt(fan-in), as Norse's CobaLIFCell.
  static Variable init_input_weights(int64_t hidden, int64_t input, Generator& g) {
    return Variable(randn({hidden, input}, g, 0.0f, 1.0f / std::sqrt(static_cast<float>(input))), true);
  }
  static Variable init_recurrent_weights(int64_t hidden, bool /*autapses*/, Generator& g) {
    return Variable(randn({hidden, hidden}, g, 0.0f, 1.0f / std::sqrt(static_cast<float>(hidden))), true);
  }
};

// Norse's multi-compartment LIF cells (LIFMCRecurrentCell, LIFMCRefracRecurrentCell): a
// recurrent step that also takes the coupling matrix (models/lif_mc.h). Cells only, as in Norse.
struct LIFMC : lif::Spec {
  static constexpr const char* kName = "lif_mc";
  using RecurrentState = lif::RecurrentState;
  static constexpr auto coupled_step = &lif_mc::lif_mc_step;
  static constexpr bool kSpiking = true;
};

struct LIFMCRefrac {
  static constexpr const char* kName = "lif_mc_refrac";
  using Model = kernels::LIFRefracModel;  // the same state fields (v, i, rho) as LIFRefrac
  using Params = lif_mc::RefracParams;
  using RecurrentState = lif_mc::RefracState;
  static constexpr auto coupled_step = &lif_mc::lif_mc_refrac_step;
  static constexpr bool kSpiking = true;
  static std::vector<NamedParameter> named_parameters(Params& p) {
    std::vector<NamedParameter> out;
    for (auto& [name, value] : lif::Spec::named_parameters(p.lif)) out.push_back({"lif." + name, value});
    out.push_back({"rho_reset", &p.rho_reset});
    return out;
  }
  template <class S>
  static auto fields(S& s) {
    return lif_refrac::Spec::fields(s);
  }
};

}  // namespace neuron

namespace detail {

// A state struct's fields as a LayerState orders them: z first (recurrent flavours), then the
// model's fields in its kernel's order.
template <class M, class S>
auto state_fields(S& s) {
  std::vector<std::conditional_t<std::is_const<S>::value, const Variable*, Variable*>> out;
  if constexpr (norse::detail::has_z<S>::value) out.push_back(&s.z);
  for (auto* field : M::fields(s)) out.push_back(field);
  return out;
}

// LayerState <-> a model's state struct, field by field (missing fields stay undefined: the
// model's default).
template <class M, class S>
void unpack_state(const LayerState& from, S& to) {
  const auto fields = state_fields<M>(to);
  for (size_t k = 0; k < fields.size(); ++k) *fields[k] = k < from.size() ? from[k] : Variable();
}
template <class M, class S>
LayerState pack_state(const S& from) {
  LayerState out;
  for (const Variable* field : state_fields<M>(from)) out.push_back(*field);
  return out;
}

// The state a module starts from when `state` is empty: undefined fields (the model's default),
// or, where `values` are given (Izhikevich: its behaviour's v and u), those values over `shape`.
inline LayerState initial_state(const LayerState& state, const std::vector<float>& values, const Shape& shape,
                                Device device) {
  if (!state.empty() || values.empty()) return state;
  LayerState out;
  for (float v : values) out.emplace_back(full(shape, v, device));
  return out;
}

}  // namespace detail

// What every neuron module has: the model's parameters, dt, the generator of stochastic
// surrogates, the start values of its state; forward() in the flavours below.
template <class M>
class NeuronModule : public StatefulLayer {
 public:
  using Params = typename M::Params;
  NeuronModule(Params params, float dt) : params(std::move(params)), dt(dt) {}
  // Every model parameter by Norse's name; whether it trains is its requires_grad when the
  // optimizer steps (optimizers skip parameters without a gradient).
  std::vector<NamedParameter> named_parameters() override { return M::named_parameters(params); }
  void set_generator(Generator* gen) override { generator = gen; }
  // The model's state fields, in its kernel's order (Cell and Sequence).
  std::vector<std::string> state_names() const override { return norse::detail::state_names<typename M::Model>(); }

  Params params;
  float dt;
  Generator* generator = nullptr;
  std::vector<float> initial_values;  // the state fields' start values when none is given (Izhikevich)

 protected:
  // Calls `run(model state)` with `state` (or the start values over `shape`) unpacked into the
  // model's state struct, stores the result's state back into `state`, returns the result.
  template <class ModelState, class Run>
  auto run_with_state(LayerState& state, const Shape& shape, Device device, Run&& run) {
    ModelState s;
    detail::unpack_state<M>(detail::initial_state(state, initial_values, shape, device), s);
    auto r = run(s);
    state = detail::pack_state<M>(r.state);
    return r;
  }
};

// One step of model M: input [B, ...] -> spikes (or v) [B, ...].
template <class M>
class Cell : public NeuronModule<M> {
 public:
  explicit Cell(typename M::Params params = {}, float dt = 1e-3f) : NeuronModule<M>(std::move(params), dt) {}
  Variable forward(const Variable& input, LayerState& state) override {
    auto r = this->template run_with_state<typename M::State>(
        state, input.shape(), input.value().device(),
        [&](const typename M::State& s) { return M::step(input, s, this->params, this->dt, this->generator); });
    if constexpr (M::kSpiking) {
      return r.z;
    } else {
      return r.v;
    }
  }
};

// Model M over a whole sequence in one fused call: input [T, B, ...] -> [T, B, ...].
template <class M>
class Sequence : public NeuronModule<M> {
 public:
  explicit Sequence(typename M::Params params = {}, float dt = 1e-3f) : NeuronModule<M>(std::move(params), dt) {}
  Variable forward(const Variable& input, LayerState& state) override {
    const Shape neuron_shape(input.shape().begin() + 1, input.shape().end());
    auto r = this->template run_with_state<typename M::State>(
        state, neuron_shape, input.value().device(), [&](const typename M::State& s) {
          return M::sequence(input, s, this->params, this->dt, /*record_states=*/!M::kSpiking, this->generator);
        });
    if constexpr (M::kSpiking) {
      return r.z;
    } else {
      return r.record.v;
    }
  }
};

namespace detail {
// A recurrent module's weight initialisation: the model's own where its traits declare one
// (CobaLIF), else Norse's common one (models/recurrent_module.h).
template <class M, class = void>
struct RecurrentInit {
  static Variable input(int64_t hidden, int64_t input, Generator& g) {
    return norse::detail::init_input_weights(hidden, input, g);
  }
  static Variable recurrent(int64_t hidden, bool autapses, Generator& g) {
    return norse::detail::init_recurrent_weights(hidden, autapses, g);
  }
};
template <class M>
struct RecurrentInit<M, std::void_t<decltype(&M::init_input_weights)>> {
  static Variable input(int64_t hidden, int64_t input, Generator& g) { return M::init_input_weights(hidden, input, g); }
  static Variable recurrent(int64_t hidden, bool autapses, Generator& g) {
    return M::init_recurrent_weights(hidden, autapses, g);
  }
};
}  // namespace detail

// The recurrent flavours also own input_weights [hidden, input] and recurrent_weights
// [hidden, hidden]; their state starts with z.
template <class M>
class RecurrentBase : public NeuronModule<M> {
 public:
  RecurrentBase(int64_t input_size, int64_t hidden_size, Generator& init, typename M::Params params, bool autapses,
                float dt)
      : NeuronModule<M>(std::move(params), dt),
        input_weights(detail::RecurrentInit<M>::input(hidden_size, input_size, init)),
        recurrent_weights(detail::RecurrentInit<M>::recurrent(hidden_size, autapses, init)),
        autapses(autapses) {}
  std::vector<NamedParameter> named_parameters() override {
    std::vector<NamedParameter> out = {{"input_weights", &input_weights}, {"recurrent_weights", &recurrent_weights}};
    for (auto& entry : NeuronModule<M>::named_parameters()) out.push_back(entry);
    return out;
  }

  // z, then the model's state fields.
  std::vector<std::string> state_names() const override {
    std::vector<std::string> names = NeuronModule<M>::state_names();
    names.insert(names.begin(), "z");
    return names;
  }

  Variable input_weights, recurrent_weights;
  bool autapses;

 protected:
  // The step or sequence `run(input, state)`, with the state [B, hidden] of an input [B, N_in]
  // or [T, B, N_in].
  template <class Run>
  Variable run_recurrent(const Variable& input, LayerState& state, Run&& run) {
    const Shape shape{input.size(input.dim() - 2), input_weights.size(0)};
    return this->template run_with_state<typename M::RecurrentState>(state, shape, input.value().device(), run).z;
  }
};

// The recurrent flavours: one step, input [B, N_in] -> spikes [B, hidden] (RecurrentCell), or a
// whole sequence, input [T, B, N_in] -> spikes [T, B, hidden] (Recurrent).
template <class M, bool kSequence>
class RecurrentFlavour : public RecurrentBase<M> {
 public:
  RecurrentFlavour(int64_t input_size, int64_t hidden_size, Generator& init, typename M::Params params = {},
                   bool autapses = false, float dt = 1e-3f)
      : RecurrentBase<M>(input_size, hidden_size, init, std::move(params), autapses, dt) {}
  Variable forward(const Variable& input, LayerState& state) override {
    return this->run_recurrent(input, state, [&](const typename M::RecurrentState& s) {
      if constexpr (kSequence) {
        return M::recurrent_sequence(input, this->input_weights, this->recurrent_weights, s, this->params,
                                     this->autapses, this->dt, /*record_states=*/false, this->generator);
      } else {
        return M::recurrent_step(input, this->input_weights, this->recurrent_weights, s, this->params, this->autapses,
                                 this->dt, this->generator);
      }
    });
  }
};
template <class M>
using RecurrentCell = RecurrentFlavour<M, false>;
template <class M>
using Recurrent = RecurrentFlavour<M, true>;

// One step of a multi-compartment cell: also owns g_coupling [hidden, hidden] (Norse's
// initialisation randn / sqrt(hidden), trained like the weights).
template <class M>
class CoupledRecurrentCell : public RecurrentBase<M> {
 public:
  CoupledRecurrentCell(int64_t input_size, int64_t hidden_size, Generator& init, typename M::Params params = {},
                       bool autapses = false, float dt = 1e-3f)
      : RecurrentBase<M>(input_size, hidden_size, init, std::move(params), autapses, dt),
        g_coupling(randn({hidden_size, hidden_size}, init, 0.0f, 1.0f / std::sqrt(static_cast<float>(hidden_size))),
                   true) {}
  std::vector<NamedParameter> named_parameters() override {
    std::vector<NamedParameter> out = RecurrentBase<M>::named_parameters();
    out.insert(out.begin() + 2, {"g_coupling", &g_coupling});
    return out;
  }
  Variable forward(const Variable& input, LayerState& state) override {
    return this->run_recurrent(input, state, [&](const typename M::RecurrentState& s) {
      return M::coupled_step(input, this->input_weights, this->recurrent_weights, g_coupling, s, this->params,
                             this->autapses, this->dt);
    });
  }

  Variable g_coupling;
};

// Each model's traits (nn::neuron::<Name>: its Spec and functions) and Norse's module names for
// it: <Name>Cell and <Name>, and where it has them <Name>RecurrentCell and <Name>Recurrent.
// MEMBERS: what the traits have beyond the feed-forward functions (empty for most).
#define NORSE_FEED_FORWARD_MODULES(NAME, NS, MEMBERS) \
  namespace neuron {                                  \
  struct NAME : NS::Spec {                            \
    NORSE_FEED_FORWARD(NS)                            \
    MEMBERS                                           \
  };                                                  \
  }                                                   \
  using NAME##Cell = Cell<neuron::NAME>;              \
  using NAME = Sequence<neuron::NAME>;
#define NORSE_RECURRENT_MODULES(NAME, NS)                   \
  NORSE_FEED_FORWARD_MODULES(NAME, NS, NORSE_RECURRENT(NS)) \
  using NAME##RecurrentCell = RecurrentCell<neuron::NAME>;  \
  using NAME##Recurrent = Recurrent<neuron::NAME>;

NORSE_RECURRENT_MODULES(LIF, lif)
NORSE_FEED_FORWARD_MODULES(LI, li, )
NORSE_FEED_FORWARD_MODULES(LIBox, li_box, )
NORSE_FEED_FORWARD_MODULES(LIFBox, lif_box, )
NORSE_RECURRENT_MODULES(IAF, iaf)
NORSE_RECURRENT_MODULES(LSNN, lsnn)
NORSE_RECURRENT_MODULES(LIFEx, lif_ex)
NORSE_RECURRENT_MODULES(LIFAdEx, lif_adex)
NORSE_RECURRENT_MODULES(LIFRefrac, lif_refrac)
NORSE_RECURRENT_MODULES(LIFAdExRefrac, lif_adex_refrac)
NORSE_RECURRENT_MODULES(Izhikevich, izhikevich)
#undef NORSE_RECURRENT_MODULES
#undef NORSE_FEED_FORWARD_MODULES
#undef NORSE_RECURRENT
#undef NORSE_FEED_FORWARD

using CobaLIFFeedForwardCell = Cell<neuron::CobaLIF>;
using CobaLIFFeedForward = Sequence<neuron::CobaLIF>;
using CobaLIFCell = RecurrentCell<neuron::CobaLIF>;
using LIFMCRecurrentCell = CoupledRecurrentCell<neuron::LIFMC>;
using LIFMCRefracRecurrentCell = CoupledRecurrentCell<neuron::LIFMCRefrac>;

namespace neuron {
// Every model, for code that visits them all (the conformance runner's coverage test).
using AllModels = std::tuple<LIF, LI, LIBox, LIFBox, IAF, LSNN, LIFEx, LIFAdEx, LIFRefrac, LIFAdExRefrac, Izhikevich,
                             CobaLIF, LIFMC, LIFMCRefrac>;
}  // namespace neuron

// Izhikevich modules as Norse builds them from a spiking behaviour (izhikevich::behavior(name)):
// its parameters, and its v and u as the initial state.
template <class Module>
Module izhikevich_module(const izhikevich::Behavior& b, float dt = 1e-3f) {
  Module m(b.p, dt);
  m.initial_values = {b.v, b.u};
  return m;
}

// The names the tasks used before the generic modules.
using LIFCellLayer = LIFCell;
using LIFLayer = LIF;
using LICellLayer = LICell;
using LILayer = LI;

}  // namespace nn
}  // namespace norse

#endif  // NORSE_MODELS_NEURON_MODULES_H_
