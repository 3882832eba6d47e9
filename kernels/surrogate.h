// Host-side handling of surrogate methods: parsing Norse's method strings once, and the single
// runtime-to-compile-time switch (with_surrogate) that every fused loop dispatches through.
#ifndef NORSE_KERNELS_SURROGATE_H_
#define NORSE_KERNELS_SURROGATE_H_

#include <string>
#include <type_traits>

#include "core/error.h"
#include "kernels/surrogate_math.h"

namespace norse {

// "super", "triangle", "tanh", "circ", "heavi_erfc", "heaviside", "logistic", "circ_dist".
// Throws InvalidArgument listing the valid names for anything else.
Surrogate parse_surrogate(const std::string& method);
const char* surrogate_name(Surrogate s);
// The valid method names, comma separated (for messages).
const char* surrogate_names();

// Makes `derivative` the backward of Surrogate::kUser ("user"): dz/dx at x = v - v_th, given
// the model's alpha. The forward stays H(x). Register once, before training (one per process;
// a later call replaces it). The fused CPU loops call it once per neuron-step through a function
// pointer, so the element loops do not vectorise (cost: docs/benchmarks.md); the CUDA loops
// refuse it (DeviceError). Throws InvalidArgument for a null derivative.
void register_user_surrogate(UserSurrogate derivative);

template <Surrogate S>
using SurrogateTag = std::integral_constant<Surrogate, S>;

// Calls f(SurrogateTag<s>{}): one switch, no default, so a new enumerator without its case
// fails to build (-Werror=switch).
template <typename F>
decltype(auto) with_surrogate(Surrogate s, F&& f) {
  switch (s) {
    case Surrogate::kSuper:
      return f(SurrogateTag<Surrogate::kSuper>{});
    case Surrogate::kTriangle:
      return f(SurrogateTag<Surrogate::kTriangle>{});
    case Surrogate::kTanh:
      return f(SurrogateTag<Surrogate::kTanh>{});
    case Surrogate::kCirc:
      return f(SurrogateTag<Surrogate::kCirc>{});
    case Surrogate::kHeaviErfc:
      return f(SurrogateTag<Surrogate::kHeaviErfc>{});
    case Surrogate::kHeaviside:
      return f(SurrogateTag<Surrogate::kHeaviside>{});
    case Surrogate::kLogistic:
      return f(SurrogateTag<Surrogate::kLogistic>{});
    case Surrogate::kCircDist:
      return f(SurrogateTag<Surrogate::kCircDist>{});
    case Surrogate::kUser:
      NORSE_CHECK(detail::user_surrogate_slot() != nullptr, InvalidArgument, "surrogate",
                  "method 'user' has no derivative: call register_user_surrogate(f) first");
      return f(SurrogateTag<Surrogate::kUser>{});
  }
  throw InvalidArgument(str_cat("with_surrogate: invalid Surrogate value ", static_cast<int>(s)));
}

}  // namespace norse

#endif  // NORSE_KERNELS_SURROGATE_H_
