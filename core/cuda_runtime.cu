#include "core/cuda_runtime.h"

#include <cmath>
#include <vector>

#include "core/cuda_check.cuh"

namespace norse {
namespace cuda {
namespace {

__global__ void saxpy_kernel(int n, float a, const float* x, float* y) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) y[i] = a * x[i] + y[i];
}

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
  return str_cat(prop.name, " (sm_", prop.major, prop.minor, ", ",
                 prop.totalGlobalMem / (1024.0 * 1024.0 * 1024.0), " GiB)");
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

}  // namespace cuda
}  // namespace norse
