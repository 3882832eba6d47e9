// --export_nir of the tasks: a trained network written as a NIR graph, then read back and run,
// so the file is known to reproduce the network before the task says it wrote it.
#ifndef NORSE_TASKS_NIR_EXPORT_H_
#define NORSE_TASKS_NIR_EXPORT_H_

#include <string>

#include "core/core.h"
#include "models/sequential.h"

namespace norse {
namespace tasks {

struct NirExportReport {
  std::string path;
  size_t nodes = 0;
  double max_abs_diff = 0.0;  // between the re-imported file's outputs and the network's
  std::string line() const;   // "nir: wrote PATH (N nodes); ..."
};

// Writes `net` (layers over [T, B, *sample_shape]) to `path`, imports the file (its dt) and runs it
// one step at a time over `inputs` [T, B, *sample_shape]; `reference` is the network's own output
// for `inputs`. Throws what nir::to_graph throws for a layer NIR cannot hold.
NirExportReport export_nir_checked(nn::SequentialState& net, const Shape& sample_shape, const Tensor& inputs,
                                   const Tensor& reference, const std::string& path);

}  // namespace tasks
}  // namespace norse

#endif  // NORSE_TASKS_NIR_EXPORT_H_
