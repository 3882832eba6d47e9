// BrainScaleS-style correlation sensors (Norse's norse/torch/functional/correlation_sensor.py):
//
// STDP sensor, per step (Norse's stdp_sensor_step; tau_c_inv decays BOTH traces, tau_ac_inv is
// unused, as in Norse):
//   a_pre'  = a_pre  - dt tau_c_inv a_pre  + eta_p z_pre
//   a_post' = a_post - dt tau_c_inv a_post + eta_m z_post
// Correlation sensor, per step, state [B, N_pre, N_post], pre_mask[b,i,j] = z_pre[b,i],
// post_mask[b,i,j] = z_post[b,j]:
//   c' = c + (1 - post_pre) dt tau_c_inv (-c);   a' = a + post_pre dt tau_ac_inv (-a)
//   post_pre' = H(post_pre + post_mask - pre_mask)            (H strict)
//   c' += eta_p pre_mask;   a' += eta_m post_mask
// Norse's correlation sensor only works for batch size 1 (its masks broadcast wrongly for
// B > 1); this one applies the definition per batch entry, for any B, and agrees with Norse for
// B = 1. The correlation-based weight update: w += eta_p_w * c - eta_m_w * a (summed over B).
#ifndef NORSE_PLASTICITY_CORRELATION_SENSOR_H_
#define NORSE_PLASTICITY_CORRELATION_SENSOR_H_

#include "core/core.h"

namespace norse {
namespace correlation {

struct Params {
  float eta_p = 1.0f, eta_m = 1.0f;
  float tau_ac_inv = 1.0f / 100e-3f, tau_c_inv = 1.0f / 100e-3f;
};

struct StdpSensorState {
  Tensor a_pre;   // [B, N_pre]
  Tensor a_post;  // [B, N_post]
};

// One step; undefined state fields start at 0.
void stdp_sensor_step(const Tensor& z_pre, const Tensor& z_post, StdpSensorState& state, const Params& p = {},
                      float dt = 1e-3f);

struct CorrelationSensorState {
  Tensor post_pre;                // [B, N_pre, N_post]
  Tensor correlation_trace;       // [B, N_pre, N_post]
  Tensor anti_correlation_trace;  // [B, N_pre, N_post]
};

void correlation_sensor_step(const Tensor& z_pre, const Tensor& z_post, CorrelationSensorState& state,
                             const Params& p = {}, float dt = 1e-3f);

// w [N_post, N_pre] += eta_plus * sum_b c^T - eta_minus * sum_b a^T (the sensors' traces
// read as a weight update).
Tensor correlation_based_update(const Tensor& w, const CorrelationSensorState& state, float eta_plus, float eta_minus);

}  // namespace correlation
}  // namespace norse

#endif  // NORSE_PLASTICITY_CORRELATION_SENSOR_H_
