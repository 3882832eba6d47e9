#include "kernels/surrogate.h"

namespace norse {

namespace {
struct Entry {
  const char* name;
  Surrogate value;
};
constexpr Entry kMethods[] = {
    {"super", Surrogate::kSuper},       {"triangle", Surrogate::kTriangle},    {"tanh", Surrogate::kTanh},
    {"circ", Surrogate::kCirc},         {"heavi_erfc", Surrogate::kHeaviErfc}, {"heaviside", Surrogate::kHeaviside},
    {"logistic", Surrogate::kLogistic}, {"circ_dist", Surrogate::kCircDist},   {"user", Surrogate::kUser},
};
}  // namespace

const char* surrogate_names() {
  return "super, triangle, tanh, circ, heavi_erfc, heaviside, logistic, circ_dist, user";
}

void register_user_surrogate(UserSurrogate derivative) {
  NORSE_CHECK(derivative != nullptr, InvalidArgument, "register_user_surrogate",
              "argument 'derivative' must be a function, got nullptr");
  detail::user_surrogate_slot() = derivative;
}

Surrogate parse_surrogate(const std::string& method) {
  for (const Entry& e : kMethods) {
    if (method == e.name) return e.value;
  }
  throw InvalidArgument(
      str_cat("parse_surrogate: unknown spike function method '", method, "'; valid methods are: ", surrogate_names()));
}

const char* surrogate_name(Surrogate s) {
  for (const Entry& e : kMethods) {
    if (e.value == s) return e.name;
  }
  return "unknown";
}

}  // namespace norse
