// norse::Tensor: an N-dimensional float32 array, row-major, with an explicit shape.
//
// Storage and views. A Tensor is a (storage, shape, strides, offset) view onto a reference-counted
// Storage. Copying a Tensor, view(), reshape() of a contiguous tensor, slice(), select(),
// permute(), transpose() and expand() all return views that SHARE storage: a write through one
// is visible through the others. There is no copy-on-write; clone() makes an independent,
// contiguous copy, and contiguous() copies only when the layout requires it.
//
// Device. Every tensor has a Device. kCUDA tensors exist in builds with --config=cuda (their
// memory comes from the caching allocator, core/cuda_allocator.h, through core/device_hooks.h);
// host code cannot read them (data() throws DeviceError), to(Device) copies between devices.
// Asking for a device that the build or machine does not have throws DeviceError (CudaError).
//
// Errors. Out-of-range indices, bad shapes and device mismatches throw norse::Error subclasses
// (core/error.h) whose message names the method, the argument, the expected and actual values.
#ifndef NORSE_CORE_TENSOR_H_
#define NORSE_CORE_TENSOR_H_

#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "core/device_hooks.h"
#include "core/generator.h"
#include "core/shape.h"

namespace norse {

enum class Device { kCPU, kCUDA };

const char* device_name(Device device);
// "cpu" or "cuda" (as a command line spells it); anything else throws InvalidArgument naming `what`.
Device device_from_name(const std::string& name, const char* what = "device");

// A flat, 64-byte aligned float buffer on one device. Owned through shared_ptr by Tensors.
class Storage {
 public:
  Storage(int64_t numel, Device device);  // uninitialised contents
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  float* data() { return data_; }
  const float* data() const { return data_; }
  int64_t numel() const { return numel_; }
  Device device() const { return device_; }

  // Bytes held by all live Storages in this process (diagnostics; tests of memory behaviour).
  static int64_t live_bytes();

 private:
  float* data_ = nullptr;
  int64_t numel_ = 0;
  size_t bytes_ = 0;  // the allocated (rounded) size
  Device device_ = Device::kCPU;
};

// Large CPU buffers (>= 1 MiB) freed by Storages are kept for reuse by the next allocation of
// the same size (bounded at 2 GiB), so training loops do not pay the kernel's page zeroing on
// every batch. Bytes currently cached, and a way to return them all to the system:
int64_t cpu_cache_bytes();
void empty_cpu_cache();

class Tensor {
 public:
  // An undefined tensor (no storage); defined() is false. Most methods throw on it.
  Tensor() = default;

  // A new contiguous tensor of `shape` with uninitialised contents.
  static Tensor empty(const Shape& shape, Device device = Device::kCPU);

  bool defined() const { return storage_ != nullptr; }
  const Shape& shape() const { return shape_; }
  const std::vector<int64_t>& strides() const { return strides_; }
  int64_t offset() const { return offset_; }
  int64_t dim() const { return static_cast<int64_t>(shape_.size()); }
  // Size of dimension `d` (negative counts from the end).
  int64_t size(int64_t d) const;
  int64_t numel() const { return numel_; }
  Device device() const;
  bool is_contiguous() const;
  // True when both tensors view the same Storage (not necessarily the same elements).
  bool shares_storage_with(const Tensor& other) const { return storage_ == other.storage_; }

  // Pointer to the first element of this view, for host code: throws DeviceError for a cuda
  // tensor (so a CPU op handed a cuda tensor fails with a message, never reads device memory).
  // Only row-major contiguous tensors may be read as a flat array of numel() floats; check
  // is_contiguous() or call contiguous() first.
  float* data();
  const float* data() const;
  // The same pointer on any device (for CUDA kernels).
  float* device_data();
  const float* device_data() const;
  // A copy on `device` (this tensor itself when already there). Throws DeviceError when the
  // build has no CUDA, CudaError when the device fails.
  Tensor to(Device device) const;

