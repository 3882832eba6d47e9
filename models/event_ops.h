// Layers that read spikes do work in proportion to them (issue 12): spike_conv2d is conv2d for an
// input that holds only 0 and 1, run event-driven (kernels/event_conv.h) when the input is sparse
// enough and densely (core's im2col + GEMM) otherwise, chosen per call by the input's spike
// density against `max_density`, the crossover measured by //kernels:event_conv_benchmark;
// spike_linear likewise for a linear layer (//kernels:event_linear_benchmark).
//
// Whether an input holds spikes is known from where it comes from (a spike function, max-pooled
// spikes), so the layer that reads it says so (nn::Conv2d::spike_input); the values are not
// tested for it, except that a non-zero entry other than 1 met while counting the spikes is an
// error (the event-driven result would be wrong).
//
// Backward: the weight gradient event-driven as well (when forward was), the input gradient
// dense (only when something upstream needs it), the bias gradient a sum. Results equal the
// dense convolution's within float rounding (a different order of summation), and the same on
// any thread count.
#ifndef NORSE_MODELS_EVENT_OPS_H_
#define NORSE_MODELS_EVENT_OPS_H_

#include "core/core.h"

namespace norse {

// The spike density (non-zero fraction) up to which the event-driven convolution is faster than
// the dense one on this project's machines (docs/benchmarks.md, "Event-driven convolution").
constexpr float kEventConvMaxDensity = 0.3f;

// conv2d(spikes, weight, bias, options) for spikes [B, C, H, W] of 0 and 1. The event-driven
// path takes stride 1, dilation 1, one group, equal padding on both axes, on the CPU; anything
// else runs densely. `used_events`, when given, says which path ran.
Variable spike_conv2d(const Variable& spikes, const Variable& weight, const Variable& bias,
                      const Conv2dOptions& options = {}, float max_density = kEventConvMaxDensity,
                      bool* used_events = nullptr);

// The density up to which the event-driven linear layer is faster than the dense GEMM
// (docs/benchmarks.md, "Event-driven linear layer").
constexpr float kEventLinearMaxDensity = 0.25f;

// input [..., in] of 0 and 1 times weight [out, in]^T plus bias [out] (or undefined):
// [..., out], event-driven up to `max_density`, dense (matmul) above it or on the GPU.
Variable spike_linear(const Variable& spikes, const Variable& weight, const Variable& bias,
                      float max_density = kEventLinearMaxDensity, bool* used_events = nullptr);

}  // namespace norse

#endif  // NORSE_MODELS_EVENT_OPS_H_
