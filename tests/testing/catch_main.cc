// The main() of every Catch2 test binary. Besides Catch2's own report it counts test cases as
// passed, failed or skipped (NORSE_SKIP) and ends with one machine-readable line,
//   NORSE_TEST_SUMMARY passed=<n> failed=<m> skipped=<k>
// which tools/test.sh adds up over all test targets.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdio>
#include <string>

#include "tests/testing/skip.h"

namespace norse {
namespace testing {
namespace {
std::string g_skip_reason;
int g_passed = 0, g_failed = 0, g_skipped = 0;
}  // namespace

void mark_skipped(const std::string& reason) { g_skip_reason = reason.empty() ? "(no reason)" : reason; }
const std::string& skip_reason() { return g_skip_reason; }
void reset_skip() { g_skip_reason.clear(); }

class CountingListener : public Catch::TestEventListenerBase {
 public:
  using Catch::TestEventListenerBase::TestEventListenerBase;

  void testCaseStarting(const Catch::TestCaseInfo&) override { reset_skip(); }

  void testCaseEnded(const Catch::TestCaseStats& stats) override {
    if (stats.totals.assertions.failed > 0) {
      ++g_failed;
    } else if (!skip_reason().empty()) {
      ++g_skipped;
      std::printf("SKIPPED %s: %s\n", stats.testInfo.name.c_str(), skip_reason().c_str());
    } else {
      ++g_passed;
    }
  }
};

}  // namespace testing
}  // namespace norse

using norse::testing::CountingListener;
CATCH_REGISTER_LISTENER(CountingListener)

int main(int argc, char** argv) {
  const int result = Catch::Session().run(argc, argv);
  std::printf("NORSE_TEST_SUMMARY passed=%d failed=%d skipped=%d\n", norse::testing::g_passed, norse::testing::g_failed,
              norse::testing::g_skipped);
  std::fflush(stdout);
  return result;
}
