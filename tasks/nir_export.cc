#include "tasks/nir_export.h"

#include <cmath>

#include "nir/network.h"

namespace norse {
namespace tasks {

std::string NirExportReport::line() const {
  return str_cat("nir: wrote ", path, " (", nodes, " nodes); re-imported, its output ",
                 max_abs_diff == 0.0 ? std::string("equals the network's bit for bit")
                                     : str_cat("differs from the network's by up to ", max_abs_diff));
}

NirExportReport export_nir_checked(nn::SequentialState& net, const Shape& sample_shape, const Tensor& inputs,
                                   const Tensor& reference, const std::string& path) {
  NoGradGuard no_grad;
  float dt = 1e-3f;
  const nir::Graph graph = nir::to_graph(net, sample_shape, &dt);
  nir::write_file(graph, path);
  nir::ImportOptions o;
  o.dt = dt;
  o.device = inputs.device();
  nir::Network imported(nir::read_file(path), o);
  nir::Network::State state;
  const Tensor got = imported.run(Variable(inputs), state).value().to(Device::kCPU);
  const std::vector<float> a = got.contiguous().to_vector(), b = reference.to(Device::kCPU).contiguous().to_vector();
  NORSE_CHECK(a.size() == b.size(), ShapeError, "--export_nir", "the re-imported graph's output has shape ",
              shape_to_string(got.shape()), ", the network's ", shape_to_string(reference.shape()));
  NirExportReport r;
  r.path = path;
  r.nodes = graph.nodes.size();
  for (size_t k = 0; k < a.size(); ++k) r.max_abs_diff = std::max(r.max_abs_diff, std::abs(double(a[k]) - b[k]));
  return r;
}

}  // namespace tasks
}  // namespace norse
