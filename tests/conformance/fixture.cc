#include "tests/conformance/fixture.h"

#include <fstream>
#include <limits>

namespace norse {
namespace conformance {

namespace {
Tensor parse_tensor(const std::string& file, const std::string& key, const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("shape") || !j.contains("data")) {
    throw IoError(str_cat(file, ": tensor '", key, "' lacks 'shape' or 'data'"));
  }
  Shape shape = j["shape"].get<Shape>();
  std::vector<float> values;
  values.reserve(j["data"].size());
  for (const auto& v : j["data"]) {
    values.push_back(v.is_null() ? std::numeric_limits<float>::infinity() : static_cast<float>(v.get<double>()));
  }
  if (static_cast<int64_t>(values.size()) != shape_numel(shape)) {
    throw IoError(str_cat(file, ": tensor '", key, "' has ", values.size(), " values for shape ", shape_to_string(shape)));
  }
  return from_vector(values, shape);
}

Tolerance parse_tolerance(const nlohmann::json& j) {
  Tolerance t;
  if (j.contains("rtol") && j["rtol"].is_number()) t.rtol = j["rtol"].get<double>();
  if (j.contains("atol") && j["atol"].is_number()) t.atol = j["atol"].get<double>();
  return t;
}
}  // namespace

Tolerance Fixture::tolerance_for(const std::string& key) const {
  auto it = per_tensor.find(key);
  return it != per_tensor.end() ? it->second : tolerance;
}

float Fixture::number(const std::string& key) const {
  if (!parameters.contains(key) || !parameters[key].is_number()) {
    throw InvalidArgument(str_cat(name, ": parameter '", key, "' is missing or not a number"));
  }
  return static_cast<float>(parameters[key].get<double>());
}

std::string Fixture::string_param(const std::string& key) const {
  if (!parameters.contains(key) || !parameters[key].is_string()) {
    throw InvalidArgument(str_cat(name, ": parameter '", key, "' is missing or not a string"));
  }
  return parameters[key].get<std::string>();
}

bool Fixture::bool_param(const std::string& key) const {
  if (!parameters.contains(key) || !parameters[key].is_boolean()) {
    throw InvalidArgument(str_cat(name, ": parameter '", key, "' is missing or not a boolean"));
  }
  return parameters[key].get<bool>();
}

Fixture load_fixture(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw IoError(str_cat("cannot open fixture ", path));
  nlohmann::json j;
  try {
    in >> j;
  } catch (const std::exception& e) {
    throw IoError(str_cat(path, ": invalid JSON: ", e.what()));
  }
  Fixture f;
  f.raw = j;
  f.name = j.value("name", std::string());
  f.model = j.value("model", std::string());
  f.mode = j.value("mode", std::string());
  f.parameters = j.value("parameters", nlohmann::json::object());
  if (j.contains("dt") && j["dt"].is_number()) f.dt = static_cast<float>(j["dt"].get<double>());
  // (Bind the sub-objects first: iterating items() of a temporary would dangle.)
  const nlohmann::json tensors = j.value("tensors", nlohmann::json::object());
  const nlohmann::json expected = j.value("expected", nlohmann::json::object());
  for (const auto& [key, value] : tensors.items()) {
    f.tensors[key] = parse_tensor(path, key, value);
  }
  for (const auto& [key, value] : expected.items()) {
    if (value.is_object() && value.contains("shape")) f.expected[key] = parse_tensor(path, key, value);
  }
  f.differentiated_outputs = j.value("differentiated_outputs", std::vector<std::string>{});
  if (j.contains("tolerance")) {
    f.tolerance = parse_tolerance(j["tolerance"]);
    const nlohmann::json per_tensor = j["tolerance"].value("per_tensor", nlohmann::json::object());
    for (const auto& [key, value] : per_tensor.items()) {
      f.per_tensor[key] = parse_tolerance(value);
    }
  }
  if (j.value("stochastic", false) && j.contains("compare")) {
    for (const auto& [key, value] : j["compare"].items()) {
      if (value.is_object()) f.per_tensor[key] = parse_tolerance(value);
    }
  }
  if (f.name.empty() || f.model.empty() || f.mode.empty()) {
    throw IoError(str_cat(path, ": missing 'name', 'model' or 'mode'"));
  }
  return f;
}

}  // namespace conformance
}  // namespace norse
