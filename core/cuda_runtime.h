// What this process can see of CUDA: device count and names, with every runtime call checked.
// Only in builds with --config=cuda (target //core:cuda_runtime). The header itself needs no
// CUDA headers, so C++ code can call it without nvcc.
#ifndef NORSE_CORE_CUDA_RUNTIME_H_
#define NORSE_CORE_CUDA_RUNTIME_H_

#include <cstddef>
#include <string>
#include <vector>

namespace norse {
namespace cuda {

// Number of usable CUDA devices; 0 when there is no driver or no device (never throws for
// that: "no GPU" is an answer, not an error). `reason` receives the CUDA error text then.
int device_count(std::string* reason = nullptr);

// "NVIDIA H200 (sm_90, 139 GiB)". Throws CudaError if the query fails.
std::string device_description(int device);

// Runs a tiny saxpy kernel on `device` and returns the max abs error against the host result:
// proves that kernels launch and memory round-trips. Throws CudaError on any CUDA failure.
float self_test(int device);

// A float array in device memory from the caching allocator (core/cuda_allocator.h). Move-only.
// What the tests and benchmarks of the CUDA kernels use until device tensors exist.
class DeviceBuffer {
 public:
  explicit DeviceBuffer(size_t count);
  explicit DeviceBuffer(const std::vector<float>& host);  // allocates and uploads
  ~DeviceBuffer();
  DeviceBuffer(DeviceBuffer&& other) noexcept;
  DeviceBuffer& operator=(DeviceBuffer&& other) noexcept;
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;

  float* data() const { return data_; }
  size_t size() const { return size_; }
  std::vector<float> download() const;  // synchronous copy to the host
  // Copies host[0, count) to elements [offset, offset + count); throws InvalidArgument past the end.
  void upload(const float* host, size_t offset, size_t count);
  void fill_zero();

 private:
  float* data_ = nullptr;
  size_t size_ = 0;
};

// The device's measured copy bandwidth in GB/s (bytes read + written per second): the best of
// five device-to-device copies of `bytes` bytes. The limit the memory-bound kernels are
// compared against.
double device_copy_bandwidth_gbps(size_t bytes = size_t{1} << 30);
// Free device memory in bytes.
size_t device_free_bytes();

// Waits for all work on the current device; throws CudaError with the first kernel failure.
void synchronize();

// Milliseconds of device time between start() and stop() on the default stream (CUDA events).
class EventTimer {
 public:
  EventTimer();
  ~EventTimer();
  EventTimer(const EventTimer&) = delete;
  EventTimer& operator=(const EventTimer&) = delete;
  void start();
  float stop_ms();  // waits for the stop event

 private:
  void* start_ = nullptr;
  void* stop_ = nullptr;
};

}  // namespace cuda
}  // namespace norse

#endif  // NORSE_CORE_CUDA_RUNTIME_H_
