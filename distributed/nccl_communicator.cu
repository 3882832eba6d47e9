// NCCL all-reduce of cuda memory, one communicator per rank on its own stream. Registered with
// the communicator layer at start-up; dist::World bootstraps it (the unique id) through MPI.
#include <cuda_runtime.h>
#include <nccl.h>

#include <chrono>
#include <cstring>
#include <thread>

#include "distributed/communicator.h"

namespace norse {
namespace dist {
namespace {

using Clock = std::chrono::steady_clock;

void check_cuda(cudaError_t code, const char* call, const std::string& what) {
  if (code != cudaSuccess) throw DistributedError(str_cat(what, ": ", call, " failed: ", cudaGetErrorString(code)));
}

void check_nccl(ncclResult_t code, const char* call, const std::string& what) {
  if (code != ncclSuccess) throw DistributedError(str_cat(what, ": ", call, " failed: ", ncclGetErrorString(code)));
}

class NcclCommunicator final : public Communicator {
 public:
  NcclCommunicator(int rank, int size, const std::vector<char>& unique_id, int local_rank) : rank_(rank), size_(size) {
    const std::string what = "NCCL set-up";
    int devices = 0;
    check_cuda(cudaGetDeviceCount(&devices), "cudaGetDeviceCount", what);
    NORSE_CHECK(devices > 0, DistributedError, what, "rank ", rank, " sees no CUDA device");
    // Ranks on one machine take its GPUs in turn (before any cuda tensor is made).
    check_cuda(cudaSetDevice(local_rank % devices), "cudaSetDevice", what);
    // A blocking stream: it orders itself with the legacy default stream the tensor kernels use,
    // so a reduction starts after the kernels that wrote its buffer and finishes before the
    // kernels that read it.
    check_cuda(cudaStreamCreate(&stream_), "cudaStreamCreate", what);
    ncclUniqueId id;
    std::memcpy(&id, unique_id.data(), sizeof(id));
    check_nccl(ncclCommInitRank(&comm_, size, id, rank), "ncclCommInitRank", what);
  }
  ~NcclCommunicator() override {
    if (comm_ != nullptr) ncclCommDestroy(comm_);
    if (stream_ != nullptr) cudaStreamDestroy(stream_);
  }

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  std::string backend() const override { return "nccl"; }
  Device device() const override { return Device::kCUDA; }

  void start_allreduce(float* data, int64_t count) override {
    check_nccl(ncclAllReduce(data, data, static_cast<size_t>(count), ncclFloat, ncclSum, comm_, stream_),
               "ncclAllReduce", "all-reduce");
  }
  void progress() override {}

  void wait_all(const std::string& what) override {
    const auto start = Clock::now();
    for (;;) {
      const cudaError_t state = cudaStreamQuery(stream_);
      if (state == cudaSuccess) return;
      if (state != cudaErrorNotReady) check_cuda(state, "cudaStreamQuery", what);
      ncclResult_t async = ncclSuccess;
      check_nccl(ncclCommGetAsyncError(comm_, &async), "ncclCommGetAsyncError", what);
      check_nccl(async, "an NCCL collective", what);
      const double waited = std::chrono::duration<double>(Clock::now() - start).count();
      if (waited > timeout_seconds()) {
        ncclCommAbort(comm_);  // NCCL has no timeout of its own: give up here, never hang
        comm_ = nullptr;
        throw DistributedError(str_cat("rank ", rank_, " of ", size_, ": ", what, " did not complete within ",
                                       static_cast<int>(waited),
                                       " s (NORSE_DIST_TIMEOUT): another rank died or hangs"));
      }
      std::this_thread::sleep_for(std::chrono::microseconds(20));
    }
  }

  void broadcast(float* data, int64_t count, int root, const std::string& what) override {
    check_nccl(ncclBroadcast(data, data, static_cast<size_t>(count), ncclFloat, root, comm_, stream_), "ncclBroadcast",
               what);
    wait_all(what);
  }

  void allreduce_sum(double* data, int64_t count, const std::string& what) override {
    double* device = nullptr;
    const size_t bytes = static_cast<size_t>(count) * sizeof(double);
    check_cuda(cudaMalloc(&device, bytes), "cudaMalloc", what);
    check_cuda(cudaMemcpy(device, data, bytes, cudaMemcpyHostToDevice), "cudaMemcpy", what);
    check_nccl(ncclAllReduce(device, device, static_cast<size_t>(count), ncclDouble, ncclSum, comm_, stream_),
               "ncclAllReduce", what);
    wait_all(what);
    check_cuda(cudaMemcpy(data, device, bytes, cudaMemcpyDeviceToHost), "cudaMemcpy", what);
    cudaFree(device);
  }

 private:
  int rank_, size_;
  cudaStream_t stream_ = nullptr;
  ncclComm_t comm_ = nullptr;
};

std::vector<char> nccl_unique_id() {
  ncclUniqueId id;
  check_nccl(ncclGetUniqueId(&id), "ncclGetUniqueId", "NCCL set-up");
  std::vector<char> bytes(sizeof(id));
  std::memcpy(bytes.data(), &id, sizeof(id));
  return bytes;
}

std::shared_ptr<Communicator> make_nccl(int rank, int size, const std::vector<char>& unique_id, int local_rank) {
  return std::make_shared<NcclCommunicator>(rank, size, unique_id, local_rank);
}

const bool registered = (detail::register_nccl(&make_nccl, &nccl_unique_id), true);

}  // namespace
}  // namespace dist
}  // namespace norse
