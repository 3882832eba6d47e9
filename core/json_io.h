// Reading JSON that comes from outside the program (checkpoint headers, fixture files, NIR
// metadata): nothing in such a text may crash the reader, read out of bounds or make it allocate
// more than the text justifies. Every violation throws IoError naming `where` (the file and the
// field) and the offending value.
//
// parse_json_untrusted bounds the nesting depth before nlohmann sees the text (nlohmann's dump()
// and conversions recurse, so 100,000 nested brackets overflow the stack). The typed accessors
// check a value's JSON type before converting it (nlohmann's get<> would throw type_error, which
// is not a norse::Error, or convert 1e30 to an integer with undefined behaviour).
//
// Internal to norse-cpp readers: this header includes nlohmann/json.hpp.
#ifndef NORSE_CORE_JSON_IO_H_
#define NORSE_CORE_JSON_IO_H_

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "core/shape.h"

namespace norse {

// Deeper nesting than any file norse-cpp reads needs (safetensors: 3, fixtures: 4, NIR: ~10).
constexpr int kMaxJsonDepth = 64;

// Parses `text`; throws IoError "<where>: invalid JSON: ..." or "... nested deeper than ...".
nlohmann::json parse_json_untrusted(const std::string& text, const std::string& where, int max_depth = kMaxJsonDepth);

// `object[key]`; throws IoError when `object` is not an object or has no such key.
const nlohmann::json& json_field(const nlohmann::json& object, const char* key, const std::string& where);

// The value as the named type, or IoError "<where> must be <type>, got <value>".
std::string json_string(const nlohmann::json& value, const std::string& where);
double json_number(const nlohmann::json& value, const std::string& where);  // any JSON number
// A JSON integer in [lo, hi] (a float such as 1e30 or 2.5 is refused, not cast).
int64_t json_int(const nlohmann::json& value, const std::string& where, int64_t lo = INT64_MIN, int64_t hi = INT64_MAX);
// A JSON integer in [0, 2^64).
uint64_t json_uint(const nlohmann::json& value, const std::string& where);
// An array of non-negative integers whose product is at most kMaxNumel.
Shape json_shape(const nlohmann::json& value, const std::string& where);

// A short rendering of a value for messages (at most ~60 characters).
std::string json_excerpt(const nlohmann::json& value);

}  // namespace norse

#endif  // NORSE_CORE_JSON_IO_H_
