#include "core/tensor.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <ostream>
#include <sstream>
#include <unordered_map>

#include "core/error.h"
#include "core/parallel.h"
#include "core/philox.h"
#include "core/strided.h"
#include "core/transpose.h"

namespace norse {

const char* device_name(Device device) {
  switch (device) {
    case Device::kCPU:
      return "cpu";
    case Device::kCUDA:
      return "cuda";
  }
  return "unknown";
}

// ---------------------------------------------------------------------------------------------
// Storage

namespace {
constexpr size_t kAlignment = 64;  // one cache line; also what AVX-512 loads prefer
std::atomic<int64_t> g_live_storage_bytes{0};
}  // namespace

int64_t Storage::live_bytes() { return g_live_storage_bytes.load(); }

// A cache of large freed CPU buffers, reused by the next allocation of the same size. Training
// allocates the same activations, im2col buffers and gradients on every batch; without the
// cache glibc returns these (mmap-sized) blocks to the kernel and the kernel zero-fills fresh
// pages for the next batch (measured on the MNIST task: a third of the run time in the kernel).
// Small blocks stay with malloc, whose bins already reuse them. Process-wide and mutex-guarded;
// bounded by kMaxCachedBytes; empty_cpu_cache() returns everything.
class CpuBlockCache {
 public:
  static CpuBlockCache& instance() {
    static CpuBlockCache* cache = new CpuBlockCache();  // never destroyed: safe at exit
    return *cache;
  }
  void* allocate(size_t bytes) {
    if (bytes >= kMinCachedBlock) {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = free_.find(bytes);
      if (it != free_.end() && !it->second.empty()) {
        void* p = it->second.back();
        it->second.pop_back();
        cached_bytes_ -= bytes;
        return p;
      }
    }
    return std::aligned_alloc(kAlignment, bytes);
  }
  void release(void* p, size_t bytes) {
    if (bytes >= kMinCachedBlock) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (cached_bytes_ + bytes <= kMaxCachedBytes) {
        free_[bytes].push_back(p);
        cached_bytes_ += bytes;
        return;
      }
    }
    std::free(p);
  }
  int64_t cached_bytes() {
    std::lock_guard<std::mutex> lock(mutex_);
    return static_cast<int64_t>(cached_bytes_);
  }
  void empty() {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [size, blocks] : free_) {
      (void)size;
      for (void* p : blocks) std::free(p);
    }
    free_.clear();
    cached_bytes_ = 0;
  }

 private:
  static constexpr size_t kMinCachedBlock = size_t{1} << 20;  // 1 MiB: below, malloc's bins suffice
  static constexpr size_t kMaxCachedBytes = size_t{2} << 30;  // 2 GiB
  std::mutex mutex_;
  std::unordered_map<size_t, std::vector<void*>> free_;
  size_t cached_bytes_ = 0;
};

int64_t cpu_cache_bytes() { return CpuBlockCache::instance().cached_bytes(); }
void empty_cpu_cache() { CpuBlockCache::instance().empty(); }

namespace {
const CudaHooks* g_cuda_hooks = nullptr;
}  // namespace

Device device_from_name(const std::string& name, const char* what) {
  if (name == "cpu") return Device::kCPU;
  if (name == "cuda") return Device::kCUDA;
  throw InvalidArgument(str_cat(what, " must be cpu or cuda, got '", name, "'"));
}

void register_cuda_hooks(const CudaHooks& hooks) {
  static CudaHooks stored;
  stored = hooks;
  g_cuda_hooks = &stored;
}

const CudaHooks* cuda_hooks() { return g_cuda_hooks; }

