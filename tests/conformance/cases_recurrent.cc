// Conformance handlers: the recurrent flavours (RecurrentCell step and Recurrent sequence) and
// the refractory models.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "models/coba_lif.h"
#include "models/iaf.h"
#include "models/izhikevich.h"
#include "models/lif.h"
#include "models/lif_adex.h"
#include "models/lif_adex_refrac.h"
#include "models/lif_ex.h"
#include "models/lif_mc.h"
#include "models/lif_refrac.h"
#include "models/lsnn.h"
#include "tests/conformance/model_params.h"
#include "tests/conformance/runner.h"

namespace norse {
namespace conformance {
namespace {

bool autapses(CaseContext& c) {
  // The functional iaf cases use the matrix as given (no autapse removal).
  return c.fixture().parameters.contains("autapses") ? c.fixture().bool_param("autapses") : true;
}

// "lif." when the fixture nests the base model's parameters under it (lif.v_th), else "".
std::string nesting(CaseContext& c, const std::string& prefix, const std::string& probe) {
  return c.fixture().parameters.contains(prefix + probe) ? prefix : std::string();
}

// Fills a Params struct whose members are named like the fixture's parameters.
#define NORSE_PARAM(p, c, name, prefix) (p).name = (c).param(#name, prefix)

lif::Params lif_params(CaseContext& c, const std::string& prefix = "") {
  return model_params<nn::neuron::LIF>(c, prefix);
}

lif_adex::Params lif_adex_params(CaseContext& c, const std::string& prefix = "") {
  return model_params<nn::neuron::LIFAdEx>(c, prefix);
}

// Runs a recurrent sequence or step and names the outputs as the fixtures do.
template <class Result, class Record>
Outputs recurrent_outputs(const Result& r, const std::vector<std::pair<std::string, Variable>>& finals,
                          const std::vector<std::pair<std::string, Variable>>& records, bool sequence) {
  Outputs out;
  out["z"] = r.z;
  if (sequence) {
    out["final.z"] = r.state.z;
    for (const auto& [name, v] : finals) out["final." + name] = v;
    for (const auto& [name, v] : records) out[name] = v;
  } else {
    for (const auto& [name, v] : finals) out[name] = v;
  }
  (void)sizeof(Record);
  return out;
}

#define NORSE_RECURRENT_CASE(NS, PARAMS_EXPR, STATE_FIELDS, FINALS, RECORDS)                                          \
  Outputs NS##_recurrent_sequence_case(CaseContext& c) {                                                              \
    const NS::RecurrentState s STATE_FIELDS;                                                                          \
    const auto r = NS::NS##_recurrent_sequence(c.leaf("input"), c.leaf("input_weights"), c.leaf("recurrent_weights"), \
                                               s, PARAMS_EXPR, autapses(c), c.fixture().dt, true, &c.generator());    \
    return recurrent_outputs<decltype(r), int>(r, FINALS, RECORDS, true);                                             \
  }                                                                                                                   \
  Outputs NS##_recurrent_step_case(CaseContext& c) {                                                                  \
    const NS::RecurrentState s STATE_FIELDS;                                                                          \
    const auto r = NS::NS##_recurrent_step(c.leaf("input"), c.leaf("input_weights"), c.leaf("recurrent_weights"), s,  \
                                           PARAMS_EXPR, autapses(c), c.fixture().dt, &c.generator());                 \
    return recurrent_outputs<decltype(r), int>(r, FINALS, {}, false);                                                 \
  }

#define Z_V_I \
  { c.optional_leaf("state.z"), c.optional_leaf("state.v"), c.optional_leaf("state.i") }
#define FIN_V_I                          \
  {                                      \
    {"v", r.state.v}, { "i", r.state.i } \
  }
#define REC_V_I                            \
  {                                        \
    {"v", r.record.v}, { "i", r.record.i } \
  }

NORSE_RECURRENT_CASE(lif, lif_params(c), Z_V_I, FIN_V_I, REC_V_I)

