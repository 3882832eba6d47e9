#include "distributed/communicator.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace norse {
namespace dist {

double Communicator::default_timeout_seconds() {
  const char* env = std::getenv("NORSE_DIST_TIMEOUT");
  if (env == nullptr || *env == '\0') return 300.0;
  char* end = nullptr;
  const double seconds = std::strtod(env, &end);
  NORSE_CHECK(end != env && *end == '\0' && std::isfinite(seconds) && seconds > 0, InvalidArgument,
              "NORSE_DIST_TIMEOUT", "expected a positive number of seconds, got '", env, "'");
  return seconds;
}

void Communicator::set_timeout_seconds(double seconds) {
  NORSE_CHECK(std::isfinite(seconds) && seconds > 0, InvalidArgument, "Communicator::set_timeout_seconds",
              "seconds must be positive and finite, got ", seconds);
  timeout_seconds_ = seconds;
}

namespace {

// Size 1: a sum over one rank is the rank's own value, a broadcast from itself a no-op.
class LocalCommunicator final : public Communicator {
 public:
  explicit LocalCommunicator(Device device) : device_(device) {}
  int rank() const override { return 0; }
  int size() const override { return 1; }
  std::string backend() const override { return "single process"; }
  Device device() const override { return device_; }
  void start_allreduce(float*, int64_t) override {}
  void progress() override {}
  void wait_all(const std::string&) override {}
  void broadcast(float*, int64_t, int root, const std::string& what) override {
    NORSE_CHECK(root == 0, InvalidArgument, what, "broadcast root ", root, " is not a rank of a 1-rank run");
  }
  void allreduce_sum(double*, int64_t, const std::string&) override {}

 private:
  Device device_;
};

detail::NcclFactory g_nccl_factory = nullptr;
detail::NcclUniqueIdFn g_nccl_unique_id = nullptr;

int env_int(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return 0;
  char* end = nullptr;
  const long n = std::strtol(v, &end, 10);
  return (end != v && *end == '\0' && n > 0 && n < (1L << 30)) ? static_cast<int>(n) : 0;
}

}  // namespace

std::shared_ptr<Communicator> local_communicator(Device device) { return std::make_shared<LocalCommunicator>(device); }

int launched_ranks() {
  // Open MPI's mpirun, then PMI launchers (MPICH's hydra, Slurm's srun --mpi=pmi2/pmix).
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"}) {
    if (const int n = env_int(name)) return n;
  }
  return 1;
}

Shard shard(int64_t begin, int64_t end, int rank, int size) {
  NORSE_CHECK(size >= 1 && rank >= 0 && rank < size, InvalidArgument, "dist::shard", "rank ", rank, " is not in [0, ",
              size, ")");
  NORSE_CHECK(end >= begin, InvalidArgument, "dist::shard", "end ", end, " < begin ", begin);
  const int64_t n = end - begin, base = n / size, extra = n % size;
  const int64_t first = begin + rank * base + std::min<int64_t>(rank, extra);
  return {first, first + base + (rank < extra ? 1 : 0)};
}

Shard shard(int64_t begin, int64_t end, const Communicator* comm) {
  return comm != nullptr ? shard(begin, end, comm->rank(), comm->size()) : Shard{begin, end};
}

bool built_with_nccl() { return g_nccl_factory != nullptr; }

namespace detail {
void register_nccl(NcclFactory factory, NcclUniqueIdFn unique_id) {
  g_nccl_factory = factory;
  g_nccl_unique_id = unique_id;
}
NcclFactory nccl_factory() { return g_nccl_factory; }
NcclUniqueIdFn nccl_unique_id() { return g_nccl_unique_id; }
}  // namespace detail

}  // namespace dist
}  // namespace norse