Storage::Storage(int64_t numel, Device device) : numel_(numel), device_(device) {
  NORSE_CHECK(numel >= 0, InvalidArgument, "Storage", "numel must be >= 0, got ", numel);
  if (device == Device::kCUDA) {
    NORSE_CHECK(cuda_hooks() != nullptr, DeviceError, "Storage",
                "device 'cuda' is not available in this build (build with --config=cuda on a "
                "machine with a CUDA toolkit)");
    bytes_ = std::max<size_t>(kAlignment, static_cast<size_t>(numel) * sizeof(float));
    data_ = static_cast<float*>(cuda_hooks()->alloc(bytes_));
    g_live_storage_bytes += numel_ * static_cast<int64_t>(sizeof(float));
    return;
  }
  const size_t bytes = std::max<size_t>(kAlignment, static_cast<size_t>(numel) * sizeof(float));
  const size_t rounded = (bytes + kAlignment - 1) / kAlignment * kAlignment;
  data_ = static_cast<float*>(CpuBlockCache::instance().allocate(rounded));
  bytes_ = rounded;
  if (data_ == nullptr) {
    throw Error(str_cat("Storage: out of memory allocating ", rounded, " bytes"));
  }
  g_live_storage_bytes += numel_ * static_cast<int64_t>(sizeof(float));
}

Storage::~Storage() {
  g_live_storage_bytes -= numel_ * static_cast<int64_t>(sizeof(float));
  if (device_ == Device::kCUDA) {
    cuda_hooks()->free(data_);
    return;
  }
  CpuBlockCache::instance().release(data_, bytes_);
}

// ---------------------------------------------------------------------------------------------
// Tensor basics

Tensor::Tensor(std::shared_ptr<Storage> storage, Shape shape, std::vector<int64_t> strides, int64_t offset)
    : storage_(std::move(storage)),
      shape_(std::move(shape)),
      strides_(std::move(strides)),
      offset_(offset),
      numel_(shape_numel(shape_)) {}

Tensor Tensor::empty(const Shape& shape, Device device) {
  const int64_t n = shape_numel(shape);
  return Tensor(std::make_shared<Storage>(n, device), shape, contiguous_strides(shape), 0);
}

void Tensor::check_defined(const char* op) const {
  NORSE_CHECK(defined(), InvalidArgument, op, "the tensor is undefined (default-constructed)");
}

int64_t Tensor::size(int64_t d) const {
  check_defined("Tensor::size");
  return shape_[static_cast<size_t>(wrap_dim("Tensor::size", d, dim()))];
}

Device Tensor::device() const {
  check_defined("Tensor::device");
  return storage_->device();
}

namespace {
// The number of [rows, cols] matrices when (shape, strides) is a contiguous tensor [..., cols,
// rows] with its last two dimensions swapped (rows, cols > 1); 0 otherwise.
int64_t transposed_matrices(const Shape& shape, const std::vector<int64_t>& strides) {
  const size_t n = shape.size();
  if (n < 2 || shape[n - 2] < 2 || shape[n - 1] < 2) return 0;
  const int64_t rows = shape[n - 2], cols = shape[n - 1];
  if (strides[n - 2] != 1 || strides[n - 1] != rows) return 0;
  int64_t expected = rows * cols;
  for (size_t i = n - 2; i-- > 0;) {
    if (shape[i] == 1) continue;
    if (strides[i] != expected) return 0;
    expected *= shape[i];
  }
  return expected / (rows * cols);
}

// The size of the block when (shape, strides) repeats one contiguous block along its leading
// dimensions (strides 0 there, row-major strides after; some leading stride 0); 0 otherwise.
int64_t repeated_block(const Shape& shape, const std::vector<int64_t>& strides) {
  int64_t block = 1;
  size_t d = shape.size();
  for (; d-- > 0;) {
    if (shape[d] == 1) continue;
    if (strides[d] != block) break;
    block *= shape[d];
  }
  if (d == static_cast<size_t>(-1)) return 0;  // contiguous: not a broadcast
  for (size_t k = 0; k <= d; ++k) {
    if (shape[k] != 1 && strides[k] != 0) return 0;
  }
  return block;
}
}  // namespace

bool Tensor::is_contiguous() const {
  int64_t expected = 1;
  for (size_t i = shape_.size(); i-- > 0;) {
    if (shape_[i] == 1) continue;
    if (strides_[i] != expected) return false;
    expected *= shape_[i];
  }
  return true;
}