lsnn::Params lsnn_params(CaseContext& c) { return model_params<nn::neuron::LSNN>(c); }
NORSE_RECURRENT_CASE(
    lsnn, lsnn_params(c),
    (lsnn::RecurrentState{c.optional_leaf("state.z"), c.optional_leaf("state.v"), c.optional_leaf("state.i"),
                          c.optional_leaf("state.b")}),
    (std::vector<std::pair<std::string, Variable>>{{"v", r.state.v}, {"i", r.state.i}, {"b", r.state.b}}),
    (std::vector<std::pair<std::string, Variable>>{{"v", r.record.v}, {"i", r.record.i}, {"b", r.record.b}}))

lif_ex::Params lif_ex_params(CaseContext& c) { return model_params<nn::neuron::LIFEx>(c); }
NORSE_RECURRENT_CASE(lif_ex, lif_ex_params(c), (lif_ex::RecurrentState Z_V_I), FIN_V_I, REC_V_I)

NORSE_RECURRENT_CASE(
    lif_adex, lif_adex_params(c),
    (lif_adex::RecurrentState{c.optional_leaf("state.z"), c.optional_leaf("state.v"), c.optional_leaf("state.i"),
                              c.optional_leaf("state.a")}),
    (std::vector<std::pair<std::string, Variable>>{{"v", r.state.v}, {"i", r.state.i}, {"a", r.state.a}}),
    (std::vector<std::pair<std::string, Variable>>{{"v", r.record.v}, {"i", r.record.i}, {"a", r.record.a}}))

izhikevich::Params izhikevich_params(CaseContext& c) { return model_params<nn::neuron::Izhikevich>(c); }
// The given state, or (as Norse's module does) the preset behaviour's v and u with z = 0.
izhikevich::RecurrentState izhikevich_recurrent_state(CaseContext& c) {
  if (c.fixture().has_tensor("state.v")) {
    return izhikevich::RecurrentState{c.optional_leaf("state.z"), c.leaf("state.v"), c.leaf("state.u")};
  }
  const Variable x = c.leaf("input");
  const Shape shape{x.size(x.dim() - 2), c.leaf("input_weights").size(0)};  // [B, N] of a step or a sequence
  const izhikevich::Behavior b = izhikevich::behavior(c.fixture().string_param("preset"));
  return izhikevich::RecurrentState{Variable(zeros(shape, case_device())), Variable(full(shape, b.v, case_device())),
                                    Variable(full(shape, b.u, case_device()))};
}
NORSE_RECURRENT_CASE(izhikevich, izhikevich_params(c), (izhikevich_recurrent_state(c)),
                     (std::vector<std::pair<std::string, Variable>>{{"v", r.state.v}, {"u", r.state.u}}),
                     (std::vector<std::pair<std::string, Variable>>{{"v", r.record.v}, {"u", r.record.u}}))

iaf::Params iaf_params(CaseContext& c) { return model_params<nn::neuron::IAF>(c); }
NORSE_RECURRENT_CASE(iaf, iaf_params(c), (iaf::RecurrentState{c.optional_leaf("state.z"), c.optional_leaf("state.v")}),
                     (std::vector<std::pair<std::string, Variable>>{{"v", r.state.v}}),
                     (std::vector<std::pair<std::string, Variable>>{{"v", r.record.v}}))

// --- refractory models ------------------------------------------------------------------------

lif_refrac::Params lif_refrac_params(CaseContext& c) {
  const lif::Params l = lif_params(c, nesting(c, "lif.", "v_th"));
  lif_refrac::Params p;
  p.tau_syn_inv = l.tau_syn_inv;
  p.tau_mem_inv = l.tau_mem_inv;
  p.v_leak = l.v_leak;
  p.v_th = l.v_th;
  p.v_reset = l.v_reset;
  p.method = l.method;
  p.alpha = l.alpha;
  NORSE_PARAM(p, c, rho_reset, "");
  return p;
}
NORSE_RECURRENT_CASE(
    lif_refrac, lif_refrac_params(c),
    (lif_refrac::RecurrentState{c.optional_leaf("state.z"), c.optional_leaf("state.v"), c.optional_leaf("state.i"),
                                c.optional_leaf("state.rho")}),
    (std::vector<std::pair<std::string, Variable>>{{"v", r.state.v}, {"i", r.state.i}, {"rho", r.state.rho}}),
    (std::vector<std::pair<std::string, Variable>>{{"v", r.record.v}, {"i", r.record.i}, {"rho", r.record.rho}}))

