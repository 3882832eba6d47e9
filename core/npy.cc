#include "core/npy.h"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <vector>

#include "core/error.h"

namespace norse {
namespace {

// The value of `key` in the header's Python dict literal, e.g. 'descr': '<f4' -> "<f4".
std::string header_value(const std::string& header, const std::string& key, const std::string& path) {
  const size_t k = header.find("'" + key + "'");
  NORSE_CHECK(k != std::string::npos, IoError, "load_npy", path, ": header has no '", key, "': ", header);
  size_t v = header.find(':', k);
  NORSE_CHECK(v != std::string::npos, IoError, "load_npy", path, ": malformed header: ", header);
  ++v;
  while (v < header.size() && header[v] == ' ') ++v;
  size_t end = v;
  if (v < header.size() && header[v] == '(') {
    end = header.find(')', v);
    NORSE_CHECK(end != std::string::npos, IoError, "load_npy", path, ": malformed shape in header: ", header);
    return header.substr(v, end - v + 1);
  }
  if (v < header.size() && header[v] == '\'') {
    end = header.find('\'', v + 1);
    NORSE_CHECK(end != std::string::npos, IoError, "load_npy", path, ": malformed header: ", header);
    return header.substr(v + 1, end - v - 1);
  }
  while (end < header.size() && header[end] != ',' && header[end] != '}') ++end;
  return header.substr(v, end - v);
}

Shape parse_shape(const std::string& text, const std::string& path) {
  Shape shape;
  int64_t numel = 1;
  std::string inner = text.substr(1, text.size() - 2);
  std::stringstream s(inner);
  std::string item;
  while (std::getline(s, item, ',')) {
    size_t a = item.find_first_not_of(' '), b = item.find_last_not_of(' ');
    if (a == std::string::npos) continue;
    item = item.substr(a, b - a + 1);
    NORSE_CHECK(!item.empty() && item.find_first_not_of("0123456789") == std::string::npos && item.size() <= 15,
                IoError, "load_npy", path, ": bad dimension '", item, "' in shape ", text);
    const int64_t d = std::stoll(item);
    NORSE_CHECK(d == 0 || numel <= kMaxNumel / d, IoError, "load_npy", path, ": shape ", text, " is too large");
    numel *= d;
    shape.push_back(d);
  }
  return shape;
}

template <class T>
void convert(const char* data, size_t n, float* out) {
  for (size_t k = 0; k < n; ++k) {
    T v;
    std::memcpy(&v, data + k * sizeof(T), sizeof(T));
    out[k] = static_cast<float>(v);
  }
}

}  // namespace

Tensor load_npy(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  NORSE_CHECK(f.good(), IoError, "load_npy", "cannot open '", path, "'");
  const std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  NORSE_CHECK(bytes.size() >= 10 && bytes.compare(0, 6, "\x93NUMPY") == 0, IoError, "load_npy", path,
              ": not a .npy file (no \\x93NUMPY magic)");
  const int major = static_cast<unsigned char>(bytes[6]);
  NORSE_CHECK(major >= 1 && major <= 3, IoError, "load_npy", path, ": unsupported format version ", major);
  size_t header_len = 0, offset = 0;
  if (major == 1) {
    header_len =
        static_cast<unsigned char>(bytes[8]) | (static_cast<size_t>(static_cast<unsigned char>(bytes[9])) << 8);
    offset = 10;
  } else {
    NORSE_CHECK(bytes.size() >= 12, IoError, "load_npy", path, ": truncated header");
    for (int k = 0; k < 4; ++k) header_len |= static_cast<size_t>(static_cast<unsigned char>(bytes[8 + k])) << (8 * k);
    offset = 12;
  }
  NORSE_CHECK(offset + header_len <= bytes.size(), IoError, "load_npy", path, ": header length ", header_len,
              " runs past the end of the file (", bytes.size(), " bytes)");
  const std::string header = bytes.substr(offset, header_len);
  const std::string descr = header_value(header, "descr", path);
  const std::string order = header_value(header, "fortran_order", path);
  NORSE_CHECK(order.find("False") != std::string::npos, IoError, "load_npy", path,
              ": Fortran-order arrays are not supported (save with np.ascontiguousarray)");
  const Shape shape = parse_shape(header_value(header, "shape", path), path);
  NORSE_CHECK(descr.size() >= 3 && (descr[0] == '<' || descr[0] == '|'), IoError, "load_npy", path, ": dtype '", descr,
              "' is not little-endian");
  const std::string kind = descr.substr(1);
  const size_t n = static_cast<size_t>(shape_numel(shape));
  size_t item = 0;
  if (kind == "f4" || kind == "i4" || kind == "u4") item = 4;
  if (kind == "f8" || kind == "i8" || kind == "u8") item = 8;
  if (kind == "i2" || kind == "u2") item = 2;
  if (kind == "b1" || kind == "i1" || kind == "u1") item = 1;
  NORSE_CHECK(item > 0, IoError, "load_npy", path, ": dtype '", descr,
              "' is not supported (float32/64, bool, int and uint of 8-64 bits)");
  const size_t data = offset + header_len;
  NORSE_CHECK(bytes.size() - data == n * item, IoError, "load_npy", path, ": shape ", shape_to_string(shape), " of ",
              descr, " needs ", n * item, " data bytes, the file has ", bytes.size() - data);
  Tensor out = Tensor::empty(shape);
  const char* p = bytes.data() + data;
  float* o = out.data();
  if (kind == "f4") convert<float>(p, n, o);
  if (kind == "f8") convert<double>(p, n, o);
  if (kind == "i1") convert<int8_t>(p, n, o);
  if (kind == "u1" || kind == "b1") convert<uint8_t>(p, n, o);
  if (kind == "i2") convert<int16_t>(p, n, o);
  if (kind == "u2") convert<uint16_t>(p, n, o);
  if (kind == "i4") convert<int32_t>(p, n, o);
  if (kind == "u4") convert<uint32_t>(p, n, o);
  if (kind == "i8") convert<int64_t>(p, n, o);
  if (kind == "u8") convert<uint64_t>(p, n, o);
  return out;
}

void save_npy(const std::string& path, const Tensor& tensor) {
  const Tensor t = tensor.to(Device::kCPU).contiguous();
  std::string shape = "(";
  for (size_t k = 0; k < t.shape().size(); ++k) shape += std::to_string(t.shape()[k]) + ", ";
  if (t.shape().size() > 1) shape.resize(shape.size() - 2);
  if (t.shape().size() == 1) shape.resize(shape.size() - 1);
  shape += ")";
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
  // Magic (6) + version (2) + length (2) + header + '\n', padded with spaces to a multiple of 64.
  const size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::ofstream f(path, std::ios::binary);
  NORSE_CHECK(f.good(), IoError, "save_npy", "cannot create '", path, "'");
  const char preamble[10] = {'\x93',
                             'N',
                             'U',
                             'M',
                             'P',
                             'Y',
                             1,
                             0,
                             static_cast<char>(header.size() & 0xff),
                             static_cast<char>(header.size() >> 8)};
  f.write(preamble, 10);
  f.write(header.data(), static_cast<std::streamsize>(header.size()));
  f.write(reinterpret_cast<const char*>(t.data()), static_cast<std::streamsize>(t.numel() * sizeof(float)));
  NORSE_CHECK(f.good(), IoError, "save_npy", "cannot write '", path, "'");
}

}  // namespace norse