void Tensor::check_host(const char* op) const {
  check_defined(op);
  NORSE_CHECK(storage_->device() == Device::kCPU, DeviceError, op, "the tensor (shape ", shape_to_string(shape_),
              ") is on cuda and host code cannot read it; copy it with to(Device::kCPU), or pass device_data() to "
              "a CUDA kernel");
}

float* Tensor::data() {
  check_host("Tensor::data");
  return storage_->data() + offset_;
}

const float* Tensor::data() const {
  check_host("Tensor::data");
  return storage_->data() + offset_;
}

float* Tensor::device_data() {
  check_defined("Tensor::device_data");
  return storage_->data() + offset_;
}

const float* Tensor::device_data() const {
  check_defined("Tensor::device_data");
  return storage_->data() + offset_;
}

Tensor Tensor::to(Device target) const {
  check_defined("Tensor::to");
  if (target == device()) return *this;
  if (device() == Device::kCPU) {
    const Tensor src = contiguous();
    Tensor out = Tensor::empty(shape_, target);  // throws DeviceError in a build without CUDA
    if (numel_ > 0) {
      cuda_hooks()->copy(out.storage_->data(), src.data(), static_cast<size_t>(numel_) * sizeof(float),
                         CopyKind::kHostToDevice);
    }
    return out;
  }
  const Tensor src = contiguous();  // a strided copy on the device first, for views
  Tensor out = Tensor::empty(shape_, target);
  if (numel_ > 0) {
    cuda_hooks()->copy(out.data(), src.storage_->data() + src.offset_, static_cast<size_t>(numel_) * sizeof(float),
                       CopyKind::kDeviceToHost);
  }
  return out;
}

int64_t Tensor::element_offset(const char* op, const int64_t* index, size_t count) const {
  check_host(op);
  NORSE_CHECK(count == shape_.size(), ShapeError, op, "expected ", shape_.size(), " indices for a tensor of shape ",
              shape_to_string(shape_), ", got ", count);
  int64_t off = offset_;
  for (size_t d = 0; d < count; ++d) {
    const int64_t i = index[d];
    NORSE_CHECK(i >= 0 && i < shape_[d], ShapeError, op, "index ", i, " out of range for dimension ", d, " of size ",
                shape_[d], " (shape ", shape_to_string(shape_), ")");
    off += i * strides_[d];
  }
  return off;
}

float& Tensor::at(std::initializer_list<int64_t> index) {
  return storage_->data()[element_offset("Tensor::at", index.begin(), index.size())];
}
float Tensor::at(std::initializer_list<int64_t> index) const {
  return storage_->data()[element_offset("Tensor::at", index.begin(), index.size())];
}
float& Tensor::at(const std::vector<int64_t>& index) {
  return storage_->data()[element_offset("Tensor::at", index.data(), index.size())];
}
float Tensor::at(const std::vector<int64_t>& index) const {
  return storage_->data()[element_offset("Tensor::at", index.data(), index.size())];
}

float Tensor::item() const {
  check_defined("Tensor::item");
  NORSE_CHECK(numel_ == 1, ShapeError, "Tensor::item", "only a one-element tensor has an item, got shape ",
              shape_to_string(shape_));
  if (device() == Device::kCUDA) return to(Device::kCPU).item();
  int64_t off = offset_;  // all indices are 0
  return storage_->data()[off];
}

// ---------------------------------------------------------------------------------------------
// Views

