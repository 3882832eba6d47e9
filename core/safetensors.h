// Checkpoints in the safetensors format (https://github.com/huggingface/safetensors): an
// 8-byte little-endian header length, a JSON header
//   {"<name>": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, ...,
//    "__metadata__": {"key": "value"}}
// and the raw little-endian tensor bytes. Python's safetensors.torch.load_file reads what
// save_safetensors writes, and load_safetensors reads a float32 PyTorch state_dict saved by
// safetensors.torch.save_file.
//
// Writes are atomic: the file is written to "<path>.tmp-<pid>", flushed with fsync, renamed
// over <path> and the directory is synced, so a killed run leaves either the old or the new
// checkpoint, never half of one; the next save deletes the temporaries of writers that died
// (whose process no longer exists). Cuda tensors are written from a host copy. Every
// inconsistency throws IoError naming the file, the tensor and what is wrong.
#ifndef NORSE_CORE_SAFETENSORS_H_
#define NORSE_CORE_SAFETENSORS_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/tensor.h"

namespace norse {

using NamedTensors = std::vector<std::pair<std::string, Tensor>>;

struct SafetensorsFile {
  NamedTensors tensors;  // in file order
  std::map<std::string, std::string> metadata;
  // The tensor called `name`; throws IoError if absent.
  const Tensor& get(const std::string& name) const;
  bool contains(const std::string& name) const;
};

void save_safetensors(const std::string& path, const NamedTensors& tensors,
                      const std::map<std::string, std::string>& metadata = {});

SafetensorsFile load_safetensors(const std::string& path);

// Copies the file's tensors into `targets` (name -> destination tensor of the expected shape).
// Strict like PyTorch's load_state_dict: a missing name, an unexpected name, or a shape mismatch
// throws IoError listing every problem.
void load_into(const SafetensorsFile& file, const std::vector<std::pair<std::string, Tensor*>>& targets,
               const std::string& what = "checkpoint");

}  // namespace norse

#endif  // NORSE_CORE_SAFETENSORS_H_
