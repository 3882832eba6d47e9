// World: MPI set-up and the MPI communicator (when the build found MPI), NCCL on top of it.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "distributed/communicator.h"

#ifdef NORSE_WITH_MPI
#include <mpi.h>
#endif

namespace norse {
namespace dist {
namespace detail {
NcclFactory nccl_factory();
NcclUniqueIdFn nccl_unique_id();
}  // namespace detail

namespace {

#ifdef NORSE_WITH_MPI

using Clock = std::chrono::steady_clock;

std::string mpi_error_text(int code) {
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  if (MPI_Error_string(code, text, &length) != MPI_SUCCESS) return "MPI error " + std::to_string(code);
  return std::string(text, static_cast<size_t>(length));
}

void check_mpi(int code, const char* call, const std::string& what) {
  if (code != MPI_SUCCESS) throw DistributedError(str_cat(what, ": ", call, " failed: ", mpi_error_text(code)));
}

// The sums in rank order. Declared non-commutative, so MPI must combine the ranks' values in
// rank order: the same association every run, whichever algorithm it picks for the size.
template <typename T>
void ordered_sum(void* in, void* inout, int* length, MPI_Datatype*) {
  const T* a = static_cast<const T*>(in);  // the lower ranks' partial sum
  T* b = static_cast<T*>(inout);
  for (int i = 0; i < *length; ++i) b[i] = a[i] + b[i];
}

class MpiCommunicator final : public Communicator {
 public:
  MpiCommunicator() {
    const std::string what = "MPI set-up";
    check_mpi(MPI_Comm_dup(MPI_COMM_WORLD, &comm_), "MPI_Comm_dup", what);
    // Errors come back as codes (thrown with the call named), not as MPI's default abort.
    check_mpi(MPI_Comm_set_errhandler(comm_, MPI_ERRORS_RETURN), "MPI_Comm_set_errhandler", what);
    check_mpi(MPI_Comm_rank(comm_, &rank_), "MPI_Comm_rank", what);
    check_mpi(MPI_Comm_size(comm_, &size_), "MPI_Comm_size", what);
    check_mpi(MPI_Op_create(&ordered_sum<float>, /*commute=*/0, &sum_float_), "MPI_Op_create", what);
    check_mpi(MPI_Op_create(&ordered_sum<double>, /*commute=*/0, &sum_double_), "MPI_Op_create", what);
    arrived_.assign(static_cast<size_t>(size_), 0);
  }
  ~MpiCommunicator() override {
    MPI_Op_free(&sum_float_);
    MPI_Op_free(&sum_double_);
    MPI_Comm_free(&comm_);
  }

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  std::string backend() const override { return "mpi"; }
  Device device() const override { return Device::kCPU; }

  void start_allreduce(float* data, int64_t count) override {
    const std::string what = "all-reduce";
    check_count(count, what);
    begin_collective(what);
    requests_.emplace_back();
    check_mpi(MPI_Iallreduce(MPI_IN_PLACE, data, static_cast<int>(count), MPI_FLOAT, sum_float_, comm_, &requests_.back()),
              "MPI_Iallreduce", what);
  }

  void progress() override {
    if (requests_.empty()) return;
    int done = 0;
    check_mpi(MPI_Testall(static_cast<int>(requests_.size()), requests_.data(), &done, MPI_STATUSES_IGNORE),
              "MPI_Testall", "all-reduce");
  }