Tensor Tensor::view(const Shape& shape) const {
  check_defined("Tensor::view");
  Shape out = shape;
  int64_t known = 1;
  int infer = -1;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == -1) {
      NORSE_CHECK(infer < 0, ShapeError, "Tensor::view", "only one size may be -1, got ", shape_to_string(shape));
      infer = static_cast<int>(i);
    } else {
      NORSE_CHECK(out[i] >= 0, ShapeError, "Tensor::view", "invalid size in ", shape_to_string(shape));
      NORSE_CHECK(!__builtin_mul_overflow(known, out[i], &known), ShapeError, "Tensor::view", "the element count of ",
                  shape_to_string(shape), " overflows 64 bits");
    }
  }
  if (infer >= 0) {
    NORSE_CHECK(known != 0 && numel_ % known == 0, ShapeError, "Tensor::view", "shape ", shape_to_string(shape),
                " is invalid for ", numel_, " elements");
    out[static_cast<size_t>(infer)] = numel_ / known;
    known *= out[static_cast<size_t>(infer)];
  }
  NORSE_CHECK(known == numel_, ShapeError, "Tensor::view", "shape ", shape_to_string(shape),
              " is invalid for a tensor of shape ", shape_to_string(shape_), " (", numel_, " elements)");
  NORSE_CHECK(is_contiguous(), ShapeError, "Tensor::view", "the tensor is not contiguous (shape ",
              shape_to_string(shape_), "); use reshape() or contiguous()");
  return Tensor(storage_, out, contiguous_strides(out), offset_);
}

Tensor Tensor::reshape(const Shape& shape) const {
  check_defined("Tensor::reshape");
  return is_contiguous() ? view(shape) : contiguous().view(shape);
}

Tensor Tensor::slice(int64_t d, int64_t start, int64_t end, int64_t step) const {
  check_defined("Tensor::slice");
  NORSE_CHECK(dim() > 0, ShapeError, "Tensor::slice", "cannot slice a scalar");
  const size_t k = static_cast<size_t>(wrap_dim("Tensor::slice", d, dim()));
  NORSE_CHECK(step >= 1, InvalidArgument, "Tensor::slice", "step must be >= 1, got ", step);
  const int64_t n = shape_[k];
  if (start < 0) start += n;
  if (end < 0) end += n;
  start = std::min(std::max<int64_t>(start, 0), n);
  end = std::min(std::max<int64_t>(end, start), n);
  Shape shape = shape_;
  std::vector<int64_t> strides = strides_;
  shape[k] = (end - start + step - 1) / step;
  strides[k] = strides_[k] * step;
  return Tensor(storage_, shape, strides, offset_ + start * strides_[k]);
}

Tensor Tensor::select(int64_t d, int64_t index) const {
  check_defined("Tensor::select");
  NORSE_CHECK(dim() > 0, ShapeError, "Tensor::select", "cannot select from a scalar");
  const size_t k = static_cast<size_t>(wrap_dim("Tensor::select", d, dim()));
  const int64_t n = shape_[k];
  NORSE_CHECK(index >= -n && index < n, ShapeError, "Tensor::select", "index ", index, " out of range for dimension ",
              k, " of size ", n);
  if (index < 0) index += n;
  Shape shape = shape_;
  std::vector<int64_t> strides = strides_;
  shape.erase(shape.begin() + static_cast<int64_t>(k));
  strides.erase(strides.begin() + static_cast<int64_t>(k));
  return Tensor(storage_, shape, strides, offset_ + index * strides_[k]);
}

Tensor Tensor::permute(const std::vector<int64_t>& dims) const {
  check_defined("Tensor::permute");
  NORSE_CHECK(static_cast<int64_t>(dims.size()) == dim(), ShapeError, "Tensor::permute", "argument 'dims' must have ",
              dim(), " entries for shape ", shape_to_string(shape_), ", got ", dims.size());
  Shape shape(dims.size());
  std::vector<int64_t> strides(dims.size());
  std::vector<bool> seen(dims.size(), false);
  for (size_t i = 0; i < dims.size(); ++i) {
    const size_t k = static_cast<size_t>(wrap_dim("Tensor::permute", dims[i], dim()));
    NORSE_CHECK(!seen[k], ShapeError, "Tensor::permute", "dimension ", k, " appears twice in 'dims'");
    seen[k] = true;
    shape[i] = shape_[k];
    strides[i] = strides_[k];
  }
  return Tensor(storage_, shape, strides, offset_);
}

