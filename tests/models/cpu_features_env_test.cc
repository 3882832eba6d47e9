// A bad NORSE_CPU_AVX512 (core/cpu_features.h; this target runs with NORSE_CPU_AVX512=fast) is an
// InvalidArgument naming the variable and the value from every op that reads the CPU features,
// never a crash: the neuron loops and the event convolution read them through worth_streaming
// before their threads start (an exception cannot leave a parallel_for).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <functional>
#include <string>

#include "core/core.h"
#include "core/stream_copy.h"
#include "models/lif.h"

using namespace norse;

namespace {
void require_names_variable(const std::function<void()>& run) {
  try {
    run();
    FAIL("no exception");
  } catch (const InvalidArgument& e) {
    const std::string message = e.what();
    CAPTURE(message);
    REQUIRE(message.find("NORSE_CPU_AVX512") != std::string::npos);
    REQUIRE(message.find("'fast'") != std::string::npos);
  }
}
}  // namespace

TEST_CASE("a bad NORSE_CPU_AVX512 is an error naming it, from the ops that read it", "[core][cpu]") {
  const char* value = std::getenv("NORSE_CPU_AVX512");
  REQUIRE(value != nullptr);
  REQUIRE(std::string(value) == "fast");
  REQUIRE_FALSE(worth_streaming(kStreamingBytes - 4));  // small outputs do not ask
  require_names_variable([] { (void)worth_streaming(kStreamingBytes); });
  // A LIF sequence whose spikes are above the streaming threshold (12 x 180001 floats).
  require_names_variable([] { (void)lif::lif_sequence(Variable(full({12, 180001}, 0.3f)), {}, lif::Params{}); });
  require_names_variable([] { (void)max_pool2d(zeros({1, 1, 4, 4}), {2, 0, 0}); });
}
