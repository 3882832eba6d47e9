// Norse's multi-compartment LIF cells: LIF neurons coupled within a layer by a conductance
// matrix g_coupling [N, N] (entry [post, pre], torch.nn.functional.linear layout).
//
// LIFMCRecurrentCell (as the conformance fixtures define it): one recurrent LIF step (reset
// detached; lif::lif_recurrent_step, fused), then on the post-reset voltage
//   v <- v + dt * v @ g_coupling^T
// LIFMCRefracRecurrentCell (lif_mc_refrac.py; its own order of evaluation):
//   mask = H(rho);  dv = (1 - mask) * dt * tau_mem_inv * ((v_leak - v) + i) + v @ G^T  (no dt)
//   v1 = v + dv;  i1 = i + (-dt * tau_syn_inv) * i;  z = H(v1 - v_th)
//   v2 = (1 - z) v1 + z v_reset (not detached);  i2 = i1 + x @ W^T + z_prev @ R^T
//   rho' = (1 - z) relu(rho - mask) + z rho_reset          (spikes are NOT suppressed)
// The coupling mixes neurons, so these cells are composed of tape ops around the fused LIF step
// (LIFMC) or entirely of tape ops with the differentiable spike function (LIFMCRefrac, whose
// equations exist only here). Norse has cells only, no sequence modules.
#ifndef NORSE_MODELS_LIF_MC_H_
#define NORSE_MODELS_LIF_MC_H_

#include "core/core.h"
#include "models/lif.h"

namespace norse {
namespace lif_mc {

using StepResult = lif::RecurrentStepResult;

// input [B, N_in], input_weights [N, N_in], recurrent_weights [N, N], g_coupling [N, N].
StepResult lif_mc_step(const Variable& input, const Variable& input_weights, const Variable& recurrent_weights,
                       const Variable& g_coupling, const lif::RecurrentState& state, const lif::Params& params,
                       bool autapses = false, float dt = 1e-3f);

struct RefracParams {
  lif::Params lif;
  Variable rho_reset{scalar_tensor(5.0f)};
};

struct RefracState {
  Variable z, v, i, rho;
};

using RefracStepResult = RecurrentStepResultOf<RefracState>;

RefracStepResult lif_mc_refrac_step(const Variable& input, const Variable& input_weights,
                                    const Variable& recurrent_weights, const Variable& g_coupling,
                                    const RefracState& state, const RefracParams& params, bool autapses = false,
                                    float dt = 1e-3f);

}  // namespace lif_mc
}  // namespace norse

#endif  // NORSE_MODELS_LIF_MC_H_