Tensor Tensor::transpose(int64_t dim0, int64_t dim1) const {
  check_defined("Tensor::transpose");
  std::vector<int64_t> dims(shape_.size());
  for (size_t i = 0; i < dims.size(); ++i) dims[i] = static_cast<int64_t>(i);
  const int64_t a = wrap_dim("Tensor::transpose", dim0, dim());
  const int64_t b = wrap_dim("Tensor::transpose", dim1, dim());
  std::swap(dims[static_cast<size_t>(a)], dims[static_cast<size_t>(b)]);
  return permute(dims);
}

Tensor Tensor::expand(const Shape& shape) const {
  check_defined("Tensor::expand");
  NORSE_CHECK(shape.size() >= shape_.size(), ShapeError, "Tensor::expand", "cannot expand shape ",
              shape_to_string(shape_), " to fewer dimensions ", shape_to_string(shape));
  const size_t lead = shape.size() - shape_.size();
  std::vector<int64_t> strides(shape.size(), 0);
  for (size_t i = 0; i < shape_.size(); ++i) {
    const int64_t target = shape[lead + i];
    if (shape_[i] == target) {
      strides[lead + i] = strides_[i];
    } else {
      NORSE_CHECK(shape_[i] == 1, ShapeError, "Tensor::expand", "cannot expand shape ", shape_to_string(shape_), " to ",
                  shape_to_string(shape), " (dimension ", i, " has size ", shape_[i], ", not 1)");
      strides[lead + i] = 0;
    }
  }
  return Tensor(storage_, shape, strides, offset_);
}

Tensor Tensor::unsqueeze(int64_t d) const {
  check_defined("Tensor::unsqueeze");
  const int64_t k = wrap_dim("Tensor::unsqueeze", d, dim() + 1);
  Shape shape = shape_;
  std::vector<int64_t> strides = strides_;
  const int64_t stride = k < dim() ? shape_[static_cast<size_t>(k)] * strides_[static_cast<size_t>(k)] : 1;
  shape.insert(shape.begin() + k, 1);
  strides.insert(strides.begin() + k, stride);
  return Tensor(storage_, shape, strides, offset_);
}

Tensor Tensor::squeeze(int64_t d) const {
  check_defined("Tensor::squeeze");
  const int64_t k = wrap_dim("Tensor::squeeze", d, dim());
  NORSE_CHECK(shape_[static_cast<size_t>(k)] == 1, ShapeError, "Tensor::squeeze", "dimension ", k, " has size ",
              shape_[static_cast<size_t>(k)], ", not 1 (shape ", shape_to_string(shape_), ")");
  Shape shape = shape_;
  std::vector<int64_t> strides = strides_;
  shape.erase(shape.begin() + k);
  strides.erase(strides.begin() + k);
  return Tensor(storage_, shape, strides, offset_);
}

// ---------------------------------------------------------------------------------------------
// Copies

Tensor Tensor::contiguous() const {
  check_defined("Tensor::contiguous");
  return is_contiguous() ? *this : clone();
}

Tensor Tensor::clone() const {
  check_defined("Tensor::clone");
  Tensor out = Tensor::empty(shape_, device());
  out.copy_(*this);
  return out;
}

