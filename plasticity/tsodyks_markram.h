// Tsodyks-Markram short-term synaptic plasticity (Tsodyks, Pawelzik & Markram 1998; Norse's
// norse/torch/functional/tsodyks_makram.py, stp_step), per step with presynaptic spikes z:
//   u' = u - dt tau_f_inv u + U (1 - u) z        (facilitation: utilisation)
//   x' = x + dt tau_d_inv (1 - x) - u' x z        (depression: available resources)
//   output = u' x z                               (new u, old x)
// Depressing synapses have large U and slow recovery (small tau_d_inv); facilitating ones
// small U and slow decay of u (small tau_f_inv). Differentiable on the tape (gradients reach
// the initial state and the input); composed of tape ops per step.
#ifndef NORSE_PLASTICITY_TSODYKS_MARKRAM_H_
#define NORSE_PLASTICITY_TSODYKS_MARKRAM_H_

#include "core/core.h"

namespace norse {
namespace tsodyks_markram {

// Norse's TsodyksMakramParameters defaults (tau_s_inv is not used by the step).
struct Params {
  float tau_f_inv = 1.0f / 50e-3f;
  float tau_s_inv = 1.0f / 20e-3f;
  float tau_d_inv = 1.0f / 750e-3f;
  float U = 0.15f;
};

struct State {
  Variable u;  // [B, N]
  Variable x;  // [B, N]
};

struct SequenceResult {
  Variable output;  // [T, B, N]
  State state;      // final
  State record;     // [T, B, N] each
};

// z [T, B, N]; undefined initial fields start at u = 0, x = 1.
SequenceResult stp_sequence(const Variable& z, const State& initial, const Params& p = {}, float dt = 1e-3f);

}  // namespace tsodyks_markram
}  // namespace norse

#endif  // NORSE_PLASTICITY_TSODYKS_MARKRAM_H_
