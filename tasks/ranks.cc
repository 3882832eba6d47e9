#include "tasks/ranks.h"

#include <cstdio>
#include <cstdlib>
#include <thread>

#include "core/parallel.h"

namespace norse {
namespace tasks {

namespace {
// Ranks on this machine, from the launcher (Open MPI, MPICH); 1 without one.
int ranks_on_this_machine() {
  for (const char* name : {"OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS"}) {
    const char* v = std::getenv(name);
    if (v != nullptr && std::atoi(v) > 0) return std::atoi(v);
  }
  return 1;
}
}  // namespace

Ranks::Ranks(bool cuda, int threads) : world_(std::make_unique<dist::World>(cuda)) {
  if (threads > 0) {
    set_num_threads(threads);
  } else if (const int local = ranks_on_this_machine(); local > 1) {
    const int cores = static_cast<int>(std::thread::hardware_concurrency());
    set_num_threads(std::max(1, cores / local));
  }
}

int Ranks::run(const char* task, const std::function<int()>& body) {
  try {
    return body();
  } catch (const Error& e) {
    if (size() > 1) {
      std::fprintf(stderr, "%s: rank %d of %d: %s\n", task, rank(), size(), e.what());
      world_->abort(1);
    }
    std::fprintf(stderr, "%s: %s\n", task, e.what());
    return 1;
  }
}

std::unique_ptr<Ranks> make_ranks(const char* task, bool cuda, int threads) {
  try {
    return std::make_unique<Ranks>(cuda, threads);
  } catch (const Error& e) {
    std::fprintf(stderr, "%s: %s\n", task, e.what());
    return nullptr;
  }
}

}  // namespace tasks
}  // namespace norse
