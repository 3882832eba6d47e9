#include "nir/graph.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

namespace norse {
namespace nir {

const char* dtype_name(DType d) {
  switch (d) {
    case DType::kFloat32:
      return "float32";
    case DType::kFloat64:
      return "float64";
    case DType::kInt64:
      return "int64";
  }
  return "?";
}

Array Array::from_tensor(const Tensor& t) {
  Array a;
  a.dtype = DType::kFloat32;
  a.shape = t.shape();
  const std::vector<float> v = t.to(Device::kCPU).contiguous().to_vector();
  a.values.assign(v.begin(), v.end());
  return a;
}

Array Array::ints(const std::vector<int64_t>& v, bool scalar) {
  Array a;
  a.dtype = DType::kInt64;
  if (!scalar) a.shape = {static_cast<int64_t>(v.size())};
  a.values.assign(v.begin(), v.end());
  return a;
}

Tensor Array::to_tensor(Device device) const {
  std::vector<float> v(values.size());
  for (size_t k = 0; k < v.size(); ++k) v[k] = static_cast<float>(values[k]);
  return from_vector(v, shape).to(device);
}

NodeSpec node_spec(const std::string& type) {
  static const std::map<std::string, NodeSpec> specs = {
      {"Input", {{"shape"}, {}}},
      {"Output", {{"shape"}, {}}},
      {"Affine", {{"weight", "bias"}, {}}},
      {"Linear", {{"weight"}, {}}},
      {"Conv1d", {{"weight", "stride", "padding", "dilation", "groups", "bias"}, {"input_shape"}}},
      {"Conv2d", {{"weight", "stride", "padding", "dilation", "groups", "bias"}, {"input_shape"}}},
      {"Flatten", {{"start_dim", "end_dim"}, {"input_type.input"}}},
      {"SumPool2d", {{"kernel_size", "stride", "padding"}, {}}},
      {"AvgPool2d", {{"kernel_size", "stride", "padding"}, {}}},
      {"LIF", {{"tau", "r", "v_leak", "v_threshold"}, {"v_reset"}}},
      {"CubaLIF", {{"tau_syn", "tau_mem", "r", "v_leak", "v_threshold"}, {"v_reset", "w_in"}}},
      {"LI", {{"tau", "r", "v_leak"}, {}}},
      {"CubaLI", {{"tau_syn", "tau_mem", "r", "v_leak"}, {"w_in"}}},
      {"IF", {{"r", "v_threshold"}, {"v_reset"}}},
      {"I", {{"r"}, {}}},
      {"Scale", {{"scale"}, {}}},
      {"Threshold", {{"threshold"}, {}}},
      {"Delay", {{"delay"}, {}}},
  };
  const auto it = specs.find(type);
  return it == specs.end() ? NodeSpec{} : it->second;
}

namespace {

std::string str_join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}
std::string optional_list(const NodeSpec& spec) {
  return spec.optional.empty() ? std::string() : "; optional: " + str_join(spec.optional);
}

bool is_neuron(const std::string& type) {
  return type == "LIF" || type == "CubaLIF" || type == "LI" || type == "CubaLI" || type == "IF" || type == "I" ||
         type == "Scale" || type == "Threshold" || type == "Delay";
}

// Names a node of `g` can be reached by from outside: "name", and "sub.inner" for the nodes of a
// nested graph "sub".
void collect_names(const Graph& g, const std::string& prefix, std::set<std::string>& names) {
  for (const auto& [name, node] : g.nodes) {
    names.insert(prefix + name);
    if (node.graph) collect_names(*node.graph, prefix + name + ".", names);
  }
}

void validate_node(const std::string& name, const Node& node, const std::string& where) {
  const std::string at = str_cat(where, ": node '", name, "' (", node.type, ")");
  const NodeSpec spec = node_spec(node.type);
  for (const std::string& field : spec.required) {
    NORSE_CHECK(node.fields.count(field) || node.text_fields.count(field), IoError, at, "missing field '", field, "'");
  }
  // A field the type does not define would be dropped silently: refuse it (metadata and type
  // annotations, which carry no semantics, excepted).
  if (!spec.required.empty()) {
    auto known = [&](const std::string& f) {
      return std::find(spec.required.begin(), spec.required.end(), f) != spec.required.end() ||
             std::find(spec.optional.begin(), spec.optional.end(), f) != spec.optional.end() ||
             f.rfind("metadata", 0) == 0 || f.rfind("input_type", 0) == 0 || f.rfind("output_type", 0) == 0;
    };
    auto check_known = [&](const std::string& f) {
      NORSE_CHECK(known(f), IoError, at, "field '", f, "' is not a field of NIR's ", node.type,
                  " (the library cannot honour it; known: ", str_join(spec.required), optional_list(spec), ")");
    };
    for (const auto& entry : node.fields) check_known(entry.first);
    for (const auto& entry : node.text_fields) check_known(entry.first);
  }
  for (const auto& [field, array] : node.fields) {
    for (double v : array.values) {
      NORSE_CHECK(std::isfinite(v), IoError, at, "field '", field, "' must be finite, got ", v);
    }
  }
  auto shape_of = [&](const char* field) { return node.fields.at(field).shape; };
  if (node.type == "Input" || node.type == "Output") {
    const Array& s = node.fields.at("shape");
    NORSE_CHECK(s.dtype == DType::kInt64 && s.shape.size() <= 1, IoError, at,
                "field 'shape' must be a 1-d integer array, got ", dtype_name(s.dtype), " ", shape_to_string(s.shape));
    for (double d : s.values) NORSE_CHECK(d >= 1, IoError, at, "field 'shape' must be positive, got ", d);
  } else if (node.type == "Affine" || node.type == "Linear") {
    const Shape w = shape_of("weight");
    NORSE_CHECK(w.size() == 2, IoError, at, "field 'weight' must be [out, in], got shape ", shape_to_string(w));
    if (node.type == "Affine") {
      NORSE_CHECK(shape_of("bias") == Shape({w[0]}), IoError, at, "field 'bias' must have shape [", w[0], "] (weight ",
                  shape_to_string(w), "), got ", shape_to_string(shape_of("bias")));
    }
  } else if (node.type == "Conv2d") {
    const Shape w = shape_of("weight");
    NORSE_CHECK(w.size() == 4, IoError, at, "field 'weight' must be [out, in / groups, kh, kw], got shape ",
                shape_to_string(w));
    const Array& bias = node.fields.at("bias");
    NORSE_CHECK(bias.shape == Shape({w[0]}) || bias.numel() == 1, IoError, at, "field 'bias' must have shape [", w[0],
                "], got ", shape_to_string(bias.shape));
  } else if (is_neuron(node.type)) {
    // Every array field of a neuron node has the node's shape (a 0-d or 1-element value broadcasts).
    Shape neuron_shape;
    std::string first;
    for (const auto& [field, array] : node.fields) {
      if (array.numel() == 1) continue;
      if (first.empty()) {
        neuron_shape = array.shape;
        first = field;
      }
      NORSE_CHECK(array.shape == neuron_shape, IoError, at, "field '", field, "' has shape ",
                  shape_to_string(array.shape), " but '", first, "' has shape ", shape_to_string(neuron_shape),
                  " (a node's parameters must share one shape)");
    }
  }
}

}  // namespace

void validate(const Graph& graph, const std::string& where) {
  for (const auto& [name, node] : graph.nodes) {
    NORSE_CHECK(!name.empty(), IoError, where, "a node has an empty name");
    if (node.graph) {
      validate(*node.graph, str_cat(where, ": graph '", name, "'"));
    } else {
      validate_node(name, node, where);
    }
  }
  std::set<std::string> names;
  collect_names(graph, "", names);
  for (size_t k = 0; k < graph.edges.size(); ++k) {
    const auto& [from, to] = graph.edges[k];
    NORSE_CHECK(names.count(from), IoError, where, "edge ", k, " (", from, " -> ", to, ") starts at '", from,
                "', which is not a node of the graph");
    NORSE_CHECK(names.count(to), IoError, where, "edge ", k, " (", from, " -> ", to, ") ends at '", to,
                "', which is not a node of the graph");
  }
}

namespace {
std::string describe_array(const Array& a) {
  std::ostringstream s;
  s << dtype_name(a.dtype) << shape_to_string(a.shape);
  if (a.numel() <= 4) {
    s << " = [";
    for (size_t k = 0; k < a.values.size(); ++k) s << (k ? ", " : "") << a.values[k];
    s << "]";
  }
  return s.str();
}

void describe_into(const Graph& g, const std::string& indent, std::ostringstream& out) {
  out << indent << g.nodes.size() << " nodes, " << g.edges.size() << " edges\n";
  for (const auto& [name, node] : g.nodes) {
    out << indent << "  node " << name << ": " << node.type;
    if (node.graph) {
      out << "\n";
      describe_into(*node.graph, indent + "    ", out);
      continue;
    }
    for (const auto& [field, array] : node.fields) out << "  " << field << " " << describe_array(array);
    for (const auto& [field, text] : node.text_fields) out << "  " << field << " \"" << text << "\"";
    out << "\n";
  }
  for (const auto& [from, to] : g.edges) out << indent << "  edge " << from << " -> " << to << "\n";
}
}  // namespace

std::string describe(const Graph& graph) {
  std::ostringstream out;
  if (!graph.version.empty()) out << "NIR version " << graph.version << ", ";
  describe_into(graph, "", out);
  return out.str();
}

}  // namespace nir
}  // namespace norse
