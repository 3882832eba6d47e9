// Norse's encoders (norse/torch/functional/encode.py, module/encode.py): turn values into spike
// trains [T, B, ...] (time first).
//
//   constant_current_lif_encode  a LIF neuron without synaptic current, driven by the value as
//                                a constant current for seq_length steps; v starts at 0 (not
//                                v_leak); reset v - z (v - v_reset). Differentiable (surrogate).
//   spike_latency_lif_encode     the same, keeping only each neuron's first spike
//   spike_latency_encode         keeps only the first spike along time of given spikes;
//                                gradient passes where no spike came strictly before
//   poisson_encode               z[t] = (u < dt f_max x), u ~ U[0,1) from `gen` (f_max 100)
//   signed_poisson_encode        z[t] = sign(x) (u < dt f_max |x|)                (f_max 100)
//   poisson_encode_step          one step of poisson_encode                          (f_max 1000)
//   signed_poisson_encode_step   one step of signed_poisson_encode                   (f_max 1000)
//   population_encode            population code over out_features centres c = linspace(0,
//                                scale, K): kernel(distance(x, c) * scale), by default
//                                gaussian_rbf(euclidean_distance) = exp(-((x - c)^2 scale) / 2);
//                                with no scale, scale = max(x) over the whole tensor; the
//                                gradient flows through the factor scale, not the centres
//                                (Norse's torch.linspace takes the scale as a number)
// Random encoders draw from an explicit Generator (no hidden global state); the Poisson ones are
// not differentiable (their outputs are constants).
#ifndef NORSE_MODELS_ENCODERS_H_
#define NORSE_MODELS_ENCODERS_H_

#include <functional>
#include <optional>

#include "core/core.h"
#include "models/lif.h"
#include "models/module.h"

namespace norse {
namespace encode {

Variable constant_current_lif_encode(const Variable& input, int64_t seq_length, const lif::Params& params = {},
                                     float dt = 1e-3f);
Variable spike_latency_lif_encode(const Variable& input, int64_t seq_length, const lif::Params& params = {},
                                  float dt = 1e-3f);
Variable spike_latency_encode(const Variable& spikes);
Tensor poisson_encode(const Tensor& input, int64_t seq_length, Generator& gen, float f_max = 100.0f, float dt = 1e-3f);
Tensor signed_poisson_encode(const Tensor& input, int64_t seq_length, Generator& gen, float f_max = 100.0f,
                             float dt = 1e-3f);
Tensor poisson_encode_step(const Tensor& input, Generator& gen, float f_max = 1000.0f, float dt = 1e-3f);
Tensor signed_poisson_encode_step(const Tensor& input, Generator& gen, float f_max = 1000.0f, float dt = 1e-3f);
// Norse's kernel and distance functions for population_encode: gaussian_rbf(t, sigma) =
// exp(-t / (2 sigma^2)), euclidean_distance(x, y) = (x - y)^2 (squared, as Norse's is).
Variable gaussian_rbf(const Variable& distance, float sigma = 1.0f);
Variable euclidean_distance(const Variable& x, const Variable& y);
using PopulationKernel = std::function<Variable(const Variable& distance)>;
using DistanceFunction = std::function<Variable(const Variable& x, const Variable& centres)>;
// `input` [...] -> [..., out_features]. The distance function gets x [..., 1] and the centres
// [out_features] and must broadcast them.
Variable population_encode(
    const Variable& input, int64_t out_features, std::optional<float> scale = std::nullopt,
    const PopulationKernel& kernel = [](const Variable& d) { return gaussian_rbf(d); },
    const DistanceFunction& distance_function = euclidean_distance);

// Module forms with Norse's names and defaults: ConstantCurrentLIFEncoder, SpikeLatencyLIFEncoder.
template <Variable (*kEncode)(const Variable&, int64_t, const lif::Params&, float)>
class LIFEncoderModule {
 public:
  explicit LIFEncoderModule(int64_t seq_length, lif::Params p = {}, float dt = 1e-3f)
      : seq_length_(seq_length), p_(std::move(p)), dt_(dt) {}
  Variable forward(const Variable& input) const { return kEncode(input, seq_length_, p_, dt_); }

