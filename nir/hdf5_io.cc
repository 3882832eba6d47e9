// .nir files through the HDF5 C library (libhdf5-dev). Every handle is owned by an Hid, so an
// error thrown half-way through closes what was opened.
#include <hdf5.h>

#include <cstring>
#include <functional>

#include "nir/graph.h"

namespace norse {
namespace nir {
namespace {

// An HDF5 identifier closed by `close` when it goes out of scope.
class Hid {
 public:
  Hid(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  Hid(const Hid&) = delete;
  Hid& operator=(const Hid&) = delete;
  ~Hid() {
    if (id_ >= 0) close_(id_);
  }
  hid_t get() const { return id_; }
  bool ok() const { return id_ >= 0; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

// HDF5 prints its own error stack to stderr by default; norse-cpp reports errors itself.
void silence_hdf5() {
  static const bool done = [] {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return true;
  }();
  (void)done;
}

// Upper bound on one dataset's elements (a corrupt header cannot make the reader allocate more).
constexpr int64_t kMaxDatasetElements = int64_t{1} << 31;

bool link_exists(hid_t loc, const std::string& name) { return H5Lexists(loc, name.c_str(), H5P_DEFAULT) > 0; }

// The kind of object `name` is in `loc`: H5O_TYPE_GROUP, H5O_TYPE_DATASET, or H5O_TYPE_UNKNOWN.
H5O_type_t object_type(hid_t loc, const std::string& name) {
  H5O_info_t info;
  if (H5Oget_info_by_name(loc, name.c_str(), &info, H5P_DEFAULT) < 0) return H5O_TYPE_UNKNOWN;
  return info.type;
}

std::vector<std::string> child_names(hid_t group, const std::string& where) {
  std::vector<std::string> names;
  auto collect = [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
    static_cast<std::vector<std::string>*>(data)->emplace_back(name);
    return 0;
  };
  NORSE_CHECK(H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect, &names) >= 0, IoError, where,
              "cannot list the group's members (corrupt file?)");
  return names;
}

Shape dataset_shape(hid_t dset, const std::string& where) {
  Hid space(H5Dget_space(dset), H5Sclose);
  NORSE_CHECK(space.ok(), IoError, where, "cannot read the dataspace");
  const int rank = H5Sget_simple_extent_ndims(space.get());
  NORSE_CHECK(rank >= 0 && rank <= 8, IoError, where, "rank must be in [0, 8], got ", rank);
  std::vector<hsize_t> dims(static_cast<size_t>(rank));
  if (rank > 0) H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  Shape shape;
  int64_t n = 1;
  for (hsize_t d : dims) {
    NORSE_CHECK(d <= static_cast<hsize_t>(kMaxDatasetElements), IoError, where, "dimension ", d, " is too large");
    shape.push_back(static_cast<int64_t>(d));
    n *= static_cast<int64_t>(d);
    NORSE_CHECK(n <= kMaxDatasetElements, IoError, where, "more than ", kMaxDatasetElements, " elements");
  }
  return shape;
}

// Every string of a string dataset (variable- or fixed-length), row-major.
std::vector<std::string> read_strings(hid_t dset, const std::string& where) {
  const Shape shape = dataset_shape(dset, where);
  const size_t n = static_cast<size_t>(shape_numel(shape));
  Hid file_type(H5Dget_type(dset), H5Tclose);
  NORSE_CHECK(file_type.ok() && H5Tget_class(file_type.get()) == H5T_STRING, IoError, where, "expected a string");
  std::vector<std::string> out;
  if (H5Tis_variable_str(file_type.get()) > 0) {
    Hid mem_type(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(mem_type.get(), H5T_VARIABLE);
    H5Tset_cset(mem_type.get(), H5Tget_cset(file_type.get()));
    std::vector<char*> ptrs(n, nullptr);
    NORSE_CHECK(H5Dread(dset, mem_type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()) >= 0, IoError, where,
                "cannot read the strings (truncated or corrupt file?)");
    for (char* p : ptrs) out.emplace_back(p != nullptr ? p : "");
    Hid space(H5Dget_space(dset), H5Sclose);
    H5Dvlen_reclaim(mem_type.get(), space.get(), H5P_DEFAULT, ptrs.data());
  } else {
    const size_t len = H5Tget_size(file_type.get());
    NORSE_CHECK(len > 0 && len <= (1u << 20), IoError, where, "string size ", len, " is out of range");
    std::vector<char> buffer(n * len + 1, '\0');
    Hid mem_type(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(mem_type.get(), len);
    NORSE_CHECK(H5Dread(dset, mem_type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()) >= 0, IoError, where,
                "cannot read the strings (truncated or corrupt file?)");
    for (size_t k = 0; k < n; ++k)
      out.emplace_back(std::string(buffer.data() + k * len, strnlen(buffer.data() + k * len, len)));
  }
  return out;
}

std::string read_string(hid_t loc, const std::string& name, const std::string& where) {
  Hid dset(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), H5Dclose);
  NORSE_CHECK(dset.ok(), IoError, where, "missing dataset '", name, "'");
  const std::vector<std::string> s = read_strings(dset.get(), where + "/" + name);
  NORSE_CHECK(s.size() == 1, IoError, where + "/" + name, "expected one string, got ", s.size());
  return s[0];
}

// A numeric dataset as an Array (float32, float64 or int64; other integer and float widths are
// widened; bool / uint8 arrays, as numpy writes them, read as int64).
Array read_array(hid_t dset, const std::string& where) {
  Array a;
  a.shape = dataset_shape(dset, where);
  const size_t n = static_cast<size_t>(shape_numel(a.shape));
  Hid type(H5Dget_type(dset), H5Tclose);
  const H5T_class_t cls = H5Tget_class(type.get());
  a.values.resize(n);
  if (cls == H5T_FLOAT) {
    const size_t bytes = H5Tget_size(type.get());
    a.dtype = bytes == 8 ? DType::kFloat64 : DType::kFloat32;
    NORSE_CHECK(bytes == 4 || bytes == 8 || bytes == 2, IoError, where, "floats must be 16, 32 or 64 bits, got ",
                8 * bytes);
    NORSE_CHECK(n == 0 || H5Dread(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, a.values.data()) >= 0,
                IoError, where, "cannot read the values (truncated or corrupt file?)");
  } else if (cls == H5T_INTEGER || cls == H5T_ENUM) {
    a.dtype = DType::kInt64;
    std::vector<int64_t> v(n);
    NORSE_CHECK(n == 0 || H5Dread(dset, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) >= 0, IoError, where,
                "cannot read the values (truncated or corrupt file?)");
    for (size_t k = 0; k < n; ++k) a.values[k] = static_cast<double>(v[k]);
  } else {
    throw IoError(str_cat(where, ": expected a number array, got HDF5 type class ", static_cast<int>(cls)));
  }
  return a;
}

void read_node_group(hid_t group, const std::string& prefix, Node& node, const std::string& where);
Graph read_graph(hid_t group, const std::string& where);

// Every dataset of `group` into node fields; nested groups (Flatten's input_type) as "group.field".
void read_node_group(hid_t group, const std::string& prefix, Node& node, const std::string& where) {
  for (const std::string& name : child_names(group, where)) {
    const std::string field = prefix + name;
    const std::string at = where + "/" + name;
    const H5O_type_t kind = object_type(group, name);
    if (kind == H5O_TYPE_GROUP) {
      Hid sub(H5Gopen2(group, name.c_str(), H5P_DEFAULT), H5Gclose);
      NORSE_CHECK(sub.ok(), IoError, at, "cannot open the group");
      read_node_group(sub.get(), field + ".", node, at);
      continue;
    }
    NORSE_CHECK(kind == H5O_TYPE_DATASET, IoError, at, "expected a dataset or a group");
    if (field == "type") continue;
    Hid dset(H5Dopen2(group, name.c_str(), H5P_DEFAULT), H5Dclose);
    NORSE_CHECK(dset.ok(), IoError, at, "cannot open the dataset");
    Hid type(H5Dget_type(dset.get()), H5Tclose);
    if (H5Tget_class(type.get()) == H5T_STRING) {
      const std::vector<std::string> s = read_strings(dset.get(), at);
      NORSE_CHECK(s.size() == 1, IoError, at, "expected one string, got ", s.size());
      node.text_fields[field] = s[0];
    } else {
      node.fields[field] = read_array(dset.get(), at);
    }
  }
}

Graph read_graph(hid_t group, const std::string& where) {
  Graph g;
  NORSE_CHECK(link_exists(group, "nodes") && object_type(group, "nodes") == H5O_TYPE_GROUP, IoError, where,
              "a NIRGraph needs a group 'nodes'");
  Hid nodes(H5Gopen2(group, "nodes", H5P_DEFAULT), H5Gclose);
  NORSE_CHECK(nodes.ok(), IoError, where + "/nodes", "cannot open the group");
  for (const std::string& name : child_names(nodes.get(), where + "/nodes")) {
    const std::string at = where + "/nodes/" + name;
    NORSE_CHECK(object_type(nodes.get(), name) == H5O_TYPE_GROUP, IoError, at, "a node must be a group");
    Hid node_group(H5Gopen2(nodes.get(), name.c_str(), H5P_DEFAULT), H5Gclose);
    NORSE_CHECK(node_group.ok(), IoError, at, "cannot open the group");
    Node node;
    node.type = read_string(node_group.get(), "type", at);
    if (node.type == "NIRGraph") {
      node.graph = std::make_shared<Graph>(read_graph(node_group.get(), at));
    } else {
      read_node_group(node_group.get(), "", node, at);
    }
    g.nodes.emplace(name, std::move(node));
  }
  NORSE_CHECK(link_exists(group, "edges"), IoError, where, "missing dataset 'edges'");
  Hid edges(H5Dopen2(group, "edges", H5P_DEFAULT), H5Dclose);
  NORSE_CHECK(edges.ok(), IoError, where + "/edges", "cannot open the dataset");
  const Shape shape = dataset_shape(edges.get(), where + "/edges");
  const std::vector<std::string> ends = read_strings(edges.get(), where + "/edges");
  // nir.write stores no edges as an empty array of another shape; any [N, 2] is accepted.
  NORSE_CHECK(ends.empty() || (shape.size() == 2 && shape[1] == 2), IoError, where,
              "/edges: expected shape [N, 2] (source, target), got ", shape_to_string(shape));
  for (size_t k = 0; k + 1 < ends.size(); k += 2) g.edges.emplace_back(ends[k], ends[k + 1]);
  return g;
}

// --- writing -------------------------------------------------------------------------------------

void write_string(hid_t loc, const std::string& name, const std::string& value, const std::string& where) {
  Hid type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  Hid space(H5Screate(H5S_SCALAR), H5Sclose);
  Hid dset(H5Dcreate2(loc, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose);
  const char* p = value.c_str();
  NORSE_CHECK(dset.ok() && H5Dwrite(dset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &p) >= 0, IoError, where,
              "cannot write dataset '", name, "'");
}

void write_array(hid_t loc, const std::string& name, const Array& a, const std::string& where) {
  std::vector<hsize_t> dims(a.shape.begin(), a.shape.end());
  Hid space(
      a.shape.empty() ? H5Screate(H5S_SCALAR) : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
      H5Sclose);
  // As nir.write: float arrays gzip-compressed (chunked as one block), integer tuples and scalars plain.
  Hid props(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  const bool compress = a.dtype != DType::kInt64 && !a.shape.empty() && a.numel() > 0;
  if (compress) {
    H5Pset_chunk(props.get(), static_cast<int>(dims.size()), dims.data());
    H5Pset_deflate(props.get(), 4);
  }
  const hid_t file_type = a.dtype == DType::kFloat32   ? H5T_IEEE_F32LE
                          : a.dtype == DType::kFloat64 ? H5T_IEEE_F64LE
                                                       : H5T_STD_I64LE;
  Hid dset(H5Dcreate2(loc, name.c_str(), file_type, space.get(), H5P_DEFAULT, props.get(), H5P_DEFAULT), H5Dclose);
  NORSE_CHECK(dset.ok(), IoError, where, "cannot create dataset '", name, "'");
  herr_t status = 0;
  if (a.dtype == DType::kInt64) {
    std::vector<int64_t> v(a.values.begin(), a.values.end());
    if (!v.empty()) status = H5Dwrite(dset.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  } else if (!a.values.empty()) {
    status = H5Dwrite(dset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, a.values.data());
  }
  NORSE_CHECK(status >= 0, IoError, where, "cannot write dataset '", name, "'");
}

Hid create_group(hid_t loc, const std::string& name, const std::string& where) {
  Hid g(H5Gcreate2(loc, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
  NORSE_CHECK(g.ok(), IoError, where, "cannot create group '", name, "'");
  return Hid(H5Gopen2(loc, name.c_str(), H5P_DEFAULT), H5Gclose);
}

void write_graph(hid_t group, const Graph& graph, const std::string& where) {
  write_string(group, "type", "NIRGraph", where);
  Hid nodes = create_group(group, "nodes", where);
  for (const auto& [name, node] : graph.nodes) {
    const std::string at = where + "/nodes/" + name;
    Hid g = create_group(nodes.get(), name, at);
    if (node.type == "NIRGraph") {
      NORSE_CHECK(node.graph != nullptr, InvalidArgument, at, "a NIRGraph node needs its graph");
      write_graph(g.get(), *node.graph, at);
      continue;
    }
    write_string(g.get(), "type", node.type, at);
    for (const auto& [field, text] : node.text_fields) write_string(g.get(), field, text, at);
    for (const auto& [field, array] : node.fields) {
      const size_t dot = field.find('.');
      if (dot == std::string::npos) {
        write_array(g.get(), field, array, at);
        continue;
      }
      const std::string sub = field.substr(0, dot);  // "input_type.input": group input_type, dataset input
      if (!link_exists(g.get(), sub)) create_group(g.get(), sub, at);
      Hid sg(H5Gopen2(g.get(), sub.c_str(), H5P_DEFAULT), H5Gclose);
      write_array(sg.get(), field.substr(dot + 1), array, at + "/" + sub);
    }
  }
  Hid type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  std::vector<const char*> ends;
  for (const auto& e : graph.edges) {
    ends.push_back(e.first.c_str());
    ends.push_back(e.second.c_str());
  }
  const hsize_t dims[2] = {graph.edges.size(), 2};
  Hid space(H5Screate_simple(2, dims, nullptr), H5Sclose);
  Hid dset(H5Dcreate2(group, "edges", type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose);
  NORSE_CHECK(
      dset.ok() && (ends.empty() || H5Dwrite(dset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ends.data()) >= 0),
      IoError, where, "cannot write the edges");
}

}  // namespace

Graph read_file(const std::string& path) {
  silence_hdf5();
  NORSE_CHECK(H5Fis_hdf5(path.c_str()) > 0, IoError, "nir::read_file", "'", path,
              "' is not an HDF5 file (missing, unreadable, or not a .nir file)");
  Hid file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  NORSE_CHECK(file.ok(), IoError, "nir::read_file", "cannot open '", path, "' (truncated or corrupt HDF5 file?)");
  NORSE_CHECK(link_exists(file.get(), "node") && object_type(file.get(), "node") == H5O_TYPE_GROUP, IoError, path,
              "missing group '/node' (not a NIR file, or truncated)");
  Hid node(H5Gopen2(file.get(), "node", H5P_DEFAULT), H5Gclose);
  NORSE_CHECK(node.ok(), IoError, path + "/node", "cannot open the group");
  const std::string type = read_string(node.get(), "type", path + "/node");
  NORSE_CHECK(type == "NIRGraph", IoError, path, "/node/type: expected \"NIRGraph\", got \"", type, "\"");
  Graph g = read_graph(node.get(), path + "/node");
  if (link_exists(file.get(), "version")) g.version = read_string(file.get(), "version", path);
  validate(g, path);
  return g;
}

void write_file(const Graph& graph, const std::string& path) {
  silence_hdf5();
  validate(graph, "nir::write_file(" + path + ")");
  Hid file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
  NORSE_CHECK(file.ok(), IoError, "nir::write_file", "cannot create '", path, "'");
  write_string(file.get(), "version", graph.version.empty() ? kWriterVersion : graph.version, path);
  Hid node = create_group(file.get(), "node", path);
  write_graph(node.get(), graph, path + "/node");
  NORSE_CHECK(H5Fflush(file.get(), H5F_SCOPE_GLOBAL) >= 0, IoError, "nir::write_file", "cannot flush '", path, "'");
}

}  // namespace nir
}  // namespace norse
