#include "core/cuda_runtime.h"

#include <cmath>
#include <vector>

#include "core/cuda_allocator.h"
#include "core/cuda_check.cuh"
#include "core/device_hooks.h"
#include "core/tensor_ops_device.h"

namespace norse {
namespace cuda {
namespace {

__global__ void saxpy_kernel(int n, float a, const float* x, float* y) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) y[i] = a * x[i] + y[i];
}

using device_math::strided_offsets;
using device_math::StridedLayout;

// dst / src strides as strides_a / strides_b (src may be nullptr: a fill).
StridedLayout make_layout(const int64_t* shape, const int64_t* dst_strides, const int64_t* src_strides, int rank,
                          int64_t* count) {
  NORSE_CHECK(rank >= 0 && rank <= kCudaMaxDims, InvalidArgument, "cuda strided copy", "rank must be in [0, ",
              kCudaMaxDims, "], got ", rank);
  return device_math::make_strided_layout(shape, dst_strides, src_strides, rank, count);
}

__global__ void copy_strided_kernel(float* dst, const float* src, StridedLayout l, int64_t count) {
  for (int64_t k = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; k < count;
       k += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    int64_t d_off, s_off;
    strided_offsets(l, k, &d_off, &s_off);
    dst[d_off] = src[s_off];
  }
}

__global__ void fill_strided_kernel(float* dst, StridedLayout l, int64_t count, float value) {
  for (int64_t k = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; k < count;
       k += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    int64_t d_off, s_off;
    strided_offsets(l, k, &d_off, &s_off);
    dst[d_off] = value;
  }
}

// Grid size for a grid-stride loop over `count` elements.
unsigned grid_for(int64_t count, int threads) {
  const int64_t blocks = (count + threads - 1) / threads;
  return static_cast<unsigned>(blocks < 65536 ? (blocks > 0 ? blocks : 1) : 65536);
}

cudaMemcpyKind memcpy_kind(CopyKind kind) {
  switch (kind) {
    case CopyKind::kHostToDevice:
      return cudaMemcpyHostToDevice;
    case CopyKind::kDeviceToHost:
      return cudaMemcpyDeviceToHost;
    case CopyKind::kDeviceToDevice:
      return cudaMemcpyDeviceToDevice;
  }
  return cudaMemcpyDefault;
}

// Registers the CUDA backend with the core at start-up (the library is linked whole).
const bool g_hooks_registered = [] {
  CudaHooks hooks;
  hooks.alloc = [](size_t bytes) { return device_alloc(bytes); };
  hooks.free = [](void* ptr) {
    try {
      device_free(ptr);
    } catch (...) {  // only a pointer not from device_alloc throws, and Storage never passes one
    }
  };
  hooks.copy = [](void* dst, const void* src, size_t bytes, CopyKind kind) {
    NORSE_CUDA_CHECK(cudaMemcpy(dst, src, bytes, memcpy_kind(kind)));
  };
  hooks.copy_strided = [](float* dst, const int64_t* dst_strides, const float* src, const int64_t* src_strides,
                          const int64_t* shape, int rank) {
    int64_t count = 0;
    const StridedLayout l = make_layout(shape, dst_strides, src_strides, rank, &count);
    if (count == 0) return;
    copy_strided_kernel<<<grid_for(count, 256), 256>>>(dst, src, l, count);
    NORSE_CUDA_CHECK(cudaGetLastError());
  };
  hooks.fill = [](float* dst, const int64_t* strides, const int64_t* shape, int rank, float value) {
    int64_t count = 0;
    const StridedLayout l = make_layout(shape, strides, nullptr, rank, &count);
    if (count == 0) return;
    fill_strided_kernel<<<grid_for(count, 256), 256>>>(dst, l, count, value);
    NORSE_CUDA_CHECK(cudaGetLastError());
  };
  register_cuda_hooks(hooks);
  return true;
}();

}  // namespace

int device_count(std::string* reason) {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    if (reason != nullptr) *reason = cudaGetErrorString(status);
    cudaGetLastError();  // clear the sticky error
    return 0;
  }
  if (count == 0 && reason != nullptr) *reason = "no CUDA device";
  return count;
}

std::string device_description(int device) {
  cudaDeviceProp prop;
  NORSE_CUDA_CHECK(cudaGetDeviceProperties(&prop, device));
  return str_cat(prop.name, " (sm_", prop.major, prop.minor, ", ", prop.totalGlobalMem / (1024.0 * 1024.0 * 1024.0),
                 " GiB)");
}

