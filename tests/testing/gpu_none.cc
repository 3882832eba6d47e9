#include "tests/testing/gpu.h"

namespace norse {
namespace testing {

// For test binaries built without any CUDA backend (real or emulated).
bool gpu_available(std::string* reason) {
  if (reason != nullptr) *reason = "this test binary links no CUDA backend";
  return false;
}
const char* gpu_kind() { return "none"; }

}  // namespace testing
}  // namespace norse
