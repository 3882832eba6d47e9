// Whether a test binary has a CUDA device to run its cuda-tensor tests on. Two implementations,
// one linked into each build of such a test:
//   //tests/testing:gpu_real      (--config=cuda): the process's CUDA devices (a real GPU);
//   //tests/testing:gpu_emulated  (any build): installs the host emulation of the CUDA backend
//       (tests/testing/emulated_cuda.cc) and answers yes.
// So one test source runs on a GPU when there is one, and on every CPU build through the
// emulation, which covers everything but the CUDA kernels' launches (see emulated_cuda.cc).
#ifndef NORSE_TESTS_TESTING_GPU_H_
#define NORSE_TESTS_TESTING_GPU_H_

#include <string>

namespace norse {
namespace testing {

// True when cuda tensors can be used; otherwise false with `reason` set.
bool gpu_available(std::string* reason);
// "GPU" or "host emulation of the CUDA backend", for the tests' messages.
const char* gpu_kind();

}  // namespace testing
}  // namespace norse

// Skips the current test case (reported as skipped, with the reason) without a device.
#define NORSE_REQUIRE_GPU()                                                                                       \
  do {                                                                                                            \
    std::string norse_gpu_reason_;                                                                                \
    if (!::norse::testing::gpu_available(&norse_gpu_reason_)) NORSE_SKIP("no CUDA device: " + norse_gpu_reason_); \
  } while (false)

#endif  // NORSE_TESTS_TESTING_GPU_H_
