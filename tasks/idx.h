// Readers for the IDX format of the MNIST files (http://yann.lecun.com/exdb/mnist/): a
// big-endian header (magic 0x00000803 for uint8 images [N, rows, cols], 0x00000801 for uint8
// labels [N]) and the raw bytes. Files may be gzip-compressed or plain (zlib reads both).
// Every problem throws IoError naming the file: a wrong magic number, a truncated file, or
// images and labels that disagree in count.
#ifndef NORSE_TASKS_IDX_H_
#define NORSE_TASKS_IDX_H_

#include <string>

#include "core/tensor.h"

namespace norse {
namespace data {

// [N, rows, cols] float32, pixel / 255.
Tensor read_idx_images(const std::string& path);
// [N] float32 holding the class indices.
Tensor read_idx_labels(const std::string& path);

struct Dataset {
  Tensor images;  // [N, 28, 28] in [0, 1]
  Tensor labels;  // [N]
};

// Loads "<dir>/<prefix>-images-idx3-ubyte[.gz]" and "<dir>/<prefix>-labels-idx1-ubyte[.gz]"
// (prefix "train" or "t10k") and checks that they agree.
Dataset load_mnist(const std::string& dir, const std::string& prefix);

}  // namespace data
}  // namespace norse

#endif  // NORSE_TASKS_IDX_H_
