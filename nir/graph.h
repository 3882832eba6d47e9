// NIR (the Neuromorphic Intermediate Representation, neuroir.org) graphs in memory, and their
// .nir files (HDF5, through Debian's libhdf5): what Norse's `nir.read` / `nir.write` exchange.
//
//   nir::Graph g = nir::read_file("net.nir");   // nodes, edges, nested subgraphs
//   nir::write_file(g, "copy.nir");             // the layout NIR's reference writer uses
//
// A node is its NIR type ("LIF", "Affine", "NIRGraph", ...) and its fields by NIR's names, each
// an N-d array that keeps the file's dtype (float32, float64, int64) and shape; a string field
// (Conv2d padding "same") is kept as text. Values are held as doubles, which is exact for every
// float32, float64 and int64 below 2^53 that a graph holds.
//
// Reading checks the structure (what a node of each type must have, shapes that agree, edges
// between existing nodes) and throws IoError naming the file, the node, the field, the expected
// and the actual value: a truncated or non-HDF5 file, a missing dataset, a wrong shape or type.
#ifndef NORSE_NIR_GRAPH_H_
#define NORSE_NIR_GRAPH_H_

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/core.h"

namespace norse {
namespace nir {

enum class DType { kFloat32, kFloat64, kInt64 };
const char* dtype_name(DType d);

struct Array {
  DType dtype = DType::kFloat32;
  Shape shape;                 // [] for a 0-d dataset
  std::vector<double> values;  // row-major

  static Array from_tensor(const Tensor& t);  // float32
  static Array ints(const std::vector<int64_t>& v, bool scalar = false);
  int64_t numel() const { return static_cast<int64_t>(values.size()); }
  // float32 values (a float64 field is rounded to float32 first, as Norse converts on import).
  Tensor to_tensor(Device device = Device::kCPU) const;
};

struct Graph;

struct Node {
  std::string type;
  std::map<std::string, Array> fields;
  std::map<std::string, std::string> text_fields;
  std::shared_ptr<Graph> graph;  // type "NIRGraph": the nested graph
};

struct Graph {
  std::map<std::string, Node> nodes;                       // by name
  std::vector<std::pair<std::string, std::string>> edges;  // source, target, in the file's order
  std::string version;                                     // the file's /version ("" when written here)
};

// The NIR version string written into files.
constexpr const char* kWriterVersion = "1.0.8";

// Reads a .nir file; throws IoError (see above).
Graph read_file(const std::string& path);
// Writes `graph` as NIR's writer does: /version, /node {type = "NIRGraph", nodes/<name>/..., edges
// [N, 2] variable-length strings}; float arrays gzip-compressed. Throws IoError when the file cannot
// be written.
void write_file(const Graph& graph, const std::string& path);

// Checks what every node of a known type must hold (the fields NIR defines, their shapes) and that
// edges name existing nodes (in nested graphs "sub.node" names a node of subgraph "sub"). `where`
// prefixes messages (the file name). Called by read_file; call it on a graph built by hand.
void validate(const Graph& graph, const std::string& where);

// The fields NIR defines for a node type, required and optional (missing optional fields take
// NIR's defaults on import). Empty for an unknown type.
struct NodeSpec {
  std::vector<std::string> required, optional;
};
NodeSpec node_spec(const std::string& type);

// The graph in words: one line per node (name, type, fields with shape and dtype, input/output
// types) and one per edge; nested graphs indented.
std::string describe(const Graph& graph);

}  // namespace nir
}  // namespace norse

#endif  // NORSE_NIR_GRAPH_H_
