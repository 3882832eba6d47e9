// safetensors checkpoints: round trip, a file laid out by hand as Python writes it, strict
// loading errors, corrupt files, and atomic writes that survive a kill.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>

#include "core/core.h"
#include "tests/testing/gradcheck.h"

using namespace norse;

namespace {
std::string temp_path(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return std::string(dir ? dir : "/tmp") + "/" + name;
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// A safetensors file with this JSON header and `data_bytes` zero bytes of data.
std::string file_with_header(const std::string& name, const std::string& header, size_t data_bytes) {
  std::string bytes(8, '\0');
  const uint64_t n = header.size();
  std::memcpy(bytes.data(), &n, 8);
  const std::string path = temp_path(name);
  write_bytes(path, bytes + header + std::string(data_bytes, '\0'));
  return path;
}

std::string nested(int depth) {
  return std::string(static_cast<size_t>(depth), '[') + std::string(static_cast<size_t>(depth), ']');
}
}  // namespace

TEST_CASE("safetensors round trip with metadata", "[safetensors]") {
  Generator g(1);
  const NamedTensors tensors = {
      {"conv1.weight", randn({4, 1, 3, 3}, g)}, {"fc.bias", randn({10}, g)}, {"scalar", scalar_tensor(7)}};
  const std::string path = temp_path("roundtrip.safetensors");
  save_safetensors(path, tensors, {{"epoch", "3"}});
  const SafetensorsFile f = load_safetensors(path);
  REQUIRE(f.tensors.size() == 3);
  REQUIRE(f.metadata.at("epoch") == "3");
  for (const auto& [name, t] : tensors) {
    CAPTURE(name);
    REQUIRE(f.get(name).shape() == t.shape());
    REQUIRE(f.get(name).to_vector() == t.to_vector());
  }
  // Layout: 8-byte header length, JSON padded to 8 bytes, then the data.
  std::ifstream in(path, std::ios::binary);
  uint64_t header_size = 0;
  in.read(reinterpret_cast<char*>(&header_size), 8);
  REQUIRE(header_size % 8 == 0);
}

TEST_CASE("reads a file laid out as Python's safetensors writes it", "[safetensors]") {
  // {"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":{"dtype":"F32","shape":[1,1],"data_offsets":[8,12]}}
  const std::string header = R"({"__metadata__":{"format":"pt"},"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                             R"("a":{"dtype":"F32","shape":[1,1],"data_offsets":[8,12]}})";
  std::string bytes(8, '\0');
  const uint64_t n = header.size();
  std::memcpy(bytes.data(), &n, 8);
  bytes += header;
  const float values[3] = {1.5f, -2.0f, 42.0f};
  bytes.append(reinterpret_cast<const char*>(values), sizeof(values));
  const std::string path = temp_path("python.safetensors");
  write_bytes(path, bytes);
  const SafetensorsFile f = load_safetensors(path);
  REQUIRE(f.metadata.at("format") == "pt");
  REQUIRE(f.get("b").to_vector() == std::vector<float>{1.5f, -2.0f});
  REQUIRE(f.get("a").shape() == Shape{1, 1});
  REQUIRE(f.get("a").item() == 42.0f);
}

TEST_CASE("corrupt, truncated and foreign files give IoError with the details", "[safetensors][errors]") {
  const std::string path = temp_path("bad.safetensors");
  write_bytes(path, "abc");
  REQUIRE_THROWS_WITH(load_safetensors(path), Catch::Contains("shorter than the 8-byte header length"));
  std::string big(8, '\0');
  const uint64_t huge = 1 << 20;
  std::memcpy(big.data(), &huge, 8);
  write_bytes(path, big + "{}");
  REQUIRE_THROWS_WITH(load_safetensors(path), Catch::Contains("exceeds the file size"));
  // A tensor whose data runs past the end (truncated file).
  save_safetensors(path, {{"w", ones({100})}});
  std::ifstream in(path, std::ios::binary);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  write_bytes(path, all.substr(0, all.size() - 40));
  REQUIRE_THROWS_WITH(load_safetensors(path),
                      Catch::Contains("tensor 'w' ends at byte 400") && Catch::Contains("truncated"));
  // A dtype norse-cpp does not store.
  const std::string header = R"({"x":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}})";
  std::string bytes(8, '\0');
  const uint64_t n = header.size();
  std::memcpy(bytes.data(), &n, 8);
  write_bytes(path, bytes + header + std::string(8, '\0'));
  REQUIRE_THROWS_WITH(load_safetensors(path), Catch::Contains("tensor 'x' has dtype F64, expected F32"));
  REQUIRE_THROWS_AS(load_safetensors(temp_path("does-not-exist")), IoError);
}

TEST_CASE("load_into is strict about names and shapes", "[safetensors][errors]") {
  const std::string path = temp_path("strict.safetensors");
  save_safetensors(path, {{"w", ones({2, 3})}, {"extra", ones({1})}});
  const SafetensorsFile f = load_safetensors(path);
  Tensor w = zeros({2, 3}), b = zeros({4}), wrong = zeros({3, 2});
  REQUIRE_THROWS_WITH(
      load_into(f, {{"w", &w}, {"b", &b}}),
      Catch::Contains("missing tensor 'b' (expected shape [4])") && Catch::Contains("unexpected tensor 'extra'"));
  REQUIRE_THROWS_WITH(load_into(f, {{"w", &wrong}, {"extra", &b}}),
                      Catch::Contains("tensor 'w' has shape [2, 3], expected [3, 2]"));
  Tensor extra = zeros({1});
  load_into(f, {{"w", &w}, {"extra", &extra}});
  REQUIRE(w.to_vector() == std::vector<float>(6, 1.0f));
}

TEST_CASE("a checkpoint write killed midway leaves the previous checkpoint intact", "[safetensors][atomic]") {
  const std::string path = temp_path("atomic.safetensors");
  save_safetensors(path, {{"w", full({16}, 1.0f)}});
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // Rewrite a large checkpoint forever until killed.
    const Tensor big = full({1 << 22}, 2.0f);  // 16 MiB
    for (;;) save_safetensors(path, {{"w", big}});
  }
  usleep(150 * 1000);
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  REQUIRE(WIFSIGNALED(status));
  // Whatever moment it died at, the file is a complete checkpoint: the old one or a new one.
  const SafetensorsFile f = load_safetensors(path);
  const Tensor w = f.get("w");
  const bool old_one = w.numel() == 16 && w.to_vector() == std::vector<float>(16, 1.0f);
  const bool new_one = w.numel() == (1 << 22) && w.at({12345}) == 2.0f && w.at({(1 << 22) - 1}) == 2.0f;
  REQUIRE((old_one || new_one));
}