float self_test(int device) {
  NORSE_CUDA_CHECK(cudaSetDevice(device));
  const int n = 1 << 20;
  std::vector<float> x(n), y(n);
  for (int i = 0; i < n; ++i) {
    x[i] = static_cast<float>(i % 97) * 0.5f;
    y[i] = static_cast<float>(i % 13);
  }
  float *dx = nullptr, *dy = nullptr;
  NORSE_CUDA_CHECK(cudaMalloc(&dx, n * sizeof(float)));
  NORSE_CUDA_CHECK(cudaMalloc(&dy, n * sizeof(float)));
  NORSE_CUDA_CHECK(cudaMemcpy(dx, x.data(), n * sizeof(float), cudaMemcpyHostToDevice));
  NORSE_CUDA_CHECK(cudaMemcpy(dy, y.data(), n * sizeof(float), cudaMemcpyHostToDevice));
  saxpy_kernel<<<(n + 255) / 256, 256>>>(n, 2.0f, dx, dy);
  NORSE_CUDA_CHECK(cudaGetLastError());
  std::vector<float> out(n);
  NORSE_CUDA_CHECK(cudaMemcpy(out.data(), dy, n * sizeof(float), cudaMemcpyDeviceToHost));
  NORSE_CUDA_CHECK(cudaFree(dx));
  NORSE_CUDA_CHECK(cudaFree(dy));
  float max_error = 0.0f;
  for (int i = 0; i < n; ++i) max_error = std::fmax(max_error, std::fabs(out[i] - (2.0f * x[i] + y[i])));
  return max_error;
}

DeviceBuffer::DeviceBuffer(size_t count) : size_(count) {
  data_ = static_cast<float*>(device_alloc(count * sizeof(float)));
}

DeviceBuffer::DeviceBuffer(const std::vector<float>& host) : DeviceBuffer(host.size()) {
  if (size_ > 0) NORSE_CUDA_CHECK(cudaMemcpy(data_, host.data(), size_ * sizeof(float), cudaMemcpyHostToDevice));
}

DeviceBuffer::~DeviceBuffer() {
  try {
    device_free(data_);
  } catch (...) {  // cannot happen for a pointer from device_alloc; a destructor must not throw
  }
}

DeviceBuffer::DeviceBuffer(DeviceBuffer&& other) noexcept : data_(other.data_), size_(other.size_) {
  other.data_ = nullptr;
  other.size_ = 0;
}

DeviceBuffer& DeviceBuffer::operator=(DeviceBuffer&& other) noexcept {
  if (this != &other) {
    device_free(data_);
    data_ = other.data_;
    size_ = other.size_;
    other.data_ = nullptr;
    other.size_ = 0;
  }
  return *this;
}

std::vector<float> DeviceBuffer::download() const {
  std::vector<float> host(size_);
  if (size_ > 0) NORSE_CUDA_CHECK(cudaMemcpy(host.data(), data_, size_ * sizeof(float), cudaMemcpyDeviceToHost));
  return host;
}

void DeviceBuffer::upload(const float* host, size_t offset, size_t count) {
  NORSE_CHECK(offset <= size_ && count <= size_ - offset, InvalidArgument, "DeviceBuffer::upload", "range [", offset,
              ", ", offset + count, ") is outside the buffer of ", size_, " floats");
  if (count > 0) NORSE_CUDA_CHECK(cudaMemcpy(data_ + offset, host, count * sizeof(float), cudaMemcpyHostToDevice));
}

void DeviceBuffer::fill_zero() {
  if (size_ > 0) NORSE_CUDA_CHECK(cudaMemset(data_, 0, size_ * sizeof(float)));
}

double device_copy_bandwidth_gbps(size_t bytes) {
  void *src = nullptr, *dst = nullptr;
  NORSE_CUDA_CHECK(cudaMalloc(&src, bytes));
  NORSE_CUDA_CHECK(cudaMalloc(&dst, bytes));
  NORSE_CUDA_CHECK(cudaMemset(src, 1, bytes));
  EventTimer timer;
  float best = 1e30f;
  for (int r = 0; r < 6; ++r) {  // the first is a warm-up
    timer.start();
    NORSE_CUDA_CHECK(cudaMemcpy(dst, src, bytes, cudaMemcpyDeviceToDevice));
    const float ms = timer.stop_ms();
    if (r > 0) best = std::fmin(best, ms);
  }
  NORSE_CUDA_CHECK(cudaFree(src));
  NORSE_CUDA_CHECK(cudaFree(dst));
  return 2.0 * static_cast<double>(bytes) / (static_cast<double>(best) * 1e-3) / 1e9;
}

size_t device_free_bytes() {
  size_t free_bytes = 0, total = 0;
  NORSE_CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total));
  return free_bytes;
}

void synchronize() { NORSE_CUDA_CHECK(cudaDeviceSynchronize()); }

EventTimer::EventTimer() {
  cudaEvent_t a, b;
  NORSE_CUDA_CHECK(cudaEventCreate(&a));
  NORSE_CUDA_CHECK(cudaEventCreate(&b));
  start_ = a;
  stop_ = b;
}

EventTimer::~EventTimer() {
  cudaEventDestroy(static_cast<cudaEvent_t>(start_));
  cudaEventDestroy(static_cast<cudaEvent_t>(stop_));
}

void EventTimer::start() { NORSE_CUDA_CHECK(cudaEventRecord(static_cast<cudaEvent_t>(start_))); }

float EventTimer::stop_ms() {
  NORSE_CUDA_CHECK(cudaEventRecord(static_cast<cudaEvent_t>(stop_)));
  NORSE_CUDA_CHECK(cudaEventSynchronize(static_cast<cudaEvent_t>(stop_)));
  float ms = 0.0f;
  NORSE_CUDA_CHECK(cudaEventElapsedTime(&ms, static_cast<cudaEvent_t>(start_), static_cast<cudaEvent_t>(stop_)));
  return ms;
}

}  // namespace cuda
}  // namespace norse
