// Small helpers shared by the task binaries.
#ifndef NORSE_TASKS_RUN_UTIL_H_
#define NORSE_TASKS_RUN_UTIL_H_

#include <cstdio>
#include <cstdlib>
#include <string>

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

}  // namespace tasks
}  // namespace norse

#endif  // NORSE_TASKS_RUN_UTIL_H_