  void wait_all(const std::string& what) override {
    if (requests_.empty()) return;
    const auto start = Clock::now();
    int done = 0;
    for (int64_t polls = 0;; ++polls) {
      check_mpi(MPI_Testall(static_cast<int>(requests_.size()), requests_.data(), &done, MPI_STATUSES_IGNORE),
                "MPI_Testall", what);
      if (done) break;
      const double waited = std::chrono::duration<double>(Clock::now() - start).count();
      if (waited > timeout_seconds()) throw DistributedError(timeout_message(what, waited));
      // Spin for the first thousand polls (a step's all-reduce is usually microseconds away),
      // then yield the core to whatever else runs on it.
      if (polls > 1000) std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
    requests_.clear();
    arrival_pending_ = false;
  }

  void broadcast(float* data, int64_t count, int root, const std::string& what) override {
    check_count(count, what);
    NORSE_CHECK(root >= 0 && root < size_, InvalidArgument, what, "broadcast root ", root, " is not in [0, ", size_, ")");
    begin_collective(what);
    requests_.emplace_back();
    check_mpi(MPI_Ibcast(data, static_cast<int>(count), MPI_FLOAT, root, comm_, &requests_.back()), "MPI_Ibcast", what);
    wait_all(what);
  }

  void broadcast_bytes(std::vector<char>& bytes, int root, const std::string& what) {
    begin_collective(what);
    requests_.emplace_back();
    check_mpi(MPI_Ibcast(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, root, comm_, &requests_.back()),
              "MPI_Ibcast", what);
    wait_all(what);
  }

  void allreduce_sum(double* data, int64_t count, const std::string& what) override {
    check_count(count, what);
    begin_collective(what);
    requests_.emplace_back();
    check_mpi(MPI_Iallreduce(MPI_IN_PLACE, data, static_cast<int>(count), MPI_DOUBLE, sum_double_, comm_,
                             &requests_.back()),
              "MPI_Iallreduce", what);
    wait_all(what);
  }

 private:
  static constexpr int kArrivalTag = 7301;

  void check_count(int64_t count, const std::string& what) const {
    NORSE_CHECK(count >= 0 && count <= 0x7fffffff, InvalidArgument, what, "count must be in [0, 2^31), got ", count);
  }

  // Every collective round (the collectives up to the next wait_all) starts with each rank
  // telling rank 0 that it got there: when the round times out, rank 0 can name the ranks that
  // never arrived. N-1 eight-byte messages per round, all into rank 0.
  void begin_collective(const std::string& what) {
    if (arrival_pending_) return;
    arrival_pending_ = true;
    ++round_;
    if (rank_ == 0) {
      std::fill(arrived_.begin(), arrived_.end(), 0);
      arrival_requests_.clear();
      for (int r = 1; r < size_; ++r) {
        requests_.emplace_back();
        check_mpi(MPI_Irecv(&arrived_[static_cast<size_t>(r)], 1, MPI_LONG_LONG, r, kArrivalTag, comm_, &requests_.back()),
                  "MPI_Irecv", what);
        arrival_requests_.push_back(requests_.size() - 1);
      }
    } else {
      round_sent_ = round_;
      requests_.emplace_back();
      check_mpi(MPI_Isend(&round_sent_, 1, MPI_LONG_LONG, 0, kArrivalTag, comm_, &requests_.back()), "MPI_Isend", what);
    }
  }

  std::string timeout_message(const std::string& what, double waited) const {
    std::string missing;
    if (rank_ == 0) {
      for (int r = 1; r < size_; ++r) {
        if (arrived_[static_cast<size_t>(r)] != round_) missing += (missing.empty() ? "" : ", ") + std::to_string(r);
      }
    }
    std::string who = rank_ != 0 ? "rank 0 names the ranks that did not arrive (only it tracks arrivals)"
                      : missing.empty() ? "every rank arrived, but the collective did not complete"
                                        : "rank(s) " + missing + " did not arrive (dead or hung)";
    char seconds[32];
    std::snprintf(seconds, sizeof(seconds), "%.1f", waited);
    return str_cat("rank ", rank_, " of ", size_, ": ", what, " did not complete within ", seconds,
                   " s (NORSE_DIST_TIMEOUT): ", who);
  }

  MPI_Comm comm_ = MPI_COMM_NULL;
  MPI_Op sum_float_ = MPI_OP_NULL, sum_double_ = MPI_OP_NULL;
  int rank_ = 0, size_ = 1;
  std::vector<MPI_Request> requests_;
  bool arrival_pending_ = false;
  long long round_ = 0, round_sent_ = 0;
  std::vector<long long> arrived_;
  std::vector<size_t> arrival_requests_;
};

#endif  // NORSE_WITH_MPI

}  // namespace

bool built_with_mpi() {
#ifdef NORSE_WITH_MPI
  return true;
#else
  return false;
#endif
}

World::World(bool cuda) {
  const int launched = launched_ranks();
  const char* launcher_env = std::getenv("OMPI_COMM_WORLD_SIZE") ? "OMPI_COMM_WORLD_SIZE"
                             : std::getenv("PMI_SIZE")           ? "PMI_SIZE"
                                                                 : "PMIX_SIZE";
#ifdef NORSE_WITH_MPI
  if (launched > 1 || std::getenv(launcher_env) != nullptr) {
    int initialised = 0;
    MPI_Initialized(&initialised);
    if (!initialised) {
      int provided = 0;
      // Only the thread that trains calls MPI (OpenMP threads never do).
      check_mpi(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread", "MPI set-up");
      finalize_ = true;
    }
    host_ = std::make_shared<MpiCommunicator>();
  }
#else
  (void)launcher_env;
  NORSE_CHECK(launched <= 1, DistributedError, "dist::World",
              "the launcher started ", launched, " ranks, but this build has no MPI (no mpicc was found when it was "
              "built: install libopenmpi-dev and rebuild); refusing to run ", launched, " unconnected copies");
#endif
  if (!host_) host_ = local_communicator(Device::kCPU);
  if (!cuda) {
    communicator_ = host_;
    return;
  }
  const detail::NcclFactory factory = detail::nccl_factory();
  if (host_->size() == 1) {
    communicator_ = local_communicator(Device::kCUDA);
    return;
  }
  NORSE_CHECK(factory != nullptr, DistributedError, "dist::World",
              "cuda tensors across ranks need NCCL: build with --config=cuda where nccl.h is in the CUDA toolkit");
#ifdef NORSE_WITH_MPI
  std::vector<char> id = host_->rank() == 0 ? detail::nccl_unique_id()() : std::vector<char>(128);
  NORSE_CHECK(id.size() == 128, DistributedError, "dist::World", "NCCL's unique id has ", id.size(), " bytes, expected 128");
  static_cast<MpiCommunicator&>(*host_).broadcast_bytes(id, 0, "NCCL set-up (unique id)");
  const char* local = std::getenv("OMPI_COMM_WORLD_LOCAL_RANK");
  const int local_rank = local ? std::atoi(local) : host_->rank();
  communicator_ = factory(host_->rank(), host_->size(), id, local_rank);
#endif
}

World::~World() {
  communicator_.reset();
  host_.reset();
#ifdef NORSE_WITH_MPI
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (finalize_ && !finalized) MPI_Finalize();
#endif
}

void World::abort(int code) {
  std::fflush(stdout);
  std::fflush(stderr);
#ifdef NORSE_WITH_MPI
  int initialised = 0, finalized = 0;
  MPI_Initialized(&initialised);
  MPI_Finalized(&finalized);
  if (initialised && !finalized) MPI_Abort(MPI_COMM_WORLD, code);
#endif
  std::_Exit(code);
}

}  // namespace dist
}  // namespace norse