Outputs lif_refrac_sequence_case(CaseContext& c) {
  const lif_refrac::State s{c.optional_leaf("state.v"), c.optional_leaf("state.i"), c.optional_leaf("state.rho")};
  const lif_refrac::SequenceResult r =
      lif_refrac::lif_refrac_sequence(c.leaf("input"), s, lif_refrac_params(c), c.fixture().dt, true, &c.generator());
  return {{"z", r.z},
          {"v", r.record.v},
          {"i", r.record.i},
          {"rho", r.record.rho},
          {"final.v", r.state.v},
          {"final.i", r.state.i},
          {"final.rho", r.state.rho}};
}

Outputs lif_refrac_step_case(CaseContext& c) {
  const lif_refrac::State s{c.optional_leaf("state.v"), c.optional_leaf("state.i"), c.optional_leaf("state.rho")};
  const lif_refrac::StepResult r =
      lif_refrac::LIFRefracCell(lif_refrac_params(c), c.fixture().dt).forward(c.leaf("input"), s, &c.generator());
  return {{"z", r.z}, {"v", r.state.v}, {"i", r.state.i}, {"rho", r.state.rho}};
}

lif_adex_refrac::Params lif_adex_refrac_params(CaseContext& c) {
  const lif_adex::Params a = lif_adex_params(c, nesting(c, "lif_adex.", "v_th"));
  lif_adex_refrac::Params p;
  p.adaptation_current = a.adaptation_current;
  p.adaptation_spike = a.adaptation_spike;
  p.delta_T = a.delta_T;
  p.tau_ada_inv = a.tau_ada_inv;
  p.tau_syn_inv = a.tau_syn_inv;
  p.tau_mem_inv = a.tau_mem_inv;
  p.v_leak = a.v_leak;
  p.v_th = a.v_th;
  p.v_reset = a.v_reset;
  p.method = a.method;
  p.alpha = a.alpha;
  NORSE_PARAM(p, c, rho_reset, "");
  return p;
}
NORSE_RECURRENT_CASE(lif_adex_refrac, lif_adex_refrac_params(c),
                     (lif_adex_refrac::RecurrentState{c.optional_leaf("state.z"), c.optional_leaf("state.v"),
                                                      c.optional_leaf("state.i"), c.optional_leaf("state.a"),
                                                      c.optional_leaf("state.rho")}),
                     (std::vector<std::pair<std::string, Variable>>{
                         {"v", r.state.v}, {"i", r.state.i}, {"a", r.state.a}, {"rho", r.state.rho}}),
                     (std::vector<std::pair<std::string, Variable>>{
                         {"v", r.record.v}, {"i", r.record.i}, {"a", r.record.a}, {"rho", r.record.rho}}))

// Feed-forward LIFAdExRefrac: the cell stepped over T (Norse has no sequence module).
lif_adex_refrac::State lif_adex_refrac_state(CaseContext& c) {
  return lif_adex_refrac::State{c.optional_leaf("state.v"), c.optional_leaf("state.i"), c.optional_leaf("state.a"),
                                c.optional_leaf("state.rho")};
}

Outputs lif_adex_refrac_sequence_case(CaseContext& c) {
  const lif_adex_refrac::SequenceResult r = lif_adex_refrac::lif_adex_refrac_sequence(
      c.leaf("input"), lif_adex_refrac_state(c), lif_adex_refrac_params(c), c.fixture().dt, true, &c.generator());
  return {{"z", r.z},
          {"v", r.record.v},
          {"i", r.record.i},
          {"a", r.record.a},
          {"rho", r.record.rho},
          {"final.v", r.state.v},
          {"final.i", r.state.i},
          {"final.a", r.state.a},
          {"final.rho", r.state.rho}};
}

