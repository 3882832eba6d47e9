// Small helpers shared by the task binaries.
#ifndef NORSE_TASKS_RUN_UTIL_H_
#define NORSE_TASKS_RUN_UTIL_H_

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

}  // namespace tasks
}  // namespace norse

#endif  // NORSE_TASKS_RUN_UTIL_H_
