// libFuzzer target: the IDX image and label readers (plain or gzip: zlib tells them apart) on
// arbitrary bytes. norse::Error is the expected answer to a bad file; anything else is a finding,
// including std::bad_alloc from allocating what a header claims (libFuzzer's -malloc_limit_mb).
#include <cstdint>
#include <cstdlib>

#include "core/error.h"
#include "tasks/idx.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const norse::fuzz::MemoryFile file(data, size);
  try {
    norse::data::read_idx_images(file.path());
  } catch (const norse::Error&) {
  }
  try {
    norse::data::read_idx_labels(file.path());
  } catch (const norse::Error&) {
  }
  return 0;
}