TEST_CASE("a save removes temporaries of killed writers, not of live ones", "[safetensors][atomic]") {
  const std::string path = temp_path("stale.safetensors");
  // A writer that died: a child process that exited (and was reaped) leaves its pid unused.
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) _exit(0);
  int status = 0;
  waitpid(child, &status, 0);
  const std::string dead = path + ".tmp-" + std::to_string(child);
  const std::string live = path + ".tmp-" + std::to_string(getppid());  // the test runner: alive
  const std::string other = path + ".tmp-notapid";
  for (const std::string& f : {dead, live, other}) std::ofstream(f) << "partial";
  save_safetensors(path, {{"w", full({4}, 1.0f)}});
  auto exists = [](const std::string& f) { return std::ifstream(f).good(); };
  REQUIRE_FALSE(exists(dead));
  REQUIRE(exists(live));
  REQUIRE(exists(other));
  REQUIRE(load_safetensors(path).get("w").numel() == 4);
  std::remove(live.c_str());
  std::remove(other.c_str());
}

// Issue 15, table rows 1-5: headers that crashed the reader, read out of bounds, or loaded a
// tensor larger than its data. Each now gets an IoError naming the file, tensor and field.
TEST_CASE("hostile safetensors headers give IoError, never a crash or a wrong tensor",
          "[safetensors][errors][reliability]") {
  SECTION("row 1: data_offsets with one element (read past the array; type_error abort)") {
    const std::string path = file_with_header("row1", R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0]}})", 4);
    REQUIRE_THROWS_AS(load_safetensors(path), IoError);
    REQUIRE_THROWS_WITH(load_safetensors(path),
                        Catch::Contains("tensor 'w'") && Catch::Contains("data_offsets must be an array [begin, end]"));
  }
  SECTION("row 2: a shape whose element count overflows to the data present") {
    // 2^62 + 1 rows x 4 wraps to 4 elements in 64 bits: 16 bytes "match".
    const std::string path =
        file_with_header("row2a", R"({"w":{"dtype":"F32","shape":[4611686018427387905,4],"data_offsets":[0,16]}})", 16);
    REQUIRE_THROWS_WITH(load_safetensors(path), Catch::Contains("tensor 'w' shape[0] must be an integer from 0 to"));
    // 2^32 x 2^32 wraps to 0 elements: it loaded as an empty tensor and sum() ran away.
    const std::string zero =
        file_with_header("row2b", R"({"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]}})", 0);
    REQUIRE_THROWS_AS(load_safetensors(zero), IoError);
    REQUIRE_THROWS_WITH(load_safetensors(zero),
                        Catch::Contains("exceeds") && Catch::Contains("[4294967296, 4294967296]"));
  }
  SECTION("row 3: fields of the wrong JSON type") {
    REQUIRE_THROWS_WITH(
        load_safetensors(file_with_header("row3a", R"({"w":{"dtype":1,"shape":[1],"data_offsets":[0,4]}})", 4)),
        Catch::Contains("tensor 'w' dtype must be a string, got 1"));
    REQUIRE_THROWS_WITH(
        load_safetensors(file_with_header("row3b", R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[]}})", 4)),
        Catch::Contains("data_offsets must be an array [begin, end]"));
    REQUIRE_THROWS_WITH(
        load_safetensors(file_with_header("row3c", R"({"w":{"dtype":"F32","shape":"1","data_offsets":[0,4]}})", 4)),
        Catch::Contains("tensor 'w' shape must be an array of sizes"));
    REQUIRE_THROWS_WITH(load_safetensors(file_with_header("row3d", R"({"w":[1,2]})", 4)),
                        Catch::Contains("tensor 'w'") && Catch::Contains("must be an object"));
    REQUIRE_THROWS_WITH(load_safetensors(file_with_header("row3e", R"({"__metadata__":3})", 0)),
                        Catch::Contains("'__metadata__' must be an object"));
    REQUIRE_THROWS_WITH(load_safetensors(file_with_header("row3f", R"([1,2,3])", 0)),
                        Catch::Contains("the header is not a JSON object"));
  }
  SECTION("row 4: a float offset (1e30 cast to an integer: undefined behaviour)") {
    REQUIRE_THROWS_WITH(
        load_safetensors(file_with_header("row4", R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[1e30,4]}})", 4)),
        Catch::Contains("data_offsets[0] must be a non-negative integer, got 1e+30"));
    REQUIRE_THROWS_WITH(
        load_safetensors(file_with_header("row4b", R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}})", 4)),
        Catch::Contains("data_offsets[0] must be a non-negative integer, got -4"));
  }
  SECTION("row 5: JSON nested 100,000 deep (stack overflow)") {
    const std::string deep = nested(100000);
    REQUIRE_THROWS_WITH(load_safetensors(file_with_header("row5a", "{\"__metadata__\":{\"k\":" + deep + "}}", 0)),
                        Catch::Contains("nested deeper than 64 levels"));
    REQUIRE_THROWS_WITH(load_safetensors(file_with_header("row5b", "{\"w\":" + deep + "}", 0)),
                        Catch::Contains("nested deeper than 64 levels"));
    // Brackets inside strings do not count.
    const std::string path = file_with_header("row5c", "{\"__metadata__\":{\"k\":\"" + deep + "\"}}", 0);
    REQUIRE(load_safetensors(path).metadata.at("k") == deep);
  }
}

TEST_CASE("shape arithmetic is overflow-checked", "[shape][errors][reliability]") {
  const int64_t big = int64_t{1} << 32;
  REQUIRE_THROWS_AS(shape_numel({big, big}), InvalidArgument);
  REQUIRE_THROWS_WITH(shape_numel({big, big}), Catch::Contains("element count of [4294967296, 4294967296] exceeds"));
  REQUIRE_THROWS_AS(Tensor::empty({big, big, 4}), InvalidArgument);
  REQUIRE_THROWS_AS(zeros({int64_t{1} << 60}), InvalidArgument);
  // Zero elements, but strides beyond 64 bits.
  REQUIRE_THROWS_AS(contiguous_strides({0, big, big}), InvalidArgument);
  REQUIRE(shape_numel({0, big}) == 0);
  REQUIRE(shape_numel({kMaxNumel}) == kMaxNumel);
  REQUIRE_THROWS_AS(ones({6}).view({big, big, 0}), ShapeError);
}
