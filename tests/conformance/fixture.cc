#include "tests/conformance/fixture.h"

#include <fstream>
#include <iterator>
#include <limits>

#include "core/json_io.h"

namespace norse {
namespace conformance {

namespace {
Tensor parse_tensor(const std::string& file, const std::string& key, const nlohmann::json& j) {
  const std::string where = str_cat(file, ": tensor '", key, "'");
  const Shape shape = json_shape(json_field(j, "shape", where), where + " shape");
  const nlohmann::json& data = json_field(j, "data", where);
  NORSE_CHECK(data.is_array(), IoError, where, "'data' must be an array of numbers, got ", json_excerpt(data));
  NORSE_CHECK(static_cast<int64_t>(data.size()) == shape_numel(shape), IoError, where, "has ", data.size(),
              " values for shape ", shape_to_string(shape));
  std::vector<float> values;
  values.reserve(data.size());
  for (size_t i = 0; i < data.size(); ++i) {
    const nlohmann::json& v = data[i];
    values.push_back(v.is_null() ? std::numeric_limits<float>::infinity()
                                 : static_cast<float>(json_number(v, str_cat(where, " data[", i, "]"))));
  }
  return from_vector(values, shape);
}

Tolerance parse_tolerance(const nlohmann::json& j) {
  Tolerance t;
  if (!j.is_object()) return t;
  if (j.contains("rtol") && j["rtol"].is_number()) t.rtol = j["rtol"].get<double>();
  if (j.contains("atol") && j["atol"].is_number()) t.atol = j["atol"].get<double>();
  return t;
}

// The object `j[key]`, an empty object when absent; IoError when present but not an object.
nlohmann::json object_or_empty(const nlohmann::json& j, const char* key, const std::string& path) {
  if (!j.contains(key)) return nlohmann::json::object();
  NORSE_CHECK(j[key].is_object(), IoError, path, "'", key, "' must be an object, got ", json_excerpt(j[key]));
  return j[key];
}

std::string string_or_empty(const nlohmann::json& j, const char* key, const std::string& path) {
  return j.contains(key) ? json_string(j[key], str_cat(path, ": '", key, "'")) : std::string();
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
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(str_cat("cannot open fixture ", path));
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const nlohmann::json j = parse_json_untrusted(text, path);
  NORSE_CHECK(j.is_object(), IoError, path, "a fixture must be a JSON object, got ", json_excerpt(j));
  Fixture f;
  f.raw = j;
  f.name = string_or_empty(j, "name", path);
  f.model = string_or_empty(j, "model", path);
  f.mode = string_or_empty(j, "mode", path);
  f.parameters = object_or_empty(j, "parameters", path);
  if (j.contains("dt") && j["dt"].is_number()) f.dt = static_cast<float>(j["dt"].get<double>());
  // (Bind the sub-objects first: iterating items() of a temporary would dangle.)
  const nlohmann::json tensors = object_or_empty(j, "tensors", path);
  const nlohmann::json expected = object_or_empty(j, "expected", path);
  for (const auto& [key, value] : tensors.items()) {
    f.tensors[key] = parse_tensor(path, key, value);
  }
  for (const auto& [key, value] : expected.items()) {
    if (value.is_object() && value.contains("shape")) f.expected[key] = parse_tensor(path, key, value);
  }
  if (j.contains("differentiated_outputs")) {
    const nlohmann::json& outputs = j["differentiated_outputs"];
    NORSE_CHECK(outputs.is_array(), IoError, path, "'differentiated_outputs' must be an array of names, got ",
                json_excerpt(outputs));
    for (size_t i = 0; i < outputs.size(); ++i) {
      f.differentiated_outputs.push_back(json_string(outputs[i], str_cat(path, ": differentiated_outputs[", i, "]")));
    }
  }
  if (j.contains("tolerance")) {
    f.tolerance = parse_tolerance(j["tolerance"]);
    if (j["tolerance"].is_object()) {
      const nlohmann::json per_tensor = object_or_empty(j["tolerance"], "per_tensor", path);
      for (const auto& [key, value] : per_tensor.items()) {
        f.per_tensor[key] = parse_tolerance(value);
      }
    }
  }
  if (j.contains("stochastic") && j["stochastic"].is_boolean() && j["stochastic"].get<bool>() &&
      j.contains("compare")) {
    const nlohmann::json compare = object_or_empty(j, "compare", path);
    for (const auto& [key, value] : compare.items()) {
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
