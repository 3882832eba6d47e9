// What a task's main needs to run as one rank of `mpirun -np N`: the World (MPI when launched by
// mpirun, one process otherwise), the thread count per rank, and errors that end every rank.
#ifndef NORSE_TASKS_RANKS_H_
#define NORSE_TASKS_RANKS_H_

#include <functional>
#include <memory>

#include "distributed/communicator.h"

namespace norse {
namespace tasks {

class Ranks {
 public:
  // `cuda`: gradients are cuda tensors (NCCL across ranks). `threads`: the --threads flag; 0
  // means the machine's cores divided among the ranks on it (a rank per core on a 2-core
  // machine with -np 2), so ranks do not oversubscribe the cores.
  Ranks(bool cuda, int threads);
  bool root() const { return world_->is_root(); }
  int rank() const { return world_->rank(); }
  int size() const { return world_->size(); }
  // The communicator to train with; null for a one-process run.
  dist::Communicator* communicator() { return size() > 1 ? &world_->communicator() : nullptr; }

  // Runs the task. A norse::Error is printed as "<task>: <message>" (with the rank when there are
  // several) and ends the run with status 1; with several ranks every rank is aborted, so none
  // waits for the failed one.
  int run(const char* task, const std::function<int()>& body);

 private:
  std::unique_ptr<dist::World> world_;
};

// Makes a Ranks or, when the launch itself is wrong (mpirun -np 2 on a build without MPI), prints
// why and returns null.
std::unique_ptr<Ranks> make_ranks(const char* task, bool cuda, int threads);

}  // namespace tasks
}  // namespace norse

#endif  // NORSE_TASKS_RANKS_H_
