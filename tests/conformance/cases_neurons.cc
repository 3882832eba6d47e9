// Conformance handlers: the neuron models run by the generic fused op (LI, LIBox, LIFBox, IAF,
// LSNN, LIFEx, LIFAdEx, Izhikevich, CobaLIF), feed-forward sequence and step modes.
#include "models/coba_lif.h"
#include "models/iaf.h"
#include "models/izhikevich.h"
#include "models/li.h"
#include "models/li_box.h"
#include "models/lif_adex.h"
#include "models/lif_box.h"
#include "models/lif_ex.h"
#include "models/lsnn.h"
#include "tests/conformance/model_params.h"
#include "tests/conformance/runner.h"

namespace norse {
namespace conformance {
namespace {

// --- LI / LIBox ---------------------------------------------------------------------------------

li::Params li_params(CaseContext& c) { return model_params<nn::neuron::LI>(c); }

Outputs li_sequence_case(CaseContext& c) {
  const li::State s{c.optional_leaf("state.v"), c.optional_leaf("state.i")};
  const li::SequenceResult r = li::li_sequence(c.leaf("input"), s, li_params(c), c.fixture().dt, true);
  return {{"v", r.record.v}, {"i", r.record.i}, {"final.v", r.state.v}, {"final.i", r.state.i}};
}

Outputs li_step_case(CaseContext& c) {
  const li::State s{c.optional_leaf("state.v"), c.optional_leaf("state.i")};
  const li::StepResult r = li::LICell(li_params(c), c.fixture().dt).forward(c.leaf("input"), s);
  return {{"v", r.state.v}, {"i", r.state.i}};
}

li_box::Params li_box_params(CaseContext& c) { return model_params<nn::neuron::LIBox>(c); }

// LILinearCell: the LI cell behind a weight matrix without bias, x @ W^T.
Variable li_linear_current(CaseContext& c) {
  const Variable w = c.fixture().has_tensor("input_weights") ? c.leaf("input_weights") : c.leaf("weight");
  return matmul(c.leaf("input"), transpose(w, 0, 1));
}

Outputs li_linear_sequence_case(CaseContext& c) {
  const li::State s{c.optional_leaf("state.v"), c.optional_leaf("state.i")};
  const li::SequenceResult r = li::li_sequence(li_linear_current(c), s, li_params(c), c.fixture().dt, true);
  return {{"v", r.record.v}, {"i", r.record.i}, {"final.v", r.state.v}, {"final.i", r.state.i}};
}

Outputs li_linear_step_case(CaseContext& c) {
  const li::State s{c.optional_leaf("state.v"), c.optional_leaf("state.i")};
  const li::StepResult r = li::LICell(li_params(c), c.fixture().dt).forward(li_linear_current(c), s);
  return {{"v", r.state.v}, {"i", r.state.i}};
}

Outputs li_box_sequence_case(CaseContext& c) {
  const li_box::SequenceResult r = li_box::li_box_sequence(c.leaf("input"), li_box::State{c.optional_leaf("state.v")},
                                                           li_box_params(c), c.fixture().dt, true);
  return {{"v", r.record.v}, {"final.v", r.state.v}};
}

Outputs li_box_step_case(CaseContext& c) {
  const li_box::StepResult r = li_box::LIBoxCell(li_box_params(c), c.fixture().dt)
                                   .forward(c.leaf("input"), li_box::State{c.optional_leaf("state.v")});
  return {{"v", r.state.v}};
}

// --- LIFBox -----------------------------------------------------------------------------------------

lif_box::Params lif_box_params(CaseContext& c) {
  lif_box::Params p = model_params<nn::neuron::LIFBox>(c);
  const std::string reset = c.fixture().string_param("reset_method");
  if (reset != "reset_value" && reset != "reset_subtract") throw InvalidArgument("unknown reset_method " + reset);
  p.reset_subtract = reset == "reset_subtract";
  return p;
}

Outputs lif_box_sequence_case(CaseContext& c) {
  const lif_box::SequenceResult r =
      lif_box::lif_box_sequence(c.leaf("input"), lif_box::State{c.optional_leaf("state.v")}, lif_box_params(c),
                                c.fixture().dt, true, &c.generator());
  return {{"z", r.z}, {"v", r.record.v}, {"final.v", r.state.v}};
}

Outputs lif_box_step_case(CaseContext& c) {
  const lif_box::StepResult r =
      lif_box::LIFBoxCell(lif_box_params(c), c.fixture().dt)
          .forward(c.leaf("input"), lif_box::State{c.optional_leaf("state.v")}, &c.generator());
  return {{"z", r.z}, {"v", r.state.v}};
}

// --- IAF ------------------------------------------------------------------------------------------

iaf::Params iaf_params(CaseContext& c) { return model_params<nn::neuron::IAF>(c); }

Outputs iaf_sequence_case(CaseContext& c) {
  const iaf::SequenceResult r = iaf::iaf_sequence(c.leaf("input"), iaf::State{c.optional_leaf("state.v")},
                                                  iaf_params(c), c.fixture().dt, true, &c.generator());
  return {{"z", r.z}, {"v", r.record.v}, {"final.v", r.state.v}};
}

Outputs iaf_step_case(CaseContext& c) {
  const iaf::StepResult r = iaf::IAFCell(iaf_params(c), c.fixture().dt)
                                .forward(c.leaf("input"), iaf::State{c.optional_leaf("state.v")}, &c.generator());
  return {{"z", r.z}, {"v", r.state.v}};
}

// --- LSNN -----------------------------------------------------------------------------------------

lsnn::Params lsnn_params(CaseContext& c) { return model_params<nn::neuron::LSNN>(c); }

lsnn::State lsnn_state(CaseContext& c) {
  return lsnn::State{c.optional_leaf("state.v"), c.optional_leaf("state.i"), c.optional_leaf("state.b")};
}

Outputs lsnn_sequence_case(CaseContext& c) {
  const lsnn::SequenceResult r =
      lsnn::lsnn_sequence(c.leaf("input"), lsnn_state(c), lsnn_params(c), c.fixture().dt, true, &c.generator());
  return {{"z", r.z},
          {"v", r.record.v},
          {"i", r.record.i},
          {"b", r.record.b},
          {"final.v", r.state.v},
          {"final.i", r.state.i},
          {"final.b", r.state.b}};
}

Outputs lsnn_step_case(CaseContext& c) {
  const lsnn::StepResult r =
      lsnn::LSNNCell(lsnn_params(c), c.fixture().dt).forward(c.leaf("input"), lsnn_state(c), &c.generator());
  return {{"z", r.z}, {"v", r.state.v}, {"i", r.state.i}, {"b", r.state.b}};
}

// --- LIFEx / LIFAdEx ------------------------------------------------------------------------------

lif_ex::Params lif_ex_params(CaseContext& c) { return model_params<nn::neuron::LIFEx>(c); }

Outputs lif_ex_sequence_case(CaseContext& c) {
  const lif_ex::State s{c.optional_leaf("state.v"), c.optional_leaf("state.i")};
  const lif_ex::SequenceResult r =
      lif_ex::lif_ex_sequence(c.leaf("input"), s, lif_ex_params(c), c.fixture().dt, true, &c.generator());
  return {{"z", r.z}, {"v", r.record.v}, {"i", r.record.i}, {"final.v", r.state.v}, {"final.i", r.state.i}};
}

Outputs lif_ex_step_case(CaseContext& c) {
  const lif_ex::State s{c.optional_leaf("state.v"), c.optional_leaf("state.i")};
  const lif_ex::StepResult r =
      lif_ex::LIFExCell(lif_ex_params(c), c.fixture().dt).forward(c.leaf("input"), s, &c.generator());
  return {{"z", r.z}, {"v", r.state.v}, {"i", r.state.i}};
}

lif_adex::Params lif_adex_params(CaseContext& c) { return model_params<nn::neuron::LIFAdEx>(c); }

lif_adex::State lif_adex_state(CaseContext& c) {
  return lif_adex::State{c.optional_leaf("state.v"), c.optional_leaf("state.i"), c.optional_leaf("state.a")};
}

Outputs lif_adex_sequence_case(CaseContext& c) {
  const lif_adex::SequenceResult r = lif_adex::lif_adex_sequence(c.leaf("input"), lif_adex_state(c), lif_adex_params(c),
                                                                 c.fixture().dt, true, &c.generator());
  return {{"z", r.z},
          {"v", r.record.v},
          {"i", r.record.i},
          {"a", r.record.a},
          {"final.v", r.state.v},
          {"final.i", r.state.i},
          {"final.a", r.state.a}};
}

Outputs lif_adex_step_case(CaseContext& c) {
  const lif_adex::StepResult r = lif_adex::LIFAdExCell(lif_adex_params(c), c.fixture().dt)
                                     .forward(c.leaf("input"), lif_adex_state(c), &c.generator());
  return {{"z", r.z}, {"v", r.state.v}, {"i", r.state.i}, {"a", r.state.a}};
}

// --- Izhikevich -----------------------------------------------------------------------------------

izhikevich::Params izhikevich_params(CaseContext& c) { return model_params<nn::neuron::Izhikevich>(c); }

// The given state, or the preset behaviour's (Norse's module takes it from the behaviour).
izhikevich::State izhikevich_state(CaseContext& c, const Shape& neuron_shape) {
  if (c.fixture().has_tensor("state.v")) return izhikevich::State{c.leaf("state.v"), c.leaf("state.u")};
  return izhikevich::initial_state(izhikevich::behavior(c.fixture().string_param("preset")), neuron_shape);
}

Outputs izhikevich_sequence_case(CaseContext& c) {
  Variable x = c.leaf("input");
  const Shape neuron_shape(x.shape().begin() + 1, x.shape().end());
  const izhikevich::SequenceResult r = izhikevich::izhikevich_sequence(
      x, izhikevich_state(c, neuron_shape), izhikevich_params(c), c.fixture().dt, true, &c.generator());
  return {{"z", r.z}, {"v", r.record.v}, {"u", r.record.u}, {"final.v", r.state.v}, {"final.u", r.state.u}};
}

Outputs izhikevich_step_case(CaseContext& c) {
  Variable x = c.leaf("input");
  const izhikevich::StepResult r = izhikevich::IzhikevichCell(izhikevich_params(c), c.fixture().dt)
                                       .forward(x, izhikevich_state(c, x.shape()), &c.generator());
  return {{"z", r.z}, {"v", r.state.v}, {"u", r.state.u}};
}

// --- CobaLIF ---------------------------------------------------------------------------------------

coba_lif::Params coba_lif_params(CaseContext& c) { return model_params<nn::neuron::CobaLIF>(c); }

coba_lif::State coba_lif_state(CaseContext& c) {
  return coba_lif::State{c.optional_leaf("state.v"), c.optional_leaf("state.g_e"), c.optional_leaf("state.g_i")};
}

Outputs coba_lif_sequence_case(CaseContext& c) {
  const coba_lif::SequenceResult r = coba_lif::coba_lif_sequence(c.leaf("input"), coba_lif_state(c), coba_lif_params(c),
                                                                 c.fixture().dt, true, &c.generator());
  return {{"z", r.z},
          {"v", r.record.v},
          {"g_e", r.record.g_e},
          {"g_i", r.record.g_i},
          {"final.v", r.state.v},
          {"final.g_e", r.state.g_e},
          {"final.g_i", r.state.g_i}};
}

Outputs coba_lif_step_case(CaseContext& c) {
  const coba_lif::StepResult r = coba_lif::CobaLIFFeedForwardCell(coba_lif_params(c), c.fixture().dt)
                                     .forward(c.leaf("input"), coba_lif_state(c), &c.generator());
  return {{"z", r.z}, {"v", r.state.v}, {"g_e", r.state.g_e}, {"g_i", r.state.g_i}};
}

const Registration kRegistrations[] = {
    {"li/sequence", li_sequence_case},
    {"li/step", li_step_case},
    {"li/linear_sequence", li_linear_sequence_case},
    {"li/linear_step", li_linear_step_case},
    {"li_box/sequence", li_box_sequence_case},
    {"li_box/step", li_box_step_case},
    {"lif_box/sequence", lif_box_sequence_case},
    {"lif_box/step", lif_box_step_case},
    {"iaf/sequence", iaf_sequence_case},
    {"iaf/step", iaf_step_case},
    {"lsnn/sequence", lsnn_sequence_case},
    {"lsnn/step", lsnn_step_case},
    {"lif_ex/sequence", lif_ex_sequence_case},
    {"lif_ex/step", lif_ex_step_case},
    {"lif_adex/sequence", lif_adex_sequence_case},
    {"lif_adex/step", lif_adex_step_case},
    {"izhikevich/sequence", izhikevich_sequence_case},
    {"izhikevich/step", izhikevich_step_case},
    {"coba_lif/sequence", coba_lif_sequence_case},
    {"coba_lif/step", coba_lif_step_case},
};

}  // namespace
}  // namespace conformance
}  // namespace norse
