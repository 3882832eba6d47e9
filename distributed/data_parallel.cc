#include "distributed/data_parallel.h"

#include <chrono>

#include "core/tensor_ops.h"

namespace norse {
namespace dist {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// A fingerprint of the parameter names (FNV-1a folded to 40 bits: exact in a double).
double name_fingerprint(const std::vector<nn::NamedParameter>& params) {
  uint64_t h = 1469598103934665603ull;
  for (const auto& [name, v] : params) {
    for (const char c : name + '\0') h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  }
  return static_cast<double>(h >> 24);
}

}  // namespace

DataParallel::DataParallel(Communicator& comm, std::vector<nn::NamedParameter> params, DataParallelOptions options)
    : comm_(comm), params_(std::move(params)), options_(options) {
  NORSE_CHECK(options_.bucket_bytes >= 4, InvalidArgument, "DataParallel", "bucket_bytes must be >= 4, got ",
              options_.bucket_bytes);
  int64_t total = 0;
  for (size_t i = 0; i < params_.size(); ++i) {
    const auto& [name, v] = params_[i];
    NORSE_CHECK(v != nullptr && v->defined(), InvalidArgument, "DataParallel", "parameter '", name, "' is undefined");
    NORSE_CHECK(v->value().device() == comm_.device(), InvalidArgument, "DataParallel", "parameter '", name, "' is on ",
                device_name(v->value().device()), " but the ", comm_.backend(), " communicator reduces ",
                device_name(comm_.device()), " memory");
    NORSE_CHECK(index_of_.emplace(v->identity(), i).second, InvalidArgument, "DataParallel", "parameter '", name,
                "' is listed twice");
    total += v->numel();
  }
  // Every rank must hold the same parameters: compare the sums of (count, floats, names) with
  // size x this rank's. Any rank that differs makes the sums differ on every rank.
  double mine[3] = {static_cast<double>(params_.size()), static_cast<double>(total), name_fingerprint(params_)};
  double sums[3] = {mine[0], mine[1], mine[2]};
  comm_.allreduce_sum(sums, 3, "DataParallel: checking that every rank has the same parameters");
  const double n = comm_.size();
  NORSE_CHECK(sums[0] == n * mine[0] && sums[1] == n * mine[1] && sums[2] == n * mine[2], DistributedError,
              "DataParallel", "the ranks registered different parameters: rank ", comm_.rank(), " has ", params_.size(),
              " parameters with ", total, " floats, the mean over the ranks is ", sums[0] / n, " parameters with ",
              sums[1] / n, " floats", sums[2] != n * mine[2] ? " (and the names differ)" : "");

  // Buckets in reverse registration order: the last layers' gradients are final first.
  bucket_of_.assign(params_.size(), 0);
  const int64_t capacity = std::max<int64_t>(1, options_.bucket_bytes / static_cast<int64_t>(sizeof(float)));
  Bucket current;
  int64_t filled = 0;
  const auto close = [&]() {
    if (current.params.empty()) return;
    current.flags = filled;
    buckets_.push_back(std::move(current));
    current = Bucket();
    filled = 0;
  };
  for (size_t k = params_.size(); k-- > 0;) {
    const int64_t numel = params_[k].second->numel();
    if (filled > 0 && filled + numel > capacity) close();
    bucket_of_[k] = buckets_.size();
    current.params.push_back(k);
    current.offsets.push_back(filled);
    filled += numel;
  }
  close();
  for (size_t b = 0; b < buckets_.size(); ++b) {
    Bucket& bucket = buckets_[b];
    const bool last = b + 1 == buckets_.size();
    bucket.buffer =
        Tensor::empty({bucket.flags + static_cast<int64_t>(bucket.params.size()) + (last ? 1 : 0)}, comm_.device());
  }
  broadcast_parameters();
}

int64_t DataParallel::parameter_count() const {
  int64_t total = 0;
  for (const auto& [name, v] : params_) total += v->numel();
  return total;
}

int64_t DataParallel::bytes_per_step() const {
  int64_t floats = 0;
  for (const Bucket& b : buckets_) floats += b.buffer.numel();
  return floats * static_cast<int64_t>(sizeof(float));
}

void DataParallel::broadcast_parameters() {
  NoGradGuard no_grad;
  for (const auto& [name, v] : params_) {
    Tensor& value = v->mutable_value();
    if (value.is_contiguous()) {
      comm_.broadcast(value.device_data(), value.numel(), 0, "DataParallel: broadcasting parameter '" + name + "'");
    } else {
      Tensor copy = value.contiguous();
      comm_.broadcast(copy.device_data(), copy.numel(), 0, "DataParallel: broadcasting parameter '" + name + "'");
      value.copy_(copy);
    }
  }
}

float DataParallel::backward(const Variable& loss, int64_t local_count, int64_t global_count) {
  NORSE_CHECK(loss.defined() && loss.numel() == 1, InvalidArgument, "DataParallel::backward",
              "loss must be a one-element Variable");
  NORSE_CHECK(local_count >= 1, InvalidArgument, "DataParallel::backward", "local_count must be >= 1, got ",
              local_count, " (a rank without data calls backward_without_data)");
  return run_step(&loss, loss.item(), local_count, global_count);
}

float DataParallel::backward_without_data(int64_t global_count) { return run_step(nullptr, 0.0f, 0, global_count); }

float DataParallel::run_step(const Variable* loss, float local_loss, int64_t local_count, int64_t global_count) {
  NORSE_CHECK(global_count >= local_count && global_count >= 1, InvalidArgument, "DataParallel::backward",
              "global_count must be >= local_count and >= 1, got ", global_count, " (local_count ", local_count, ")");
  const auto t0 = Clock::now();
  weight_ = static_cast<float>(static_cast<double>(local_count) / static_cast<double>(global_count));
  local_loss_ = local_loss;
  for (Bucket& b : buckets_) {
    b.pending = static_cast<int64_t>(b.params.size());
    b.started = false;
  }
  next_bucket_ = 0;
  if (loss != nullptr) {
    if (options_.overlap) {
      GradReadyScope scope([this](const Variable& leaf) { on_gradient_ready(leaf); });
      loss->backward();
    } else {
      loss->backward();
    }
  }
  // Buckets with parameters backward never reached (unused in this step) start now, in order.
  for (Bucket& b : buckets_) b.pending = 0;
  start_ready_buckets();
  const auto t1 = Clock::now();
  timing_.backward = std::chrono::duration<double>(t1 - t0).count();
  comm_.wait_all("DataParallel: gradient all-reduce");
  const auto t2 = Clock::now();
  timing_.wait = std::chrono::duration<double>(t2 - t1).count();
  for (Bucket& b : buckets_) unpack(b);
  timing_.unpack = seconds_since(t2);
  return buckets_.empty() ? local_loss : buckets_.back().buffer.slice(0, -1, buckets_.back().buffer.numel()).item();
}

void DataParallel::on_gradient_ready(const Variable& leaf) {
  const auto found = index_of_.find(leaf.identity());
  if (found == index_of_.end()) return;  // a leaf that is not one of ours (an input)
  Bucket& bucket = buckets_[bucket_of_[found->second]];
  if (--bucket.pending == 0) start_ready_buckets();
  comm_.progress();
}

void DataParallel::start_ready_buckets() {
  while (next_bucket_ < buckets_.size() && buckets_[next_bucket_].pending == 0) start_bucket(buckets_[next_bucket_++]);
}

void DataParallel::start_bucket(Bucket& bucket) {
  Tensor& buffer = bucket.buffer;
  for (size_t k = 0; k < bucket.params.size(); ++k) {
    const Variable& v = *params_[bucket.params[k]].second;
    const int64_t n = v.numel(), at = bucket.offsets[k];
    Tensor slot = buffer.slice(0, at, at + n);
    const Tensor& grad = v.grad();
    const bool has = grad.defined();
    slot.fill_(0.0f);
    if (has) axpy_(slot, weight_, grad.reshape({n}));
    const int64_t flag = bucket.flags + static_cast<int64_t>(k);
    buffer.slice(0, flag, flag + 1).fill_(has ? 1.0f : 0.0f);
  }
  if (&bucket == &buckets_.back()) buffer.slice(0, -1, buffer.numel()).fill_(weight_ * local_loss_);
  bucket.started = true;
  comm_.start_allreduce(buffer.device_data(), buffer.numel());
}

void DataParallel::unpack(Bucket& bucket) {
  const Tensor& buffer = bucket.buffer;
  // The flags are read on the host (one small copy per bucket on a GPU).
  const std::vector<float> flags =
      buffer.slice(0, bucket.flags, bucket.flags + static_cast<int64_t>(bucket.params.size())).to_vector();
  for (size_t k = 0; k < bucket.params.size(); ++k) {
    Variable& v = *params_[bucket.params[k]].second;
    if (flags[k] == 0.0f) continue;  // no rank had a gradient for it
    const int64_t at = bucket.offsets[k];
    const Tensor averaged = buffer.slice(0, at, at + v.numel()).view(v.shape());
    Tensor& grad = v.mutable_grad();
    if (grad.defined() && grad.is_contiguous()) {
      grad.copy_(averaged);
    } else {
      grad = averaged.clone();
    }
  }
}

}  // namespace dist
}  // namespace norse
