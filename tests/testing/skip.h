// Honest skips for Catch2 2.13, which has no SKIP: a test calls NORSE_SKIP("reason") and the
// runner (tests/testing/catch_main.cc) reports it as skipped, with the reason, never as passed.
#ifndef NORSE_TESTS_TESTING_SKIP_H_
#define NORSE_TESTS_TESTING_SKIP_H_

#include <string>

namespace norse {
namespace testing {

void mark_skipped(const std::string& reason);
// The reason the current test case was skipped, or empty.
const std::string& skip_reason();
void reset_skip();

}  // namespace testing
}  // namespace norse

// Marks the current test case skipped and returns from it.
#define NORSE_SKIP(reason)                  \
  do {                                      \
    ::norse::testing::mark_skipped(reason); \
    return;                                 \
  } while (false)

#endif  // NORSE_TESTS_TESTING_SKIP_H_