void Tensor::copy_(const Tensor& src) {
  check_defined("Tensor::copy_");
  src.check_defined("Tensor::copy_");
  check_shape("Tensor::copy_", "src", shape_, src.shape());
  NORSE_CHECK(device() == src.device(), DeviceError, "Tensor::copy_", "source is on ", device_name(src.device()),
              ", destination on ", device_name(device()));
  if (device() == Device::kCUDA) {
    if (numel_ == 0) return;
    if (is_contiguous() && src.is_contiguous()) {
      cuda_hooks()->copy(storage_->data() + offset_, src.storage_->data() + src.offset_,
                         static_cast<size_t>(numel_) * sizeof(float), CopyKind::kDeviceToDevice);
      return;
    }
    NORSE_CHECK(dim() <= 8, DeviceError, "Tensor::copy_",
                "strided copies of cuda tensors support up to 8 dimensions, got ", dim(), " (shape ",
                shape_to_string(shape_), ")");
    if (shares_storage_with(src)) {
      // Views of one buffer may overlap: gather the source into fresh memory first.
      const Tensor staged = src.clone();
      copy_(staged);
      return;
    }
    cuda_hooks()->copy_strided(storage_->data() + offset_, strides_.data(), src.storage_->data() + src.offset_,
                               src.strides_.data(), shape_.data(), static_cast<int>(dim()));
    return;
  }
  float* dst_base = storage_->data();
  const float* src_base = src.storage_->data();
  if (is_contiguous() && src.is_contiguous()) {
    std::memmove(dst_base + offset_, src_base + src.offset_, static_cast<size_t>(numel_) * sizeof(float));
    return;
  }
  // A broadcast (expand) of a contiguous block along leading dimensions, such as a neuron
  // parameter spread over the batch for the initial states: the block copied once per repeat
  // (a scalar: a fill), not an index computation per element.
  const int64_t block = repeated_block(src.shape_, src.strides_);
  if (block > 0 && is_contiguous() && !shares_storage_with(src)) {
    float* dst = dst_base + offset_;
    const float* from = src_base + src.offset_;
    if (block == 1) {
      std::fill(dst, dst + numel_, *from);
    } else {
      for (int64_t at = 0; at < numel_; at += block) std::copy(from, from + block, dst + at);
    }
    return;
  }
  // A contiguous tensor with its last two dimensions swapped (a Linear layer's weight gradient
  // arrives as one) into fresh contiguous memory: a blocked transpose per matrix, not an index
  // computation per element (the element-wise path was 4% of a ConvNet4 training step).
  const int64_t matrices = transposed_matrices(src.shape_, src.strides_);
  if (matrices > 0 && is_contiguous() && !shares_storage_with(src)) {
    const int64_t rows = shape_[dim() - 2], cols = shape_[dim() - 1];
    for (int64_t m = 0; m < matrices; ++m) {
      // The source's matrix m is [cols, rows] in memory; this one's is [rows, cols].
      transpose_matrix(src_base + src.offset_ + m * rows * cols, cols, rows, dst_base + offset_ + m * rows * cols);
    }
    return;
  }
  // Gather the source into row-major order first, so overlapping views copy correctly.
  std::vector<float> tmp(static_cast<size_t>(numel_));
  detail::for_each_strided(src.shape_, src.strides_, src.offset_,
                           [&](int64_t i, int64_t off) { tmp[static_cast<size_t>(i)] = src_base[off]; });
  detail::for_each_strided(shape_, strides_, offset_,
                           [&](int64_t i, int64_t off) { dst_base[off] = tmp[static_cast<size_t>(i)]; });
}

void Tensor::fill_(float value) {
  check_defined("Tensor::fill_");
  if (device() == Device::kCUDA) {
    if (numel_ == 0) return;
    if (is_contiguous()) {
      const int64_t flat[1] = {numel_}, unit[1] = {1};
      cuda_hooks()->fill(storage_->data() + offset_, unit, flat, 1, value);
      return;
    }
    NORSE_CHECK(dim() <= 8, DeviceError, "Tensor::fill_",
                "strided fills of cuda tensors support up to 8 dimensions, got ", dim());
    cuda_hooks()->fill(storage_->data() + offset_, strides_.data(), shape_.data(), static_cast<int>(dim()), value);
    return;
  }
  float* base = storage_->data();
  if (is_contiguous()) {
    // Both cores for large fills (the tape's zero gradients of outputs nothing used, e.g. a
    // conv layer's final neuron states): one core alone left the other waiting.
    float* dst = base + offset_;
    parallel_for(numel_, int64_t{1} << 16,
                 [&](int64_t begin, int64_t end) { std::fill(dst + begin, dst + end, value); });
    return;
  }
  detail::for_each_strided(shape_, strides_, offset_, [&](int64_t, int64_t off) { base[off] = value; });
}

