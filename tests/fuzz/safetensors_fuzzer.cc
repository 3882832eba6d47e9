// libFuzzer target: load_safetensors on arbitrary bytes. An IoError (any norse::Error) is the
// expected answer to a bad file; a crash, a sanitizer report, an escaping non-norse exception or
// an allocation beyond libFuzzer's -rss_limit_mb is a finding. A file that loads is checked for
// consistency: every tensor's element count fits the bytes the file holds.
#include <cstdint>
#include <cstdlib>

#include "core/error.h"
#include "core/safetensors.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const norse::fuzz::MemoryFile file(data, size);
  try {
    const norse::SafetensorsFile f = norse::load_safetensors(file.path());
    for (const auto& [name, t] : f.tensors) {
      if (static_cast<uint64_t>(t.numel()) * sizeof(float) > size) std::abort();  // a tensor larger than its file
    }
  } catch (const norse::Error&) {
  }
  return 0;
}
