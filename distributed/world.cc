// World: MPI set-up and the MPI communicator (when the build found MPI), NCCL on top of it.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>

#include "distributed/communicator.h"

#ifdef NORSE_WITH_MPI
#include <mpi.h>
#endif

namespace norse {
namespace dist {
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

// Every MPI call of this class is made under `mutex_` (MPI_THREAD_SERIALIZED: one thread at a
// time). Open MPI moves a non-blocking collective forward only inside MPI calls, so a started
// all-reduce would sit still while backward computes; the progress thread calls MPI_Testall
// every 50 us while reductions are pending, so they run during the rest of backward.
class MpiCommunicator final : public Communicator {
 public:
  // `rank_ordered`: the rank-ordered non-commutative sum for every reduction; otherwise MPI_SUM
  // (see reduction_is_ordered()).
  MpiCommunicator(bool progress_thread, bool rank_ordered) {
    const std::string what = "MPI set-up";
    check_mpi(MPI_Comm_dup(MPI_COMM_WORLD, &comm_), "MPI_Comm_dup", what);
    // Errors come back as codes (thrown with the call named), not as MPI's default abort.
    check_mpi(MPI_Comm_set_errhandler(comm_, MPI_ERRORS_RETURN), "MPI_Comm_set_errhandler", what);
    check_mpi(MPI_Comm_rank(comm_, &rank_), "MPI_Comm_rank", what);
    check_mpi(MPI_Comm_size(comm_, &size_), "MPI_Comm_size", what);
    check_mpi(MPI_Op_create(&ordered_sum<float>, /*commute=*/0, &sum_float_), "MPI_Op_create", what);
    check_mpi(MPI_Op_create(&ordered_sum<double>, /*commute=*/0, &sum_double_), "MPI_Op_create", what);
    // Two ranks: a + b == b + a exactly in IEEE arithmetic, so MPI_SUM is rank-ordered already
    // and MPI may use its own algorithms and vectorised sum.
    if (!rank_ordered || size_ == 2) {
      float_op_ = MPI_SUM;
      double_op_ = MPI_SUM;
    } else {
      float_op_ = sum_float_;
      double_op_ = sum_double_;
    }
    arrived_.assign(static_cast<size_t>(size_), 0);
    if (progress_thread) progress_ = std::thread([this]() { progress_loop(); });
  }
  ~MpiCommunicator() override {
    if (progress_.joinable()) {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
      }
      work_.notify_one();
      progress_.join();
    }
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
    {
      std::lock_guard<std::mutex> lock(mutex_);
      begin_collective(what);
      requests_.emplace_back();
      check_mpi(
          MPI_Iallreduce(MPI_IN_PLACE, data, static_cast<int>(count), MPI_FLOAT, float_op_, comm_, &requests_.back()),
          "MPI_Iallreduce", what);
      all_done_ = false;
    }
    work_.notify_one();
  }

  void progress() override {
    std::lock_guard<std::mutex> lock(mutex_);
    test_all("all-reduce");
  }

  void wait_all(const std::string& what) override {
    const auto start = Clock::now();
    for (int64_t polls = 0;; ++polls) {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (requests_.empty() || test_all(what)) {
          requests_.clear();
          arrival_pending_ = false;
          return;
        }
      }
      const double waited = std::chrono::duration<double>(Clock::now() - start).count();
      if (waited > timeout_seconds()) {
        std::lock_guard<std::mutex> lock(mutex_);
        throw DistributedError(timeout_message(what, waited));
      }
      // Spin for the first thousand polls (a step's all-reduce is usually microseconds away),
      // then yield the core to whatever else runs on it.
      if (polls > 1000) std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
  }

  void broadcast(float* data, int64_t count, int root, const std::string& what) override {
    check_count(count, what);
    NORSE_CHECK(root >= 0 && root < size_, InvalidArgument, what, "broadcast root ", root, " is not in [0, ", size_,
                ")");
    start_blocking(what, [&](MPI_Request* request) {
      return MPI_Ibcast(data, static_cast<int>(count), MPI_FLOAT, root, comm_, request);
    });
    wait_all(what);
  }

  void broadcast_bytes(std::vector<char>& bytes, int root, const std::string& what) {
    start_blocking(what, [&](MPI_Request* request) {
      return MPI_Ibcast(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, root, comm_, request);
    });
    wait_all(what);
  }

  void allreduce_sum(double* data, int64_t count, const std::string& what) override {
    check_count(count, what);
    start_blocking(what, [&](MPI_Request* request) {
      return MPI_Iallreduce(MPI_IN_PLACE, data, static_cast<int>(count), MPI_DOUBLE, double_op_, comm_, request);
    });
    wait_all(what);
  }

 private:
  static constexpr int kArrivalTag = 7301;

  // Starts one collective of a blocking call (under the lock; the caller then waits).
  template <typename Start>
  void start_blocking(const std::string& what, Start start) {
    std::lock_guard<std::mutex> lock(mutex_);
    begin_collective(what);
    requests_.emplace_back();
    check_mpi(start(&requests_.back()), "a non-blocking collective", what);
    all_done_ = false;
  }

