#include "tests/conformance/runner.h"

namespace norse {
namespace conformance {

CaseContext::CaseContext(const Fixture& fixture) : f_(fixture), gen_(fixture.raw.value("seed", uint64_t{0})) {}

Variable CaseContext::make_leaf(const std::string& key, const Tensor& value) {
  auto it = leaves_.find(key);
  if (it != leaves_.end()) return it->second;
  Variable v(value.clone().to(key.rfind("param.", 0) == 0 ? Device::kCPU : case_device()), f_.expects("grad." + key));
  leaves_[key] = v;
  return v;
}

Variable CaseContext::leaf(const std::string& key) {
  auto it = f_.tensors.find(key);
  if (it == f_.tensors.end()) throw InvalidArgument(str_cat(f_.name, ": fixture has no tensor '", key, "'"));
  return make_leaf(key, it->second);
}

Variable CaseContext::optional_leaf(const std::string& key) { return f_.has_tensor(key) ? leaf(key) : Variable(); }

Variable CaseContext::param(const std::string& name, const std::string& prefix) {
  const std::string key = prefix + name;
  if (!f_.parameters.contains(key)) throw InvalidArgument(str_cat(f_.name, ": missing parameter '", key, "'"));
  const auto& p = f_.parameters[key];
  if (p.is_object() && p.contains("tensor")) return leaf(p["tensor"].get<std::string>());
  // The leaf is named by the full key: the network case has lif.tau_mem_inv and li.tau_mem_inv.
  return make_leaf("param." + key, scalar_tensor(f_.number(key)));
}

Surrogate CaseContext::method(const std::string& prefix) const {
  return parse_surrogate(f_.string_param(prefix + "method"));
}

float CaseContext::alpha(const std::string& prefix) const { return f_.number(prefix + "alpha"); }

Device& case_device() {
  static Device device = Device::kCPU;
  return device;
}

std::map<std::string, Handler>& registry() {
  static std::map<std::string, Handler> handlers;
  return handlers;
}

}  // namespace conformance
}  // namespace norse
