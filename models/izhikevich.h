// Norse's Izhikevich neuron (Izhikevich 2003); a, b, c, d default to the tonic_spiking behaviour.
// Norse: norse/torch/functional/izhikevich.py and module/izhikevich.py. Equations and order of
// evaluation: kernels/spiking_math.h (IzhikevichModel).
//
//   izhikevich_sequence / Izhikevich   input [T, B, ...]; ONE tape node (kernels/neuron_sequence.h: fused
//                            loop, backward = the dual-number adjoint of the same step)
//   izhikevich_step / IzhikevichCell   input [B, ...], one step
//
// Parameters: Norse's names and defaults; each a scalar or a tensor matching the trailing
// dimensions of the neuron shape; mark requires_grad to train it.
// Default initial state (undefined State fields): v = none, must be given, u = none, must be given.
#ifndef NORSE_MODELS_IZHIKEVICH_H_
#define NORSE_MODELS_IZHIKEVICH_H_

#include <string>
#include <vector>

#include "core/core.h"
#include "kernels/spiking_math.h"
#include "models/recurrent_module.h"

namespace norse::izhikevich {

struct Params : SurrogateParams {
  Variable a{scalar_tensor(0.02f)};
  Variable b{scalar_tensor(0.2f)};
  Variable c{scalar_tensor(-65.0f)};
  Variable d{scalar_tensor(6.0f)};
  Variable sq{scalar_tensor(0.04f)};
  Variable mn{scalar_tensor(5.0f)};
  Variable bias{scalar_tensor(140.0f)};
  Variable v_th{scalar_tensor(30.0f)};
  Variable tau_inv{scalar_tensor(250.0f)};
};

// State {v, u}, one tensor [B, ...] per field.
// Recurrent flavours: the reset is not detached, as in Norse.
// RecurrentState {z, v, u}: the previous spikes and the state, [B, N_hidden] each.
NORSE_RECURRENT_NEURON_MODEL(izhikevich, IzhikevichModel, NORSE_IZHIKEVICH, IzhikevichCell, Izhikevich,
                             IzhikevichRecurrentCell, IzhikevichRecurrent)

// Norse's IzhikevichSpikingBehavior: parameters plus the initial state (v, u as scalars).
struct Behavior {
  Params p;
  float v;
  float u;
};

// The 20 named behaviours of Izhikevich (2004), "Which model to use for cortical spiking
// neurons?", fig. 1, with Norse's values (norse/torch/functional/izhikevich.py): tonic_spiking,
// phasic_spiking, tonic_bursting, phasic_bursting, mixed_mode, spike_frequency_adaptation,
// class_1_exc, class_2_exc, spike_latency, subthreshold_oscillation, resonator, integrator,
// rebound_spike, rebound_burst, threshold_variability, bistability, dap, accomodation,
// inhibition_induced_spiking, inhibition_induced_bursting. Throws InvalidArgument listing them
// for an unknown name.
Behavior behavior(const std::string& name);
const std::vector<std::string>& behavior_names();

// The behaviour's state broadcast to `neuron_shape` ([B, ...]).
State initial_state(const Behavior& behavior, const Shape& neuron_shape);

}  // namespace norse::izhikevich

#endif  // NORSE_MODELS_IZHIKEVICH_H_