  // MPI_Testall over the pending requests; with `mutex_` held.
  bool test_all(const std::string& what) {
    if (requests_.empty() || all_done_) return true;
    int done = 0;
    check_mpi(MPI_Testall(static_cast<int>(requests_.size()), requests_.data(), &done, MPI_STATUSES_IGNORE),
              "MPI_Testall", what);
    all_done_ = done != 0;
    return all_done_;
  }

  void progress_loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stop_) {
      work_.wait(lock, [this]() { return stop_ || (!requests_.empty() && !all_done_); });
      if (stop_) break;
      int done = 0;
      // An error here is seen again by wait_all on the training thread, which throws it.
      if (MPI_Testall(static_cast<int>(requests_.size()), requests_.data(), &done, MPI_STATUSES_IGNORE) !=
          MPI_SUCCESS) {
        done = 1;
      }
      all_done_ = done != 0;
      lock.unlock();
      std::this_thread::sleep_for(std::chrono::microseconds(50));
      lock.lock();
    }
  }

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
      for (int r = 1; r < size_; ++r) {
        requests_.emplace_back();
        check_mpi(
            MPI_Irecv(&arrived_[static_cast<size_t>(r)], 1, MPI_LONG_LONG, r, kArrivalTag, comm_, &requests_.back()),
            "MPI_Irecv", what);
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
    std::string who = rank_ != 0        ? "rank 0 names the ranks that did not arrive (only it tracks arrivals)"
                      : missing.empty() ? "every rank arrived, but the collective did not complete"
                                        : "rank(s) " + missing + " did not arrive (dead or hung)";
    char seconds[32];
    std::snprintf(seconds, sizeof(seconds), "%.1f", waited);
    return str_cat("rank ", rank_, " of ", size_, ": ", what, " did not complete within ", seconds,
                   " s (NORSE_DIST_TIMEOUT): ", who);
  }

  MPI_Comm comm_ = MPI_COMM_NULL;
  MPI_Op sum_float_ = MPI_OP_NULL, sum_double_ = MPI_OP_NULL;  // the rank-ordered sums
  MPI_Op float_op_ = MPI_OP_NULL, double_op_ = MPI_OP_NULL;    // what the reductions use
  int rank_ = 0, size_ = 1;
  std::vector<MPI_Request> requests_;
  bool arrival_pending_ = false;
  long long round_ = 0, round_sent_ = 0;
  std::vector<long long> arrived_;
  std::mutex mutex_;
  std::condition_variable work_;
  std::thread progress_;
  bool stop_ = false, all_done_ = true;
};

#endif  // NORSE_WITH_MPI

}  // namespace

bool reduction_is_ordered() {
  const char* env = std::getenv("NORSE_DIST_REDUCTION");
  const std::string value = env != nullptr ? env : "ordered";
  NORSE_CHECK(value == "ordered" || value == "mpi_sum", InvalidArgument, "NORSE_DIST_REDUCTION",
              "expected ordered or mpi_sum, got '", value, "'");
  return value == "ordered";
}

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
    int initialised = 0, provided = MPI_THREAD_SINGLE;
    MPI_Initialized(&initialised);
    if (!initialised) {
      // Open MPI's non-blocking all-reduce (libnbc) picks a slow algorithm for large buffers
      // here: 9.3 ms for ConvNet4's 4.45 MB against 0.94 ms with its ring (mpi_benchmark, 2
      // ranks). The ring associates the sum in ring order, so it is chosen only where the
      // reduction is MPI_SUM (two ranks, or NORSE_DIST_REDUCTION=mpi_sum), never for the
      // rank-ordered sum; a value the user set is kept.
      if (launched == 2 || !reduction_is_ordered()) setenv("OMPI_MCA_coll_libnbc_iallreduce_algorithm", "1", 0);
      // The training thread and the communicator's progress thread call MPI, one at a time.
      check_mpi(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided), "MPI_Init_thread", "MPI set-up");
      finalize_ = true;
    } else {
      MPI_Query_thread(&provided);
    }
    // Without MPI_THREAD_SERIALIZED support: no progress thread (reductions then move only
    // inside the training thread's MPI calls).
    host_ = std::make_shared<MpiCommunicator>(provided >= MPI_THREAD_SERIALIZED, reduction_is_ordered());
  }
#else
  (void)launcher_env;
  NORSE_CHECK(launched <= 1, DistributedError, "dist::World", "the launcher started ", launched,
              " ranks, but this build has no MPI (no mpicc was found when it was "
              "built: install libopenmpi-dev and rebuild); refusing to run ",
              launched, " unconnected copies");
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
  NORSE_CHECK(id.size() == 128, DistributedError, "dist::World", "NCCL's unique id has ", id.size(),
              " bytes, expected 128");
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
