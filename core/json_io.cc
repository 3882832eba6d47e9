#include "core/json_io.h"

#include <algorithm>

#include "core/error.h"

namespace norse {

namespace {
// The deepest bracket nesting of `text`, brackets inside strings not counted; stops counting
// (and returns) as soon as `limit` is passed, so a hostile text costs one linear scan.
int nesting_depth(const std::string& text, int limit) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
      if (deepest > limit) return deepest;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}
}  // namespace

// Like NORSE_CHECK, but the message continues `where` directly ("tensor 'w' shape must be ...").
#define NORSE_JSON_CHECK(condition, where, ...)                            \
  do {                                                                     \
    if (!(condition)) throw IoError(::norse::str_cat(where, __VA_ARGS__)); \
  } while (false)

std::string json_excerpt(const nlohmann::json& value) {
  if (value.is_array() || value.is_object()) {
    return str_cat("a JSON ", value.type_name(), " of ", value.size(), " entries");
  }
  std::string text = value.dump();
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text;
}

nlohmann::json parse_json_untrusted(const std::string& text, const std::string& where, int max_depth) {
  const int depth = nesting_depth(text, max_depth);
  NORSE_CHECK(depth <= max_depth, IoError, where, "JSON nested deeper than ", max_depth,
              " levels (refused: such nesting is never valid here)");
  try {
    return nlohmann::json::parse(text);
  } catch (const std::exception& e) {
    throw IoError(str_cat(where, ": invalid JSON: ", e.what()));
  }
}

const nlohmann::json& json_field(const nlohmann::json& object, const char* key, const std::string& where) {
  NORSE_CHECK(object.is_object(), IoError, where, "expected a JSON object with field '", key, "', got ",
              json_excerpt(object));
  const auto it = object.find(key);
  NORSE_CHECK(it != object.end(), IoError, where, "field '", key, "' is missing");
  return *it;
}

std::string json_string(const nlohmann::json& value, const std::string& where) {
  NORSE_JSON_CHECK(value.is_string(), where, " must be a string, got ", json_excerpt(value));
  return value.get<std::string>();
}

double json_number(const nlohmann::json& value, const std::string& where) {
  NORSE_JSON_CHECK(value.is_number(), where, " must be a number, got ", json_excerpt(value));
  return value.get<double>();
}

int64_t json_int(const nlohmann::json& value, const std::string& where, int64_t lo, int64_t hi) {
  NORSE_JSON_CHECK(value.is_number_integer(), where, " must be an integer, got ", json_excerpt(value));
  bool in_range = false;
  int64_t v = 0;
  if (value.is_number_unsigned()) {
    const uint64_t u = value.get<uint64_t>();
    in_range = u <= static_cast<uint64_t>(INT64_MAX) && static_cast<int64_t>(u) >= lo && static_cast<int64_t>(u) <= hi;
    v = in_range ? static_cast<int64_t>(u) : 0;
  } else {
    v = value.get<int64_t>();
    in_range = v >= lo && v <= hi;
  }
  NORSE_JSON_CHECK(in_range, where, " must be an integer from ", lo, " to ", hi, ", got ", json_excerpt(value));
  return v;
}

uint64_t json_uint(const nlohmann::json& value, const std::string& where) {
  NORSE_JSON_CHECK(value.is_number_unsigned() || (value.is_number_integer() && value.get<int64_t>() >= 0), where,
                   " must be a non-negative integer, got ", json_excerpt(value));
  return value.get<uint64_t>();
}

Shape json_shape(const nlohmann::json& value, const std::string& where) {
  NORSE_JSON_CHECK(value.is_array(), where, " must be an array of sizes, got ", json_excerpt(value));
  NORSE_JSON_CHECK(value.size() <= 64, where, " has ", value.size(), " dimensions, at most 64 are supported");
  Shape shape;
  for (size_t i = 0; i < value.size(); ++i) {
    shape.push_back(json_int(value[i], str_cat(where, "[", i, "]"), 0, kMaxNumel));
  }
  try {
    shape_numel(shape);
  } catch (const Error& e) {
    throw IoError(str_cat(where, " ", shape_to_string(shape), ": ", e.what()));
  }
  return shape;
}

}  // namespace norse