Outputs lif_adex_refrac_step_case(CaseContext& c) {
  const lif_adex_refrac::StepResult r = lif_adex_refrac::LIFAdExRefracCell(lif_adex_refrac_params(c), c.fixture().dt)
                                            .forward(c.leaf("input"), lif_adex_refrac_state(c), &c.generator());
  return {{"z", r.z}, {"v", r.state.v}, {"i", r.state.i}, {"a", r.state.a}, {"rho", r.state.rho}};
}

// --- multi-compartment cells (no sequence module in Norse: the cell stepped over T) -------------

using Fields = std::vector<std::pair<std::string, Variable>>;

// A recurrent cell stepped over the input's T (Norse has no sequence module for it): every
// field of `fields(step result)` per step [T, ...], final.<field>, and final.z from the state.
template <class State, class StepOf, class FieldsOf>
Outputs stepped_over_time(CaseContext& c, State s, StepOf step_of, FieldsOf fields) {
  const Variable x = c.leaf("input");
  std::map<std::string, std::vector<Variable>> steps;
  Outputs out;
  for (int64_t t = 0; t < x.size(0); ++t) {
    const auto r = step_of(c, select(x, 0, t), s);
    s = r.state;
    for (const auto& [name, v] : fields(r)) {
      steps[name].push_back(v);
      if (name != "z") out["final." + name] = v;
    }
  }
  for (const auto& [name, vs] : steps) out[name] = stack(vs, 0);
  out["final.z"] = s.z;
  return out;
}

// One step of the cell on the input [B, N_in].
template <class State, class StepOf, class FieldsOf>
Outputs one_step(CaseContext& c, const State& s, StepOf step_of, FieldsOf fields) {
  Outputs out;
  for (const auto& [name, v] : fields(step_of(c, c.leaf("input"), s))) out[name] = v;
  return out;
}

lif_mc::StepResult lif_mc_step_of(CaseContext& c, const Variable& x, const lif::RecurrentState& s) {
  return lif_mc::lif_mc_step(x, c.leaf("input_weights"), c.leaf("recurrent_weights"), c.leaf("g_coupling"), s,
                             lif_params(c), autapses(c), c.fixture().dt);
}
lif::RecurrentState lif_mc_state(CaseContext& c) {
  return lif::RecurrentState{c.optional_leaf("state.z"), c.optional_leaf("state.v"), c.optional_leaf("state.i")};
}
Fields lif_mc_fields(const lif_mc::StepResult& r) { return {{"z", r.z}, {"v", r.state.v}, {"i", r.state.i}}; }
Outputs lif_mc_recurrent_sequence_case(CaseContext& c) {
  return stepped_over_time(c, lif_mc_state(c), lif_mc_step_of, lif_mc_fields);
}
Outputs lif_mc_recurrent_step_case(CaseContext& c) {
  return one_step(c, lif_mc_state(c), lif_mc_step_of, lif_mc_fields);
}

lif_mc::RefracStepResult lif_mc_refrac_step_of(CaseContext& c, const Variable& x, const lif_mc::RefracState& s) {
  lif_mc::RefracParams p;
  p.lif = lif_params(c, nesting(c, "lif.", "v_th"));
  p.rho_reset = c.param("rho_reset");
  return lif_mc::lif_mc_refrac_step(x, c.leaf("input_weights"), c.leaf("recurrent_weights"), c.leaf("g_coupling"), s, p,
                                    autapses(c), c.fixture().dt);
}
lif_mc::RefracState lif_mc_refrac_state(CaseContext& c) {
  return lif_mc::RefracState{c.optional_leaf("state.z"), c.optional_leaf("state.v"), c.optional_leaf("state.i"),
                             c.optional_leaf("state.rho")};
}
Fields lif_mc_refrac_fields(const lif_mc::RefracStepResult& r) {
  return {{"z", r.z}, {"v", r.state.v}, {"i", r.state.i}, {"rho", r.state.rho}};
}
Outputs lif_mc_refrac_recurrent_sequence_case(CaseContext& c) {
  return stepped_over_time(c, lif_mc_refrac_state(c), lif_mc_refrac_step_of, lif_mc_refrac_fields);
}
Outputs lif_mc_refrac_recurrent_step_case(CaseContext& c) {
  return one_step(c, lif_mc_refrac_state(c), lif_mc_refrac_step_of, lif_mc_refrac_fields);
}

