#include "models/encoders.h"

#include <cmath>

#include "core/philox.h"
#include "kernels/spiking_math.h"
#include "models/neuron_op.h"
#include "models/neuron_spec.h"

namespace norse {
namespace encode {
namespace {

void check_seq_length(const char* op, int64_t seq_length) {
  NORSE_CHECK(seq_length >= 1, InvalidArgument, op, "argument 'seq_length' must be >= 1, got ", seq_length);
}

void check_rate(const char* op, float f_max, float dt) {
  NORSE_CHECK(std::isfinite(f_max) && f_max >= 0.0f, InvalidArgument, op,
              "argument 'f_max' must be finite and >= 0, got ", f_max);
  NORSE_CHECK(std::isfinite(dt) && dt > 0.0f, InvalidArgument, op, "argument 'dt' must be finite and > 0, got ", dt);
}

// Spikes [T, ...] where u < dt * f_max * |x| (times sign(x) when signed), u from `gen`.
Tensor poisson(const char* op, const Tensor& input, int64_t steps, Generator& gen, float f_max, float dt,
               bool is_signed) {
  check_seq_length(op, steps);
  check_rate(op, f_max, dt);
  const Tensor x = input.contiguous();
  const int64_t n = x.numel();
  Shape shape = x.shape();
  shape.insert(shape.begin(), steps);
  Tensor out = Tensor::empty(shape);
  const uint64_t seed = gen.seed();
  const uint64_t offset = gen.reserve_blocks(static_cast<uint64_t>((steps * n + 3) / 4));
  const float* px = x.data();
  float* po = out.data();
  parallel_for(steps * n, 1 << 14, [&](int64_t begin, int64_t end) {
    for (int64_t j = begin; j < end; ++j) {
      const float v = px[j % n];
      const float u = philox_uniform(philox_bits(seed, offset, static_cast<uint64_t>(j)));
      if (is_signed) {
        const float sign = static_cast<float>(v > 0.0f) - static_cast<float>(v < 0.0f);
        po[j] = sign * static_cast<float>(u < dt * f_max * std::fabs(v));
      } else {
        po[j] = static_cast<float>(u < dt * f_max * v);
      }
    }
  });
  return out;
}

// The constant-current LIF encoder's spikes [T, B, ...] as one fused tape op.
Variable lif_current_encode(const char* op, const Variable& input, int64_t seq_length, const lif::Params& p, float dt) {
  check_seq_length(op, seq_length);
  NORSE_CHECK(input.defined() && input.dim() >= 1, ShapeError, op, "argument 'input' must be [B, ...], got ",
              input.defined() ? shape_to_string(input.shape()) : std::string("undefined"));
  // The same current at every step: the tape's stack sums the steps' gradients back.
  const Variable current = stack(std::vector<Variable>(static_cast<size_t>(seq_length), input), 0);
  using Model = kernels::LIFCurrentEncoderModel;
  kernels::NeuronParams<Model> config;
  config.dt = dt;
  config.alpha = p.alpha;
  config.method = p.method;
  std::vector<Variable> out(Model::kParams);  // LIF's parameters by the encoder model's names
  NORSE_LIF_CURRENT_ENCODER_PARAMS(NORSE_SPEC_PARAM_VALUE)
  return detail::neuron_sequence_op<Model>(op, current, {Variable(zeros(input.shape(), input.value().device()))}, out,
                                           config, false, nullptr)
      .z;
}

}  // namespace

Variable constant_current_lif_encode(const Variable& input, int64_t seq_length, const lif::Params& params, float dt) {
  return lif_current_encode("constant_current_lif_encode", input, seq_length, params, dt);
}

Variable spike_latency_lif_encode(const Variable& input, int64_t seq_length, const lif::Params& params, float dt) {
  return spike_latency_encode(lif_current_encode("spike_latency_lif_encode", input, seq_length, params, dt));
}

Variable spike_latency_encode(const Variable& spikes) {
  NORSE_CHECK(spikes.defined() && spikes.dim() >= 1, ShapeError, "spike_latency_encode",
              "argument 'spikes' must be [T, ...], got ",
              spikes.defined() ? shape_to_string(spikes.shape()) : std::string("undefined"));
  // keep[t] = 1 where no spike occurred strictly before t: out = z * keep, so the gradient
  // passes exactly there (Norse's where(mask > 0, 0, z) with a mask that has no gradient).
  const Tensor z = spikes.value().contiguous();
  const int64_t steps = z.size(0), n = z.numel() / std::max<int64_t>(steps, 1);
  Tensor keep = Tensor::empty(z.shape());
  std::vector<float> seen(static_cast<size_t>(n), 0.0f);
  for (int64_t t = 0; t < steps; ++t) {
    for (int64_t e = 0; e < n; ++e) {
      keep.data()[t * n + e] = seen[static_cast<size_t>(e)] > 0.0f ? 0.0f : 1.0f;
      if (keep.data()[t * n + e] * z.data()[t * n + e] != 0.0f) seen[static_cast<size_t>(e)] = 1.0f;
    }
  }
  return mul(spikes, Variable(keep));
}

Tensor poisson_encode(const Tensor& input, int64_t seq_length, Generator& gen, float f_max, float dt) {
  return poisson("poisson_encode", input, seq_length, gen, f_max, dt, false);
}

Tensor signed_poisson_encode(const Tensor& input, int64_t seq_length, Generator& gen, float f_max, float dt) {
  return poisson("signed_poisson_encode", input, seq_length, gen, f_max, dt, true);
}

Tensor poisson_encode_step(const Tensor& input, Generator& gen, float f_max, float dt) {
  return poisson("poisson_encode_step", input, 1, gen, f_max, dt, false).select(0, 0);
}

Tensor signed_poisson_encode_step(const Tensor& input, Generator& gen, float f_max, float dt) {
  return poisson("signed_poisson_encode_step", input, 1, gen, f_max, dt, true).select(0, 0);
}

Variable gaussian_rbf(const Variable& distance, float sigma) {
  NORSE_CHECK(std::isfinite(sigma) && sigma != 0.0f, InvalidArgument, "gaussian_rbf",
              "argument 'sigma' must be finite and non-zero, got ", sigma);
  NORSE_CHECK(distance.defined(), InvalidArgument, "gaussian_rbf", "argument 'distance' is undefined");
  // Divided, as Norse does (a multiplication by 1 / (2 sigma^2) would round differently).
  return exp(-distance / Variable(full({}, 2.0f * sigma * sigma, distance.value().device())));
}

Variable euclidean_distance(const Variable& x, const Variable& y) {
  NORSE_CHECK(x.defined() && y.defined(), InvalidArgument, "euclidean_distance", "argument '", x.defined() ? "y" : "x",
              "' is undefined");
  const Variable d = x - y;
  return d * d;
}

Variable population_encode(const Variable& input, int64_t out_features, std::optional<float> scale,
                           const PopulationKernel& kernel, const DistanceFunction& distance_function) {
  NORSE_CHECK(out_features >= 2, InvalidArgument, "population_encode", "argument 'out_features' must be >= 2, got ",
              out_features);
  NORSE_CHECK(input.defined() && input.numel() > 0, ShapeError, "population_encode",
              "argument 'input' must be non-empty");
  NORSE_CHECK(!scale || std::isfinite(*scale), InvalidArgument, "population_encode", "argument 'scale' must be finite");
  NORSE_CHECK(kernel && distance_function, InvalidArgument, "population_encode",
              "arguments 'kernel' and 'distance_function' must be callable");
  // scale: given, or the maximum of the whole input (the gradient flows through it).
  const Variable s = scale ? Variable(scalar_tensor(*scale)) : reshape(max(reshape(input, {-1}), 0).values, {});
  // Norse builds the centres with torch.linspace, which takes the scale as a plain number: no
  // gradient flows through the centres, only through the "* scale" factor below.
  const Variable centres =
      mul(Variable(mul(arange(0.0f, static_cast<float>(out_features)), 1.0f / static_cast<float>(out_features - 1))),
          s.detach());
  Shape expanded = input.shape();
  expanded.push_back(1);
  const Variable distances = distance_function(reshape(input, expanded), centres);  // [..., K]
  Shape want = input.shape();
  want.push_back(out_features);
  NORSE_CHECK(distances.defined() && distances.shape() == want, ShapeError, "population_encode",
              "argument 'distance_function' must return shape ", shape_to_string(want), ", got ",
              distances.defined() ? shape_to_string(distances.shape()) : std::string("undefined"));
  const Variable out = kernel(distances * s);
  NORSE_CHECK(out.defined() && out.shape() == want, ShapeError, "population_encode",
              "argument 'kernel' must keep the shape ", shape_to_string(want), ", got ",
              out.defined() ? shape_to_string(out.shape()) : std::string("undefined"));
  return out;
}

}  // namespace encode
}  // namespace norse
