// NumPy .npy files: round trip, files laid out as numpy writes them, and bad files.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <string>

#include "core/core.h"

using namespace norse;
using Catch::Contains;

namespace {
std::string temp(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return std::string(dir != nullptr ? dir : "/tmp") + "/" + name;
}
// A .npy v1.0 file as numpy's np.save lays it out: the header padded with spaces to 64 bytes.
std::string npy_bytes(const std::string& descr, const std::string& shape, const std::string& data,
                      const std::string& order = "False") {
  std::string header = "{'descr': '" + descr + "', 'fortran_order': " + order + ", 'shape': " + shape + ", }";
  header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');
  header += '\n';
  std::string out = "\x93NUMPY";
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>(header.size() >> 8);
  return out + header + data;
}
void write(const std::string& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }
}  // namespace

TEST_CASE("npy: save and load round trip float32 of any rank", "[npy]") {
  Generator g(1);
  for (const Shape& shape : {Shape{}, Shape{5}, Shape{3, 4}, Shape{2, 3, 4, 2}, Shape{0, 3}}) {
    const Tensor t = randn(shape, g);
    save_npy(temp("rt.npy"), t);
    const Tensor back = load_npy(temp("rt.npy"));
    REQUIRE(back.shape() == shape);
    REQUIRE(back.to_vector() == t.to_vector());
  }
}

TEST_CASE("npy: files as numpy writes them, every numeric dtype", "[npy]") {
  const double d[3] = {1.5, -2.25, 1e10};
  write(temp("f8.npy"), npy_bytes("<f8", "(3,)", std::string(reinterpret_cast<const char*>(d), sizeof d)));
  REQUIRE(load_npy(temp("f8.npy")).to_vector() == std::vector<float>{1.5f, -2.25f, 1e10f});
  write(temp("b1.npy"), npy_bytes("|b1", "(2, 2)", std::string("\x01\x00\x00\x01", 4)));
  const Tensor b = load_npy(temp("b1.npy"));
  REQUIRE(b.shape() == Shape({2, 2}));
  REQUIRE(b.to_vector() == std::vector<float>{1, 0, 0, 1});
  const int64_t i[2] = {-7, 300};
  write(temp("i8.npy"), npy_bytes("<i8", "(2,)", std::string(reinterpret_cast<const char*>(i), sizeof i)));
  REQUIRE(load_npy(temp("i8.npy")).to_vector() == std::vector<float>{-7, 300});
}

TEST_CASE("npy: bad files name the file and the problem", "[npy]") {
  write(temp("text.npy"), "hello");
  REQUIRE_THROWS_WITH(load_npy(temp("text.npy")), Contains("text.npy") && Contains("not a .npy file"));
  write(temp("short.npy"), npy_bytes("<f4", "(4,)", std::string(8, '\0')));
  REQUIRE_THROWS_WITH(load_npy(temp("short.npy")), Contains("needs 16 data bytes, the file has 8"));
  write(temp("fortran.npy"), npy_bytes("<f4", "(1,)", std::string(4, '\0'), "True"));
  REQUIRE_THROWS_WITH(load_npy(temp("fortran.npy")), Contains("Fortran-order"));
  write(temp("big.npy"), npy_bytes(">f4", "(1,)", std::string(4, '\0')));
  REQUIRE_THROWS_WITH(load_npy(temp("big.npy")), Contains("not little-endian"));
  write(temp("obj.npy"), npy_bytes("|O", "(1,)", std::string(8, '\0')));
  REQUIRE_THROWS_AS(load_npy(temp("obj.npy")), IoError);
  std::string cut = npy_bytes("<f4", "(1,)", std::string(4, '\0'));
  write(temp("cut.npy"), cut.substr(0, 40));
  REQUIRE_THROWS_WITH(load_npy(temp("cut.npy")), Contains("runs past the end"));
  REQUIRE_THROWS_WITH(load_npy(temp("absent.npy")), Contains("cannot open"));
}
