#include "tasks/png.h"

#include <zlib.h>

#include <fstream>

#include "core/error.h"

namespace norse {
namespace png {
namespace {

void put32(std::string& out, uint32_t v) {
  out += static_cast<char>(v >> 24);
  out += static_cast<char>(v >> 16);
  out += static_cast<char>(v >> 8);
  out += static_cast<char>(v);
}

// A PNG chunk: length, type, data, CRC over type and data.
void chunk(std::string& out, const char* type, const std::string& data) {
  put32(out, static_cast<uint32_t>(data.size()));
  const std::string body = std::string(type, 4) + data;
  out += body;
  put32(out, static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()))));
}

}  // namespace

void write(const std::string& path, int width, int height, int channels, const std::vector<uint8_t>& pixels) {
  NORSE_CHECK(width > 0 && height > 0 && (channels == 1 || channels == 3), InvalidArgument, "png::write",
              "invalid image ", width, "x", height, "x", channels);
  NORSE_CHECK(pixels.size() == static_cast<size_t>(width) * height * channels, InvalidArgument, "png::write",
              "expected ", static_cast<size_t>(width) * height * channels, " bytes, got ", pixels.size());
  // Each row is prefixed with filter type 0 (none).
  std::string raw;
  for (int y = 0; y < height; ++y) {
    raw += '\0';
    raw.append(reinterpret_cast<const char*>(pixels.data()) + static_cast<size_t>(y) * width * channels,
               static_cast<size_t>(width) * channels);
  }
  uLongf size = compressBound(static_cast<uLong>(raw.size()));
  std::string compressed(size, '\0');
  if (compress(reinterpret_cast<Bytef*>(compressed.data()), &size, reinterpret_cast<const Bytef*>(raw.data()),
               static_cast<uLong>(raw.size())) != Z_OK) {
    throw IoError("png::write: zlib compression failed");
  }
  compressed.resize(size);
  std::string header;
  put32(header, static_cast<uint32_t>(width));
  put32(header, static_cast<uint32_t>(height));
  header += static_cast<char>(8);                          // bit depth
  header += static_cast<char>(channels == 1 ? 0 : 2);      // gray or RGB
  header += std::string(3, '\0');                         // compression, filter, interlace
  std::string file = "\x89PNG\r\n\x1a\n";
  chunk(file, "IHDR", header);
  chunk(file, "IDAT", compressed);
  chunk(file, "IEND", "");
  std::ofstream out(path, std::ios::binary);
  out.write(file.data(), static_cast<std::streamsize>(file.size()));
  if (!out) throw IoError("png::write: cannot write " + path);
}

}  // namespace png
}  // namespace norse
