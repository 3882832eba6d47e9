// Small helpers shared by the task binaries.
#ifndef NORSE_TASKS_RUN_UTIL_H_
#define NORSE_TASKS_RUN_UTIL_H_

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/device_hooks.h"
#include "norse/version.h"

namespace norse {
namespace tasks {

// "m:ss" for a duration in seconds.
inline std::string format_duration(double seconds) {
  const int s = static_cast<int>(seconds + 0.5);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%d:%02d", s / 60, s % 60);
  return buf;
}

// A path given relative to where the user ran `bazel run` (BUILD_WORKING_DIRECTORY).
inline std::string user_path(const std::string& path) {
  if (path.empty() || path[0] == '/') return path;
  const char* cwd = std::getenv("BUILD_WORKING_DIRECTORY");
  return cwd ? std::string(cwd) + "/" + path : path;
}

// What --version prints: the library's version and whether the CUDA backend is linked.
inline std::string version_line() {
  const Version v = library_version();
  return "norse-cpp " + std::to_string(v.major) + "." + std::to_string(v.minor) + "." + std::to_string(v.patch) +
         (cuda_hooks() != nullptr ? " (CUDA backend linked)" : " (CPU only)");
}

// The report line of a data-parallel run (rank 0's view).
inline std::string data_parallel_line(int ranks, int64_t bytes_per_step, double communication_seconds,
                                      double train_seconds) {
  char buf[256];
  std::snprintf(buf, sizeof(buf),
                "data-parallel: %d ranks, %lld bytes all-reduced per step, rank 0 waited %.1f s of %.1f s of training "
                "(%.1f%%) for the all-reduce after backward",
                ranks, static_cast<long long>(bytes_per_step), communication_seconds, train_seconds,
                100.0 * communication_seconds / (train_seconds > 0 ? train_seconds : 1e-9));
  return buf;
}

}  // namespace tasks
}  // namespace norse

#endif  // NORSE_TASKS_RUN_UTIL_H_
