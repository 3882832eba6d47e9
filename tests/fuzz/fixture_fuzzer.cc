// libFuzzer target: the conformance fixture reader (JSON) on arbitrary bytes. norse::Error is
// the expected answer to a bad fixture; a crash, a stack overflow, a sanitizer report or another
// exception type is a finding.
#include <cstdint>

#include "core/error.h"
#include "tests/conformance/fixture.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const norse::fuzz::MemoryFile file(data, size);
  try {
    norse::conformance::load_fixture(file.path());
  } catch (const norse::Error&) {
  }
  return 0;
}