 private:
  int64_t seq_length_;
  lif::Params p_;
  float dt_;
};
using ConstantCurrentLIFEncoder = LIFEncoderModule<constant_current_lif_encode>;
using SpikeLatencyLIFEncoder = LIFEncoderModule<spike_latency_lif_encode>;

class SpikeLatencyEncoder {
 public:
  Variable forward(const Variable& spikes) const { return spike_latency_encode(spikes); }
};

// [B, ...] rates -> [T, B, ...] spikes (Norse's PoissonEncoder / SignedPoissonEncoder).
template <Tensor (*Encode)(const Tensor&, int64_t, Generator&, float, float)>
class SequenceEncoder {
 public:
  explicit SequenceEncoder(int64_t seq_length, float f_max = 100.0f, float dt = 1e-3f)
      : seq_length_(seq_length), f_max_(f_max), dt_(dt) {}
  Tensor forward(const Tensor& input, Generator& gen) const { return Encode(input, seq_length_, gen, f_max_, dt_); }

 private:
  int64_t seq_length_;
  float f_max_, dt_;
};
using PoissonEncoder = SequenceEncoder<poisson_encode>;
using SignedPoissonEncoder = SequenceEncoder<signed_poisson_encode>;

// One time step per call (Norse's PoissonEncoderStep / SignedPoissonEncoderStep: f_max 1000).
template <Tensor (*Encode)(const Tensor&, Generator&, float, float)>
class StepEncoder {
 public:
  explicit StepEncoder(float f_max = 1000.0f, float dt = 1e-3f) : f_max_(f_max), dt_(dt) {}
  Tensor forward(const Tensor& input, Generator& gen) const { return Encode(input, gen, f_max_, dt_); }

 private:
  float f_max_, dt_;
};
using PoissonEncoderStep = StepEncoder<poisson_encode_step>;
using SignedPoissonEncoderStep = StepEncoder<signed_poisson_encode_step>;

class PopulationEncoder {
 public:
  explicit PopulationEncoder(
      int64_t out_features, std::optional<float> scale = std::nullopt,
      PopulationKernel kernel = [](const Variable& d) { return gaussian_rbf(d); },
      DistanceFunction distance_function = euclidean_distance)
      : out_features_(out_features),
        scale_(scale),
        kernel_(std::move(kernel)),
        distance_function_(std::move(distance_function)) {}
  Variable forward(const Variable& input) const {
    return population_encode(input, out_features_, scale_, kernel_, distance_function_);
  }

 private:
  int64_t out_features_;
  std::optional<float> scale_;
  PopulationKernel kernel_;
  DistanceFunction distance_function_;
};

}  // namespace encode

namespace nn {

// Norse's Poisson encoders as container layers (nn::SequentialState, ...): the generator is the
// one the container passes down (set_generator), so one seed drives the encoder with every other
// stochastic layer. PoissonEncoder / SignedPoissonEncoder: [B, ...] rates -> [T, B, ...] spikes;
// the Step forms: [B, ...] -> [B, ...], one step per call. Not differentiable.
class RandomEncoderLayer : public Layer {
 public:
  void set_generator(Generator* gen) override { gen_ = gen; }

 protected:
  Generator& generator(const char* layer) const {
    NORSE_CHECK(gen_ != nullptr, InvalidArgument, layer,
                "no generator: call set_generator on the layer or on its container first");
    return *gen_;
  }

 private:
  Generator* gen_ = nullptr;
};

// The functional encoder E (encode::PoissonEncoder, ...) as a layer, constructed with E's arguments.
template <class E>
class EncoderLayer : public RandomEncoderLayer {
 public:
  template <class... Args>
  explicit EncoderLayer(Args... args) : encoder_(args...) {}
  Variable forward(const Variable& input) override {
    return Variable(encoder_.forward(input.value(), generator("Poisson encoder layer")));
  }

 private:
  E encoder_;
};

using PoissonEncoder = EncoderLayer<encode::PoissonEncoder>;
using SignedPoissonEncoder = EncoderLayer<encode::SignedPoissonEncoder>;
using PoissonEncoderStep = EncoderLayer<encode::PoissonEncoderStep>;
using SignedPoissonEncoderStep = EncoderLayer<encode::SignedPoissonEncoderStep>;

}  // namespace nn
}  // namespace norse

#endif  // NORSE_MODELS_ENCODERS_H_
