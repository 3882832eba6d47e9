// Shared by the fuzz targets: the fuzzer's bytes as a file that the real readers open by path
// (an anonymous in-memory file, /proc/self/fd/N: no disk traffic, nothing left behind).
#ifndef NORSE_TESTS_FUZZ_FUZZ_INPUT_H_
#define NORSE_TESTS_FUZZ_FUZZ_INPUT_H_

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>

namespace norse {
namespace fuzz {

class MemoryFile {
 public:
  MemoryFile(const uint8_t* data, size_t size) : fd_(memfd_create("norse-fuzz", 0)) {
    if (fd_ < 0) std::abort();  // the harness itself is broken, not the reader
    size_t done = 0;
    while (done < size) {
      const ssize_t n = ::write(fd_, data + done, size - done);
      if (n <= 0) std::abort();
      done += static_cast<size_t>(n);
    }
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  ~MemoryFile() { ::close(fd_); }
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  int fd_;
  std::string path_;
};

}  // namespace fuzz
}  // namespace norse

#endif  // NORSE_TESTS_FUZZ_FUZZ_INPUT_H_
