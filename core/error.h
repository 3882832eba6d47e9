// Exceptions thrown for anything a caller can cause (bad shapes, NaN parameters, corrupt files,
// unavailable devices). Nothing in norse-cpp asserts or aborts on user input.
//
// Messages name the op, the argument, what was expected and what was given, e.g.
//   "matmul: argument 'b' must have size 3 in dimension 0 (= a.size(-1)), got shape [4, 5]"
#ifndef NORSE_CORE_ERROR_H_
#define NORSE_CORE_ERROR_H_

#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

namespace norse {

// Root of the hierarchy; catch this to catch everything norse-cpp throws on purpose.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// A value is outside its domain (NaN parameter, unknown method name, negative size, ...).
class InvalidArgument : public Error {
 public:
  using Error::Error;
};

// A tensor's shape (or rank) does not fit the op.
class ShapeError : public InvalidArgument {
 public:
  using InvalidArgument::InvalidArgument;
};

// Inputs live on different devices, or a device is not available in this build/machine.
class DeviceError : public Error {
 public:
  using Error::Error;
};

// A CUDA runtime or cuBLAS call failed; the message names the call and the CUDA error string.
class CudaError : public DeviceError {
 public:
  using DeviceError::DeviceError;
};

// Reading or writing a file failed, or a file is corrupt.
class IoError : public Error {
 public:
  using Error::Error;
};

// Autograd misuse: backward through a freed graph, backward from a non-scalar without a gradient.
class AutogradError : public Error {
 public:
  using Error::Error;
};

// A value that must be finite is not: a training step's loss or gradients (check_finite_step),
// or an op's output under anomaly detection (AnomalyModeGuard). The message names the step or
// the op, the tensor and the first non-finite element.
class NonFiniteError : public Error {
 public:
  using Error::Error;
};

namespace detail {
inline void append_all(std::ostringstream&) {}
template <typename T, typename... Rest>
void append_all(std::ostringstream& out, const T& first, const Rest&... rest) {
  out << first;
  append_all(out, rest...);
}
}  // namespace detail

// Concatenates any streamable values into one message string.
template <typename... Parts>
std::string str_cat(const Parts&... parts) {
  std::ostringstream out;
  detail::append_all(out, parts...);
  return out.str();
}

}  // namespace norse

// Throws `ErrorType(op + ": " + message parts...)` when `condition` is false.
#define NORSE_CHECK(condition, ErrorType, op, ...)              \
  do {                                                          \
    if (!(condition)) {                                         \
      throw ErrorType(::norse::str_cat(op, ": ", __VA_ARGS__)); \
    }                                                           \
  } while (false)

#endif  // NORSE_CORE_ERROR_H_