std::vector<float> Tensor::to_vector() const {
  check_defined("Tensor::to_vector");
  if (device() == Device::kCUDA) return contiguous().to(Device::kCPU).to_vector();
  std::vector<float> out(static_cast<size_t>(numel_));
  const float* base = storage_->data();
  detail::for_each_strided(shape_, strides_, offset_,
                           [&](int64_t i, int64_t off) { out[static_cast<size_t>(i)] = base[off]; });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Printing

namespace {

constexpr int64_t kEdgeItems = 3;          // shown at each end of a long dimension
constexpr int64_t kSummariseAbove = 1000;  // elements; larger tensors are summarised

void format_value(std::ostringstream& out, float v) {
  char buf[32];
  if (std::isnan(v) || std::isinf(v) || (v == std::floor(v) && std::fabs(v) < 1e7f)) {
    std::snprintf(buf, sizeof(buf), "%g", static_cast<double>(v));
    std::string s = buf;
    if (std::isfinite(v) && s.find('.') == std::string::npos && s.find('e') == std::string::npos) {
      s += ".";
    }
    out << s;
    return;
  }
  const double a = std::fabs(static_cast<double>(v));
  std::snprintf(buf, sizeof(buf), (a >= 1e-4 && a < 1e6) ? "%.4f" : "%.4e", static_cast<double>(v));
  out << buf;
}

void format_recursive(std::ostringstream& out, const Tensor& t, const float* base, size_t d, int64_t offset,
                      bool summarise, int indent) {
  const Shape& shape = t.shape();
  const int64_t n = shape[d];
  out << "[";
  auto emit = [&](int64_t i) {
    const int64_t off = offset + i * t.strides()[d];
    if (d + 1 == shape.size()) {
      format_value(out, base[off]);
    } else {
      format_recursive(out, t, base, d + 1, off, summarise, indent + 1);
    }
  };
  const bool cut = summarise && n > 2 * kEdgeItems;
  const std::string sep = d + 1 == shape.size() ? ", " : ",\n" + std::string(indent + 1, ' ');
  for (int64_t i = 0; i < n; ++i) {
    if (cut && i == kEdgeItems) {
      out << "..." << sep;
      i = n - kEdgeItems;
    }
    emit(i);
    if (i + 1 < n) out << sep;
  }
  out << "]";
}

}  // namespace

std::string Tensor::to_string() const {
  if (!defined()) return "Tensor(undefined)";
  std::ostringstream out;
  out << "Tensor(shape=" << shape_to_string(shape_) << ", device=" << device_name(device()) << ")\n";
  if (device() == Device::kCUDA) {
    const std::string host = contiguous().to(Device::kCPU).to_string();
    return out.str() + host.substr(host.find('\n') + 1);
  }
  const float* base = storage_->data();
  if (shape_.empty()) {
    format_value(out, base[offset_]);
  } else if (numel_ == 0) {
    out << "[]";
  } else {
    format_recursive(out, *this, base, 0, offset_, numel_ > kSummariseAbove, 0);
  }
  return out.str();
}

std::ostream& operator<<(std::ostream& out, const Tensor& tensor) { return out << tensor.to_string(); }

// ---------------------------------------------------------------------------------------------
// Creation

Tensor zeros(const Shape& shape, Device device) { return full(shape, 0.0f, device); }
Tensor ones(const Shape& shape, Device device) { return full(shape, 1.0f, device); }

Tensor full(const Shape& shape, float value, Device device) {
  Tensor t = Tensor::empty(shape, device);
  t.fill_(value);
  return t;
}

Tensor scalar_tensor(float value) { return full({}, value); }

Tensor zeros_like(const Tensor& t) { return zeros(t.shape(), t.device()); }
Tensor ones_like(const Tensor& t) { return ones(t.shape(), t.device()); }

Tensor arange(float start, float end, float step) {
  NORSE_CHECK(step != 0.0f && std::isfinite(step), InvalidArgument, "arange",
              "argument 'step' must be finite and non-zero, got ", step);
  NORSE_CHECK(std::isfinite(start) && std::isfinite(end), InvalidArgument, "arange",
              "arguments 'start' and 'end' must be finite, got ", start, " and ", end);
  const double count = std::ceil((static_cast<double>(end) - start) / step);
  const int64_t n = count > 0 ? static_cast<int64_t>(count) : 0;
  Tensor t = Tensor::empty({n});
  float* p = t.data();
  for (int64_t i = 0; i < n; ++i) {
    p[i] = static_cast<float>(static_cast<double>(start) + static_cast<double>(i) * step);
  }
  return t;
}

Tensor from_vector(const std::vector<float>& values, const Shape& shape) {
  const int64_t n = shape_numel(shape);
  NORSE_CHECK(static_cast<int64_t>(values.size()) == n, ShapeError, "from_vector", "argument 'values' has ",
              values.size(), " elements but shape ", shape_to_string(shape), " needs ", n);
  Tensor t = Tensor::empty(shape);
  std::copy(values.begin(), values.end(), t.data());
  return t;
}

Tensor rand(const Shape& shape, Generator& gen, float low, float high) {
  NORSE_CHECK(std::isfinite(low) && std::isfinite(high) && low <= high, InvalidArgument, "rand",
              "arguments 'low' and 'high' must be finite with low <= high, got ", low, " and ", high);
  Tensor t = Tensor::empty(shape);
  const int64_t n = t.numel();
  const uint64_t seed = gen.seed();
  const uint64_t offset = gen.reserve_blocks(static_cast<uint64_t>((n + 3) / 4));
  float* p = t.data();
  const float range = high - low;
  parallel_for(n, 4096, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      p[i] = low + range * philox_uniform(philox_bits(seed, offset, static_cast<uint64_t>(i)));
    }
  });
  return t;
}