  // Bounds-checked element access; `index` has one entry per dimension (none for a scalar).
  float& at(std::initializer_list<int64_t> index);
  float at(std::initializer_list<int64_t> index) const;
  float& at(const std::vector<int64_t>& index);
  float at(const std::vector<int64_t>& index) const;
  // The value of a one-element tensor (any rank).
  float item() const;

  // --- views (share storage) -------------------------------------------------------------
  // Same elements, new shape; the tensor must be contiguous. One size may be -1 (inferred).
  Tensor view(const Shape& shape) const;
  // view() when contiguous, otherwise a contiguous copy with the new shape.
  Tensor reshape(const Shape& shape) const;
  // Elements start, start+step, ... < end along `dim` (Python slice semantics for negative
  // start/end, clamped to the size). step >= 1.
  Tensor slice(int64_t dim, int64_t start, int64_t end, int64_t step = 1) const;
  // The sub-tensor at `index` along `dim`; the dimension is removed.
  Tensor select(int64_t dim, int64_t index) const;
  // Reorders dimensions: result.size(i) == size(dims[i]).
  Tensor permute(const std::vector<int64_t>& dims) const;
  Tensor transpose(int64_t dim0, int64_t dim1) const;
  // Broadcast view to `shape` (size-1 dimensions get stride 0; new leading dimensions allowed).
  Tensor expand(const Shape& shape) const;
  Tensor unsqueeze(int64_t dim) const;
  Tensor squeeze(int64_t dim) const;

  // --- copies ------------------------------------------------------------------------------
  // This tensor if already contiguous, else a contiguous copy.
  Tensor contiguous() const;
  // An independent contiguous copy.
  Tensor clone() const;
  // Copies `src` (same shape) into this view's elements.
  void copy_(const Tensor& src);
  void fill_(float value);
  std::vector<float> to_vector() const;

  // A readable rendering: shape, device and values (summarised with "..." when large).
  std::string to_string() const;

 private:
  Tensor(std::shared_ptr<Storage> storage, Shape shape, std::vector<int64_t> strides, int64_t offset);
  void check_defined(const char* op) const;
  void check_host(const char* op) const;  // defined and on the CPU
  int64_t element_offset(const char* op, const int64_t* index, size_t count) const;

  std::shared_ptr<Storage> storage_;
  Shape shape_;
  std::vector<int64_t> strides_;
  int64_t offset_ = 0;
  int64_t numel_ = 0;
};

std::ostream& operator<<(std::ostream& out, const Tensor& tensor);

// --- creation ------------------------------------------------------------------------------
Tensor zeros(const Shape& shape, Device device = Device::kCPU);
Tensor ones(const Shape& shape, Device device = Device::kCPU);
Tensor full(const Shape& shape, float value, Device device = Device::kCPU);
Tensor scalar_tensor(float value);  // shape []
// start, start+step, ... < end (step may be negative, not zero).
Tensor arange(float start, float end, float step = 1.0f);
// Copies `values` into a new tensor; values.size() must equal the shape's element count.
Tensor from_vector(const std::vector<float>& values, const Shape& shape);
// Same shape and device as `t`.
Tensor zeros_like(const Tensor& t);
Tensor ones_like(const Tensor& t);

// Random tensors from an explicit generator; the same (seed, offset) gives the same values.
Tensor rand(const Shape& shape, Generator& gen, float low = 0.0f, float high = 1.0f);
Tensor randn(const Shape& shape, Generator& gen, float mean = 0.0f, float stddev = 1.0f);
// 1 with probability p, else 0. p in [0, 1].
Tensor bernoulli(const Shape& shape, float p, Generator& gen);
// Element-wise: 1 with probability probs[i] (each in [0, 1]), else 0.
Tensor bernoulli(const Tensor& probs, Generator& gen);

}  // namespace norse

#endif  // NORSE_CORE_TENSOR_H_
