// A minimal PNG writer (8-bit grayscale or RGB) on zlib, for the tasks' pictures.
#ifndef NORSE_TASKS_PNG_H_
#define NORSE_TASKS_PNG_H_

#include <cstdint>
#include <string>
#include <vector>

namespace norse {
namespace png {

// pixels: height rows of width * channels bytes (channels 1: gray, 3: RGB). Throws IoError.
void write(const std::string& path, int width, int height, int channels, const std::vector<uint8_t>& pixels);

}  // namespace png
}  // namespace norse

#endif  // NORSE_TASKS_PNG_H_