Tensor randn(const Shape& shape, Generator& gen, float mean, float stddev) {
  NORSE_CHECK(std::isfinite(mean) && std::isfinite(stddev) && stddev >= 0.0f, InvalidArgument, "randn",
              "argument 'stddev' must be finite and >= 0 and 'mean' finite, got mean ", mean, ", stddev ", stddev);
  Tensor t = Tensor::empty(shape);
  const int64_t n = t.numel();
  const uint64_t seed = gen.seed();
  const uint64_t offset = gen.reserve_blocks(static_cast<uint64_t>((n + 1) / 2));
  float* p = t.data();
  parallel_for(n, 2048, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      p[i] = mean + stddev * philox_normal(seed, offset, static_cast<uint64_t>(i));
    }
  });
  return t;
}

Tensor bernoulli(const Shape& shape, float p, Generator& gen) {
  NORSE_CHECK(p >= 0.0f && p <= 1.0f, InvalidArgument, "bernoulli", "argument 'p' must be in [0, 1], got ", p);
  return bernoulli(full(shape, p), gen);
}

Tensor bernoulli(const Tensor& probs, Generator& gen) {
  const Tensor pr = probs.contiguous();
  const float* q = pr.data();
  const int64_t n = pr.numel();
  for (int64_t i = 0; i < n; ++i) {
    NORSE_CHECK(q[i] >= 0.0f && q[i] <= 1.0f, InvalidArgument, "bernoulli", "argument 'probs' must lie in [0, 1], got ",
                q[i], " at flat index ", i);
  }
  Tensor t = Tensor::empty(pr.shape());
  const uint64_t seed = gen.seed();
  const uint64_t offset = gen.reserve_blocks(static_cast<uint64_t>((n + 3) / 4));
  float* out = t.data();
  parallel_for(n, 4096, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      out[i] = philox_uniform(philox_bits(seed, offset, static_cast<uint64_t>(i))) < q[i] ? 1.0f : 0.0f;
    }
  });
  return t;
}

}  // namespace norse