coba_lif::Params coba_lif_params(CaseContext& c) { return model_params<nn::neuron::CobaLIF>(c); }
coba_lif::RecurrentStepResult coba_lif_recurrent_step_of(CaseContext& c, const Variable& x,
                                                         const coba_lif::RecurrentState& s) {
  return coba_lif::coba_lif_recurrent_step(x, c.leaf("input_weights"), c.leaf("recurrent_weights"), s,
                                           coba_lif_params(c), c.fixture().dt, &c.generator());
}
coba_lif::RecurrentState coba_lif_recurrent_state(CaseContext& c) {
  return coba_lif::RecurrentState{c.optional_leaf("state.z"), c.optional_leaf("state.v"), c.optional_leaf("state.g_e"),
                                  c.optional_leaf("state.g_i")};
}
Fields coba_lif_fields(const coba_lif::RecurrentStepResult& r) {
  return {{"z", r.z}, {"v", r.state.v}, {"g_e", r.state.g_e}, {"g_i", r.state.g_i}};
}
Outputs coba_lif_recurrent_step_case(CaseContext& c) {
  return one_step(c, coba_lif_recurrent_state(c), coba_lif_recurrent_step_of, coba_lif_fields);
}
// Norse has no CobaLIF recurrent sequence module: the CobaLIFCell stepped over T.
Outputs coba_lif_recurrent_sequence_case(CaseContext& c) {
  return stepped_over_time(c, coba_lif_recurrent_state(c), coba_lif_recurrent_step_of, coba_lif_fields);
}

const Registration kRegistrations[] = {
    {"lif_mc/recurrent_sequence", lif_mc_recurrent_sequence_case},
    {"lif_mc_refrac/recurrent_sequence", lif_mc_refrac_recurrent_sequence_case},
    {"lif_mc/recurrent_step", lif_mc_recurrent_step_case},
    {"lif_mc_refrac/recurrent_step", lif_mc_refrac_recurrent_step_case},
    {"coba_lif/recurrent_step", coba_lif_recurrent_step_case},
    {"coba_lif/recurrent_sequence", coba_lif_recurrent_sequence_case},
    {"lif/recurrent_sequence", lif_recurrent_sequence_case},
    {"lif/recurrent_step", lif_recurrent_step_case},
    {"lsnn/recurrent_sequence", lsnn_recurrent_sequence_case},
    {"lsnn/recurrent_step", lsnn_recurrent_step_case},
    {"lif_ex/recurrent_sequence", lif_ex_recurrent_sequence_case},
    {"lif_ex/recurrent_step", lif_ex_recurrent_step_case},
    {"lif_adex/recurrent_sequence", lif_adex_recurrent_sequence_case},
    {"lif_adex/recurrent_step", lif_adex_recurrent_step_case},
    {"izhikevich/recurrent_sequence", izhikevich_recurrent_sequence_case},
    {"izhikevich/recurrent_step", izhikevich_recurrent_step_case},
    {"iaf/recurrent_sequence", iaf_recurrent_sequence_case},
    {"iaf/recurrent_step", iaf_recurrent_step_case},
    {"lif_refrac/sequence", lif_refrac_sequence_case},
    {"lif_refrac/step", lif_refrac_step_case},
    {"lif_refrac/recurrent_sequence", lif_refrac_recurrent_sequence_case},
    {"lif_refrac/recurrent_step", lif_refrac_recurrent_step_case},
    {"lif_adex_refrac/recurrent_sequence", lif_adex_refrac_recurrent_sequence_case},
    {"lif_adex_refrac/recurrent_step", lif_adex_refrac_recurrent_step_case},
    {"lif_adex_refrac/sequence", lif_adex_refrac_sequence_case},
    {"lif_adex_refrac/step", lif_adex_refrac_step_case},
};

}  // namespace
}  // namespace conformance
}  // namespace norse
