// Collective communication between the processes (ranks) of a data-parallel run.
//
// One process per rank; threads inside a rank as in a single-process run. The backends are the
// engines clusters already run, not a home-made protocol:
//   - MPI (Open MPI, MPICH) for host memory: found at build time (//third_party/mpi); a build
//     without it has only the single-process communicator;
//   - NCCL for cuda memory (a --config=cuda build with NCCL), bootstrapped through MPI;
//   - a single-process communicator (size 1) where no launcher started the program, so the
//     same training code runs with or without mpirun.
//
// Reductions are deterministic: the sum is taken in rank order, so a run with N ranks gives the
// same bits every time and every rank the same bits. MPI: with two ranks MPI_SUM (a + b == b + a
// exactly); with more, a user-defined sum declared non-commutative, which MPI must apply in rank
// order whatever algorithm it picks. That sum is slow for large buffers (Open MPI then cannot
// use its pipelined algorithms); NORSE_DIST_REDUCTION=mpi_sum trades the guarantee for MPI_SUM,
// whose association is a fixed function of the message size and rank count in Open MPI but is
// not promised by the MPI standard. NCCL: its ring, fixed for a fixed rank count.
//
// A collective that does not complete within the timeout (a rank died or hangs) throws
// DistributedError naming, where it can, the ranks that did not arrive; the caller aborts the job
// (World::abort) so that no rank is left waiting. MPI's own errors are returned, not fatal, and
// thrown as DistributedError naming the call.
#ifndef NORSE_DISTRIBUTED_COMMUNICATOR_H_
#define NORSE_DISTRIBUTED_COMMUNICATOR_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/tensor.h"

namespace norse {
namespace dist {

class DistributedError : public Error {
 public:
  using Error::Error;
};

class Communicator {
 public:
  virtual ~Communicator() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  // "single process", "mpi", "nccl".
  virtual std::string backend() const = 0;
  // Where the buffers of start_allreduce() and broadcast() live.
  virtual Device device() const = 0;

  // Starts summing `count` floats at `data` over all ranks, in place; the sum is there once
  // wait_all() returns. Every rank must start the same reductions in the same order.
  virtual void start_allreduce(float* data, int64_t count) = 0;
  // Lets started reductions progress (MPI progresses non-blocking collectives only inside MPI
  // calls); never blocks.
  virtual void progress() = 0;
  // Waits for every started reduction. Throws DistributedError after timeout_seconds(), naming
  // `what` and the ranks that did not take part.
  virtual void wait_all(const std::string& what) = 0;
  // Copies `count` floats at `data` from rank `root` to every rank (blocking).
  virtual void broadcast(float* data, int64_t count, int root, const std::string& what) = 0;
  // Sums host doubles over all ranks in place (blocking, rank order): counts, metrics.
  virtual void allreduce_sum(double* data, int64_t count, const std::string& what) = 0;

  // How long a collective may wait for the other ranks before it gives up (default 300 s;
  // the environment variable NORSE_DIST_TIMEOUT overrides the default).
  double timeout_seconds() const { return timeout_seconds_; }
  void set_timeout_seconds(double seconds);

 private:
  double timeout_seconds_ = default_timeout_seconds();
  static double default_timeout_seconds();
};

// The communicator this process was started with, set up once per process.
//   - Launched by mpirun (Open MPI's, MPICH's or a PMI launcher's environment): MPI is
//     initialised; size() is the number of ranks. A build without MPI throws DistributedError
//     saying so instead of running N unconnected copies.
//   - Otherwise: the single-process communicator (no MPI call is made).
// `cuda` asks for cuda-memory collectives: NCCL (one communicator per rank on its own stream,
// the rank's GPU chosen as local rank modulo the visible devices); throws DistributedError where
// the build has no NCCL or the process sees no GPU.
class World {
 public:
  explicit World(bool cuda = false);
  ~World();  // MPI_Finalize when this World initialised MPI
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  Communicator& communicator() { return *communicator_; }
  // Host-memory communicator (MPI or single process), also when `communicator()` is NCCL.
  Communicator& host() { return *host_; }
  int rank() const { return host_->rank(); }
  int size() const { return host_->size(); }
  bool is_root() const { return rank() == 0; }
  // Ends every rank of the job now (MPI_Abort; exit() in a single process). For a rank that
  // caught an error it cannot recover from: the others are not left waiting for it.
  [[noreturn]] void abort(int code);

 private:
  std::shared_ptr<Communicator> host_;
  std::shared_ptr<Communicator> communicator_;
  bool finalize_ = false;
};

// Whether MPI reductions of more than two ranks use the rank-ordered sum (NORSE_DIST_REDUCTION:
// "ordered", the default, or "mpi_sum"); throws InvalidArgument for another value.
bool reduction_is_ordered();
// Whether this build has MPI and NCCL.
bool built_with_mpi();
bool built_with_nccl();
// The number of ranks a launcher asked for, from its environment (1 when not launched by one).
int launched_ranks();

// This rank's part of the items [begin, end) of a global batch: contiguous, sizes differing
// by at most one (the first (end - begin) % size ranks take one more).
struct Shard {
  int64_t begin = 0, end = 0;
  int64_t count() const { return end - begin; }
};
Shard shard(int64_t begin, int64_t end, int rank, int size);
// This process's part of [begin, end) under `comm`; all of it without one (a one-process run).
Shard shard(int64_t begin, int64_t end, const Communicator* comm);

// The single-process communicator (size 1: every collective is the identity).
std::shared_ptr<Communicator> local_communicator(Device device = Device::kCPU);

namespace detail {
// How the CUDA build adds NCCL (registered by //distributed:nccl's static initialiser): builds a
// communicator for `rank` of `size` from NCCL's 128-byte unique id, on `gpu`.
using NcclFactory = std::shared_ptr<Communicator> (*)(int rank, int size, const std::vector<char>& unique_id, int gpu);
using NcclUniqueIdFn = std::vector<char> (*)();
void register_nccl(NcclFactory factory, NcclUniqueIdFn unique_id);
// The registered functions (null in a build without NCCL); for World and the NCCL test.
NcclFactory nccl_factory();
NcclUniqueIdFn nccl_unique_id();
}  // namespace detail

}  // namespace dist
}  // namespace norse

#endif  // NORSE_DISTRIBUTED_COMMUNICATOR_H_
