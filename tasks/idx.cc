#include "tasks/idx.h"

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/error.h"

namespace norse {
namespace data {
namespace {

constexpr uint32_t kImagesMagic = 0x00000803;  // uint8, 3 dimensions
constexpr uint32_t kLabelsMagic = 0x00000801;  // uint8, 1 dimension
// 4 GiB of pixels (16 GiB as float32): far above every IDX data set (full MNIST: 47 MB, EMNIST:
// 0.7 GB), and a bound on what a gzip bomb can make the reader hold.
constexpr uint64_t kMaxIdxBytes = uint64_t{1} << 32;

struct GzCloser {
  void operator()(gzFile_s* f) const { gzclose(f); }
};
using GzFile = std::unique_ptr<gzFile_s, GzCloser>;

GzFile open(const std::string& path) {
  GzFile f(gzopen(path.c_str(), "rb"));
  if (!f) throw IoError(str_cat("cannot open IDX file ", path));
  return f;
}

void read_exact(gzFile_s* f, void* dst, size_t bytes, const std::string& path, const char* what) {
  size_t done = 0;
  while (done < bytes) {
    const unsigned chunk = static_cast<unsigned>(std::min<size_t>(bytes - done, 1u << 30));
    const int n = gzread(f, static_cast<char*>(dst) + done, chunk);
    if (n < 0) {
      int code = 0;
      throw IoError(str_cat("IDX file ", path, ": read error in ", what, ": ", gzerror(f, &code)));
    }
    if (n == 0) {
      throw IoError(str_cat("IDX file ", path, " is truncated: expected ", bytes, " bytes of ", what, ", got ", done));
    }
    done += static_cast<size_t>(n);
  }
}

// Reads `bytes` bytes of `what`, growing the buffer only as data actually arrives (each read
// asks for at most as much again as has arrived, at least 64 KiB): a header that claims more
// than the file holds gets the "truncated" error after reading what is there, and the buffer
// never exceeds twice the data present plus 64 KiB, whatever the header claims.
std::vector<unsigned char> read_claimed(gzFile_s* f, uint64_t bytes, const std::string& path, const char* what) {
  constexpr uint64_t kFirstChunk = uint64_t{1} << 16;
  std::vector<unsigned char> out;
  while (out.size() < bytes) {
    const size_t done = out.size();
    const size_t chunk = static_cast<size_t>(
        std::min<uint64_t>({bytes - done, std::max<uint64_t>(kFirstChunk, done), uint64_t{1} << 30}));
    out.resize(done + chunk);
    const int n = gzread(f, out.data() + done, static_cast<unsigned>(chunk));
    if (n < 0) {
      int code = 0;
      throw IoError(str_cat("IDX file ", path, ": read error in ", what, ": ", gzerror(f, &code)));
    }
    out.resize(done + static_cast<size_t>(n));
    if (n == 0) {
      throw IoError(str_cat("IDX file ", path, " is truncated: its header claims ", bytes, " bytes of ", what,
                            ", the file holds ", done));
    }
  }
  return out;
}

uint32_t read_be32(gzFile_s* f, const std::string& path, const char* what) {
  unsigned char b[4];
  read_exact(f, b, 4, path, what);
  return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | uint32_t{b[3]};
}

void check_magic(uint32_t magic, uint32_t expected, const std::string& path) {
  NORSE_CHECK(magic == expected, IoError, "IDX", "file ", path, " has magic number ", magic, ", expected ", expected,
              expected == kImagesMagic ? " (uint8 images)" : " (uint8 labels)");
}

std::string existing(const std::string& base) {
  for (const std::string& candidate : {base + ".gz", base}) {
    if (GzFile f{gzopen(candidate.c_str(), "rb")}) return candidate;
  }
  throw IoError(str_cat("MNIST file not found: ", base, "(.gz)"));
}

}  // namespace

Tensor read_idx_images(const std::string& path) {
  GzFile f = open(path);
  check_magic(read_be32(f.get(), path, "the header"), kImagesMagic, path);
  const uint32_t n = read_be32(f.get(), path, "the header");
  const uint32_t rows = read_be32(f.get(), path, "the header");
  const uint32_t cols = read_be32(f.get(), path, "the header");
  NORSE_CHECK(rows > 0 && cols > 0 && rows <= 4096 && cols <= 4096, IoError, "IDX", "file ", path,
              " has implausible image size ", rows, " x ", cols);
  const uint64_t claimed = uint64_t{n} * rows * cols;  // < 2^56: no overflow
  NORSE_CHECK(claimed <= kMaxIdxBytes, IoError, "IDX", "file ", path, " claims ", n, " images of ", rows, " x ", cols,
              " (", claimed, " bytes), more than the reader's limit of ", kMaxIdxBytes, " bytes");
  const std::vector<unsigned char> bytes = read_claimed(f.get(), claimed, path, "pixels");
  Tensor images = Tensor::empty({n, rows, cols});
  float* dst = images.data();
  for (size_t k = 0; k < bytes.size(); ++k) dst[k] = static_cast<float>(bytes[k]) / 255.0f;
  return images;
}

Tensor read_idx_labels(const std::string& path) {
  GzFile f = open(path);
  check_magic(read_be32(f.get(), path, "the header"), kLabelsMagic, path);
  const uint32_t n = read_be32(f.get(), path, "the header");
  const std::vector<unsigned char> bytes = read_claimed(f.get(), n, path, "labels");
  Tensor labels = Tensor::empty({n});
  for (size_t k = 0; k < bytes.size(); ++k) labels.data()[k] = static_cast<float>(bytes[k]);
  return labels;
}

Dataset load_mnist(const std::string& dir, const std::string& prefix) {
  const std::string images_path = existing(dir + "/" + prefix + "-images-idx3-ubyte");
  const std::string labels_path = existing(dir + "/" + prefix + "-labels-idx1-ubyte");
  Dataset d{read_idx_images(images_path), read_idx_labels(labels_path)};
  NORSE_CHECK(d.images.size(0) == d.labels.size(0), IoError, "load_mnist", images_path, " holds ", d.images.size(0),
              " images but ", labels_path, " holds ", d.labels.size(0), " labels");
  for (float label : d.labels.to_vector()) {
    NORSE_CHECK(label >= 0.0f && label <= 9.0f, IoError, "load_mnist", labels_path, " holds label ", label,
                ", expected 0 to 9");
  }
  return d;
}

}  // namespace data
}  // namespace norse
