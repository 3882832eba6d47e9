// IDX/MNIST reader: the bundled subset, plain and gzipped files, and every error it names.
#include <catch2/catch.hpp>

#include <zlib.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "core/core.h"
#include "tasks/idx.h"

using namespace norse;

namespace {
std::string tmp(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return std::string(dir ? dir : "/tmp") + "/" + name;
}
void write(const std::string& path, const std::string& bytes, bool gz) {
  if (gz) {
    gzFile f = gzopen(path.c_str(), "wb");
    gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(f);
  } else {
    std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
}
std::string be32(uint32_t v) {
  return std::string{static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
                     static_cast<char>(v)};
}
}  // namespace

TEST_CASE("the bundled MNIST subset loads: 8000 + 2000 real digits", "[idx]") {
  const data::Dataset train = data::load_mnist("tasks/data/mnist", "train");
  const data::Dataset test = data::load_mnist("tasks/data/mnist", "t10k");
  REQUIRE(train.images.shape() == Shape{8000, 28, 28});
  REQUIRE(train.labels.shape() == Shape{8000});
  REQUIRE(test.images.shape() == Shape{2000, 28, 28});
  // The README's class counts.
  std::vector<int> counts(10, 0);
  for (float l : train.labels.to_vector()) ++counts[static_cast<size_t>(l)];
  REQUIRE(counts == std::vector<int>{820, 899, 801, 856, 762, 677, 806, 867, 727, 785});
  // Pixels in [0, 1]; a digit has ink in the middle and none in the corner.
  const Tensor first = train.images.select(0, 0);
  REQUIRE(first.at({0, 0}) == 0.0f);
  REQUIRE(max(first.reshape({784}), 0).values.item() > 0.9f);
}

TEST_CASE("plain and gzipped IDX files read the same", "[idx]") {
  const std::string images =
      be32(0x803) + be32(2) + be32(2) + be32(3) + std::string("\x00\x10\x20\x30\x40\xff\x01\x02\x03\x04\x05\x06", 12);
  write(tmp("a-images"), images, false);
  write(tmp("b-images.gz"), images, true);
  const Tensor a = data::read_idx_images(tmp("a-images"));
  const Tensor b = data::read_idx_images(tmp("b-images.gz"));
  REQUIRE(a.shape() == Shape{2, 2, 3});
  REQUIRE(a.to_vector() == b.to_vector());
  REQUIRE(a.at({0, 1, 2}) == 1.0f);
  REQUIRE(a.at({0, 0, 1}) == Approx(16.0f / 255.0f));
}

TEST_CASE("IDX errors: wrong magic, truncation, count mismatch", "[idx][errors]") {
  write(tmp("magic"), be32(0x801) + be32(1) + be32(2) + be32(2) + std::string(4, '\0'), true);
  REQUIRE_THROWS_WITH(data::read_idx_images(tmp("magic")), Catch::Contains("has magic number 2049, expected 2051"));
  write(tmp("short"), be32(0x803) + be32(3) + be32(2) + be32(2) + std::string(5, '\0'), true);
  REQUIRE_THROWS_WITH(data::read_idx_images(tmp("short")),
                      Catch::Contains("is truncated: its header claims 12 bytes of pixels, the file holds 5"));
  REQUIRE_THROWS_AS(data::read_idx_labels(tmp("nope")), IoError);
  // 2 images, 3 labels.
  const std::string dir = tmp("");
  write(dir + "/bad-images-idx3-ubyte.gz", be32(0x803) + be32(2) + be32(1) + be32(1) + std::string(2, '\0'), true);
  write(dir + "/bad-labels-idx1-ubyte.gz", be32(0x801) + be32(3) + std::string(3, '\0'), true);
  REQUIRE_THROWS_WITH(data::load_mnist(dir, "bad"),
                      Catch::Contains("holds 2 images but") && Catch::Contains("holds 3 labels"));
  REQUIRE_THROWS_WITH(data::load_mnist(dir, "missing"), Catch::Contains("MNIST file not found"));
}

// Issue 15, table row 6: headers that claim far more than the file holds. The reader must say
// "truncated" after reading what is there, never allocate the claimed size first (2^32 images
// of 4096 x 4096 would be 2^56 bytes; 2^32 labels 4 GB) nor let std::bad_alloc escape.
TEST_CASE("IDX headers claiming huge sizes: IoError, no allocation of the claim", "[idx][errors][reliability]") {
  for (const bool gz : {false, true}) {
    CAPTURE(gz);
    write(tmp("huge-images"), be32(0x803) + be32(0xFFFFFFFFu) + be32(4096) + be32(4096), gz);
    REQUIRE_THROWS_WITH(
        data::read_idx_images(tmp("huge-images")),
        Catch::Contains("claims 4294967295 images of 4096 x 4096") && Catch::Contains("more than the reader's limit"));
    // Under the limit but absent: 2^16 images of 256 x 256 (4 GiB claimed, 16 bytes present).
    write(tmp("big-images"), be32(0x803) + be32(1u << 16) + be32(256) + be32(256) + std::string(16, '\x7f'), gz);
    REQUIRE_THROWS_WITH(
        data::read_idx_images(tmp("big-images")),
        Catch::Contains("is truncated: its header claims 4294967296 bytes of pixels, the file holds 16"));
    write(tmp("huge-labels"), be32(0x801) + be32(0xFFFFFFFFu), gz);
    REQUIRE_THROWS_WITH(
        data::read_idx_labels(tmp("huge-labels")),
        Catch::Contains("is truncated: its header claims 4294967295 bytes of labels, the file holds 0"));
    // The live heap stays small: nothing of the claimed size was ever allocated as a tensor.
    REQUIRE(Storage::live_bytes() < (int64_t{1} << 26));
  }
  // Zero-sized images and an implausible size are refused by name.
  write(tmp("zero-rows"), be32(0x803) + be32(1) + be32(0) + be32(28), false);
  REQUIRE_THROWS_WITH(data::read_idx_images(tmp("zero-rows")), Catch::Contains("implausible image size 0 x 28"));
}
