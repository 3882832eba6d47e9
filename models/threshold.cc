#include "models/threshold.h"

#include <cmath>

#include "core/philox.h"

namespace norse {

Variable threshold(const Variable& x, Surrogate method, float alpha, Generator* gen) {
  NORSE_CHECK(std::isfinite(alpha), InvalidArgument, "threshold", "argument 'alpha' must be finite, got ", alpha);
  NORSE_CHECK(!is_stochastic(method) || gen != nullptr, InvalidArgument, "threshold", "method '",
              surrogate_name(method), "' is stochastic and needs a Generator");
  const Tensor xv = x.value().contiguous();
  Tensor z = Tensor::empty(xv.shape());
  const int64_t n = xv.numel();
  const uint64_t seed = gen ? gen->seed() : 0;
  const uint64_t offset = (gen && is_stochastic(method)) ? gen->reserve_blocks(static_cast<uint64_t>((n + 3) / 4)) : 0;
  with_surrogate(method, [&](auto tag) {
    constexpr Surrogate S = decltype(tag)::value;
    for (int64_t k = 0; k < n; ++k) {
      const float u = is_stochastic(S) ? philox_uniform(philox_bits(seed, offset, static_cast<uint64_t>(k))) : 0.0f;
      z.data()[k] = spike_forward<S>(xv.data()[k], alpha, u);
    }
  });
  return record_op("threshold", z, {x}, [xv, method, alpha](const std::vector<Tensor>& g, const std::vector<bool>&) {
    Tensor grad = Tensor::empty(xv.shape());
    const Tensor gc = g[0].contiguous();
    with_surrogate(method, [&](auto tag) {
      constexpr Surrogate S = decltype(tag)::value;
      for (int64_t k = 0; k < xv.numel(); ++k) grad.data()[k] = gc.data()[k] * spike_grad<S>(xv.data()[k], alpha);
    });
    return std::vector<Tensor>{grad};
  });
}

Variable sign(const Variable& x, Surrogate method, float alpha, Generator* gen) {
  return threshold(x, method, alpha, gen) * 2.0f - 1.0f;
}

}  // namespace norse
