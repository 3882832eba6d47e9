#include "core/cuda_runtime.h"
#include "tests/testing/gpu.h"

namespace norse {
namespace testing {

bool gpu_available(std::string* reason) { return cuda::device_count(reason) > 0; }
const char* gpu_kind() { return "GPU"; }

}  // namespace testing
}  // namespace norse
