#include "nir/network.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>

#include "models/layers.h"
#include "models/neuron_modules.h"
#include "models/recurrent_op.h"
#include "models/threshold.h"

namespace norse {
namespace nir {
namespace {

// Internal node type of a nested graph's Input / Output once flattened: passes its input on.
constexpr const char* kIdentity = "Identity";

std::string where_node(const std::string& name, const std::string& type) {
  return str_cat("nir::Network: node '", name, "' (", type, ")");
}

// --- stages that are not library modules --------------------------------------------------------

// y = factor * x, the factor broadcast over the batch (NIR's r, w_in, Scale).
class ScaleLayer : public nn::Layer {
 public:
  explicit ScaleLayer(Variable factor) : factor(std::move(factor)) {}
  Variable forward(const Variable& x) override { return mul(x, factor); }
  Variable factor;
};

// z = H(x - threshold) (strict), with SuperSpike's surrogate gradient.
class ThresholdLayer : public nn::Layer {
 public:
  explicit ThresholdLayer(Variable th) : th(std::move(th)) {}
  Variable forward(const Variable& x) override { return threshold(sub(x, th), Surrogate::kSuper, 100.0f); }
  Variable th;
};

// Window sums (SumPool2d) or means (AvgPool2d) over zero-padded windows.
class PoolLayer : public nn::Layer {
 public:
  PoolLayer(Pool2dOptions o, float scale) : options(o), scale(scale) {}
  Variable forward(const Variable& x) override {
    const Variable y = avg_pool2d(x, options);
    return scale == 1.0f ? y : mul(y, scale);
  }
  Pool2dOptions options;
  float scale;
};

// NIR's I: v += x each step (dt is not applied, as for IF); the output is v. State: {v}.
class IntegratorCell : public nn::StatefulLayer {
 public:
  Variable forward(const Variable& x, nn::LayerState& state) override {
    const Variable v = state.empty() || !state[0].defined() ? x : add(state[0], x);
    state = {v};
    return v;
  }
};

// NIR's Delay: element e passes on the input of `steps[e]` steps before (zero before the start).
// State: the last max(steps) inputs, newest first.
class DelayCell : public nn::StatefulLayer {
 public:
  DelayCell(const std::vector<int64_t>& steps, const Shape& shape, Device device) {
    for (int64_t d : std::set<int64_t>(steps.begin(), steps.end())) {
      std::vector<float> m(steps.size());
      for (size_t k = 0; k < m.size(); ++k) m[k] = steps[k] == d ? 1.0f : 0.0f;
      masks_.emplace_back(d, Variable(from_vector(m, steps.size() == 1 ? Shape{} : shape).to(device)));
      max_ = std::max(max_, d);
    }
  }
  Variable forward(const Variable& x, nn::LayerState& state) override {
    Variable out;
    for (const auto& [d, mask] : masks_) {
      const Variable source =
          d == 0 ? x : (static_cast<size_t>(d) <= state.size() ? state[static_cast<size_t>(d - 1)] : Variable());
      if (!source.defined()) continue;
      const Variable part = mul(source, mask);
      out = out.defined() ? add(out, part) : part;
    }
    if (!out.defined()) out = Variable(zeros(x.shape(), x.value().device()));
    if (max_ > 0) {
      state.insert(state.begin(), x);
      if (static_cast<int64_t>(state.size()) > max_) state.resize(static_cast<size_t>(max_));
    }
    return out;
  }

 private:
  std::vector<std::pair<int64_t, Variable>> masks_;  // (delay in steps, which elements have it)
  int64_t max_ = 0;
};

// --- reading a node's fields ----------------------------------------------------------------------

class FieldReader {
 public:
  FieldReader(const std::string& name, const Node& node, Device device)
      : node_(node), where_(where_node(name, node.type)), device_(device) {}
  bool has(const std::string& f) const { return node_.fields.count(f) > 0; }
  const Array& array(const std::string& f) const {
    const auto it = node_.fields.find(f);
    NORSE_CHECK(it != node_.fields.end(), IoError, where_, "missing field '", f, "'");
    return it->second;
  }
  // A neuron parameter as float32: a scalar when the field holds one value, else the field's shape.
  Variable param(const std::string& f, float default_value) const {
    if (!has(f)) return Variable(scalar_tensor(default_value).to(device_));
    return as_param(array(f).to_tensor());
  }
  // 1 / float32(field), in float32 (Norse's order: convert, then invert).
  Variable inverse(const std::string& f) const {
    Tensor t = array(f).to_tensor();
    std::vector<float> v = t.to_vector();
    for (size_t k = 0; k < v.size(); ++k) {
      NORSE_CHECK(v[k] > 0.0f, IoError, where_, "field '", f, "' must be > 0 (a time constant in seconds), got ", v[k],
                  " at flat index ", k);
      v[k] = 1.0f / v[k];
    }
    return as_param(from_vector(v, t.shape()));
  }
  Variable tensor(const std::string& f) const { return Variable(array(f).to_tensor(device_)); }
  bool all_equal(const std::string& f, double value) const {
    if (!has(f)) return true;
    for (double v : array(f).values) {
      if (static_cast<float>(v) != static_cast<float>(value)) return false;
    }
    return true;
  }
  // A per-axis integer field ([2], [1] or 0-d) as (h, w).
  Size2 pair(const std::string& f) const {
    const Array& a = array(f);
    NORSE_CHECK(a.dtype == DType::kInt64 && (a.numel() == 1 || a.numel() == 2), IoError, where_, "field '", f,
                "' must hold 1 or 2 integers, got ", dtype_name(a.dtype), shape_to_string(a.shape));
    return a.numel() == 1 ? Size2(static_cast<int64_t>(a.values[0]))
                          : Size2(static_cast<int64_t>(a.values[0]), static_cast<int64_t>(a.values[1]));
  }
  int64_t integer(const std::string& f) const {
    const Array& a = array(f);
    NORSE_CHECK(a.dtype == DType::kInt64 && a.numel() == 1, IoError, where_, "field '", f,
                "' must be one integer, got ", dtype_name(a.dtype), shape_to_string(a.shape));
    return static_cast<int64_t>(a.values[0]);
  }
  const std::string& where() const { return where_; }

 private:
  Variable as_param(const Tensor& t) const {
    return Variable(t.numel() == 1 ? scalar_tensor(t.to_vector()[0]).to(device_) : t.to(device_));
  }
  const Node& node_;
  std::string where_;
  Device device_;
};

// Builds the stages of one node.
class StageBuilder {
 public:
  StageBuilder(const std::string& name, const Node& node, const ImportOptions& o)
      : node_(node), o_(o), f_(name, node, o.device) {}

  std::vector<detail::NodeStage> stages;

  void build() {
    const std::string& t = node_.type;
    if (t == "Input" || t == "Output" || t == kIdentity) return;
    if (t == "Affine" || t == "Linear") return linear();
    if (t == "Conv2d") return conv2d();
    if (t == "Flatten") return flatten();
    if (t == "SumPool2d" || t == "AvgPool2d") return pool();
    if (t == "Scale") return layer(std::make_shared<ScaleLayer>(f_.tensor("scale")));
    if (t == "Threshold") return layer(std::make_shared<ThresholdLayer>(f_.tensor("threshold")));
    if (t == "LIF") return lif();
    if (t == "CubaLIF") return cuba(true);
    if (t == "LI") return li();
    if (t == "CubaLI") return cuba(false);
    if (t == "IF") return integrate_and_fire();
    if (t == "I") {
      scale_by("r", !o_.norse_compat);
      return cell(std::make_shared<IntegratorCell>(), "v");
    }
    if (t == "Delay") return delay();
    throw InvalidArgument(str_cat(f_.where(), ": NIR node type '", t,
                                  "' is not supported (supported: Input, Output, Affine, Linear, Conv2d, Flatten, "
                                  "SumPool2d, AvgPool2d, LIF, CubaLIF, LI, CubaLI, IF, I, Scale, Threshold, Delay)"));
  }

 private:
  void layer(std::shared_ptr<nn::Layer> l) { stages.push_back({std::move(l), nullptr, ""}); }
  void cell(std::shared_ptr<nn::StatefulLayer> c, const std::string& state_name) {
    stages.push_back({nullptr, std::move(c), state_name});
  }
  // A multiplication by `field` where it is used and not all ones (x * 1 = x exactly).
  void scale_by(const std::string& field, bool used) {
    if (used && f_.has(field) && !f_.all_equal(field, 1.0)) layer(std::make_shared<ScaleLayer>(f_.tensor(field)));
  }
  void linear() {
    const Tensor w = f_.array("weight").to_tensor(o_.device);
    Generator init(0);
    auto l = std::make_shared<nn::Linear>(w.size(1), w.size(0), init, node_.type == "Affine");
    l->weight = Variable(w, true);
    if (node_.type == "Affine") l->bias = Variable(f_.array("bias").to_tensor(o_.device), true);
    layer(l);
  }

  void conv2d() {
    const Tensor w = f_.array("weight").to_tensor(o_.device);
    Conv2dOptions c;
    c.stride = f_.pair("stride");
    c.dilation = f_.pair("dilation");
    c.groups = f_.integer("groups");
    const auto text = node_.text_fields.find("padding");
    if (text != node_.text_fields.end()) {
      if (text->second == "valid") {
        c.padding = 0;
      } else {
        NORSE_CHECK(text->second == "same", InvalidArgument, f_.where(),
                    "field 'padding' must be integers, \"same\" or \"valid\", got \"", text->second, "\"");
        const int64_t th = c.dilation.h * (w.size(2) - 1), tw = c.dilation.w * (w.size(3) - 1);
        NORSE_CHECK(th % 2 == 0 && tw % 2 == 0 && c.stride == Size2(1), InvalidArgument, f_.where(),
                    "padding \"same\" needs stride 1 and an odd dilated kernel (symmetric padding), got kernel ",
                    w.size(2), "x", w.size(3), ", dilation (", c.dilation.h, ", ", c.dilation.w, ")");
        c.padding = Size2(th / 2, tw / 2);
      }
    } else {
      c.padding = f_.pair("padding");
    }
    Generator init(0);
    auto conv = std::make_shared<nn::Conv2d>(w.size(1) * c.groups, w.size(0), 1, init, 1, 0, true);
    conv->weight = Variable(w, true);
    Tensor b = f_.array("bias").to_tensor(o_.device);
    if (b.numel() == 1 && w.size(0) != 1) b = full({w.size(0)}, b.to(Device::kCPU).to_vector()[0], o_.device);
    conv->bias = Variable(b.reshape({w.size(0)}), true);
    conv->options = c;
    layer(conv);
  }

  void flatten() {
    int64_t start = f_.integer("start_dim"), end = f_.integer("end_dim");
    if (!o_.norse_compat) {
      // NIR counts the sample's dimensions; the module sees [B, ...].
      NORSE_CHECK(start >= 0, InvalidArgument, f_.where(),
                  "start_dim must be >= 0 (NIR counts the sample's dimensions), got ", start);
      start += 1;
      if (end >= 0) end += 1;
    }
    layer(std::make_shared<nn::Flatten>(start, end));
  }

  void pool() {
    const Size2 k = f_.pair("kernel_size"), s = f_.pair("stride"), p = f_.pair("padding");
    NORSE_CHECK(k.h == k.w && s.h == s.w && p.h == p.w, InvalidArgument, f_.where(),
                "only square windows are supported (kernel_size, stride, padding equal on both axes), got kernel (",
                k.h, ", ", k.w, "), stride (", s.h, ", ", s.w, "), padding (", p.h, ", ", p.w, ")");
    const bool sum = node_.type == "SumPool2d";
    // Norse's LPPool2d(norm_type=1) takes no padding: it ignores NIR's.
    const int64_t padding = sum && o_.norse_compat ? 0 : p.h;
    layer(std::make_shared<PoolLayer>(Pool2dOptions{k.h, s.h, padding}, sum ? static_cast<float>(k.h * k.w) : 1.0f));
  }

  // v_reset as NIR has it (default 0), or 0 where Norse ignores it.
  Variable v_reset() const {
    return o_.norse_compat ? Variable(scalar_tensor(0.0f).to(o_.device)) : f_.param("v_reset", 0.0f);
  }

  std::shared_ptr<nn::LIFBoxCell> lif_box(const std::string& tau_field, bool reset_subtract) {
    lif_box::Params p;
    p.tau_mem_inv = f_.inverse(tau_field);
    p.v_leak = f_.param("v_leak", 0.0f);
    p.v_th = f_.param("v_threshold", 1.0f);
    p.v_reset = v_reset();
    p.reset_subtract = reset_subtract;
    p.allow_unstable_euler = o_.allow_unstable_euler;
    return std::make_shared<nn::LIFBoxCell>(p, o_.dt);
  }
  std::shared_ptr<nn::LIBoxCell> li_box(const std::string& tau_field) {
    li_box::Params p;
    p.tau_mem_inv = f_.inverse(tau_field);
    p.v_leak = f_.param("v_leak", 0.0f);
    p.allow_unstable_euler = o_.allow_unstable_euler;
    return std::make_shared<nn::LIBoxCell>(p, o_.dt);
  }

  void lif() {
    scale_by("r", !o_.norse_compat);
    cell(lif_box("tau", o_.reset_subtract && !o_.norse_compat), "v");
  }
  void li() {
    scale_by("r", !o_.norse_compat);
    cell(li_box("tau"), "v");
  }
  void cuba(bool spiking) {
    scale_by("w_in", true);
    cell(li_box("tau_syn"), "i_syn");
    scale_by("r", true);
    if (spiking) {
      cell(lif_box("tau_mem", o_.reset_subtract), "v");
    } else {
      cell(li_box("tau_mem"), "v");
    }
  }
  void integrate_and_fire() {
    scale_by("r", !o_.norse_compat);
    iaf::Params p;
    p.v_th = f_.param("v_threshold", 1.0f);
    p.v_reset = v_reset();
    cell(std::make_shared<nn::IAFCell>(p, o_.dt), "v");
  }
  void delay() {
    const Array& d = f_.array("delay");
    std::vector<int64_t> steps;
    for (size_t k = 0; k < d.values.size(); ++k) {
      const double s = d.values[k] / static_cast<double>(o_.dt);
      const double r = std::round(s);
      NORSE_CHECK(d.values[k] >= 0 && std::abs(s - r) <= 1e-3 * std::max(1.0, r), InvalidArgument, f_.where(),
                  "field 'delay' = ", d.values[k], " s (flat index ", k,
                  ") is not a whole number of steps of dt = ", o_.dt,
                  " s, so it cannot be honoured; choose a dt that divides it");
      steps.push_back(static_cast<int64_t>(r));
    }
    cell(std::make_shared<DelayCell>(steps, d.shape, o_.device), "");
  }

  const Node& node_;
  const ImportOptions& o_;
  FieldReader f_;
};

void flatten_into(const Graph& g, const std::string& prefix, bool nested, Graph& out) {
  // Where edges naming a nested graph itself go: its Input (as a target) or Output (as a source).
  auto endpoint = [&](const std::string& name, const char* type) -> std::string {
    const auto it = g.nodes.find(name);
    if (it == g.nodes.end() || !it->second.graph) return prefix + name;
    std::vector<std::string> found;
    for (const auto& [inner, node] : it->second.graph->nodes) {
      if (node.type == type) found.push_back(inner);
    }
    NORSE_CHECK(found.size() == 1, IoError, "nir", "edge to or from nested graph '", prefix + name,
                "' needs exactly one ", type, " node in it, found ", found.size());
    return prefix + name + "." + found[0];
  };
  for (const auto& [name, node] : g.nodes) {
    if (node.graph) {
      flatten_into(*node.graph, prefix + name + ".", true, out);
      continue;
    }
    Node copy = node;
    if (nested && (node.type == "Input" || node.type == "Output")) copy.type = kIdentity;
    out.nodes.emplace(prefix + name, std::move(copy));
  }
  for (const auto& [from, to] : g.edges) out.edges.emplace_back(endpoint(from, "Output"), endpoint(to, "Input"));
}

}  // namespace

Graph flatten_subgraphs(const Graph& graph) {
  Graph out;
  out.version = graph.version;
  flatten_into(graph, "", false, out);
  return out;
}

int Network::index_of(const std::string& name) const {
  for (size_t k = 0; k < nodes_.size(); ++k) {
    if (nodes_[k].name == name) return static_cast<int>(k);
  }
  return -1;
}

Network::Network(const Graph& graph, const ImportOptions& options) : options_(options) {
  NORSE_CHECK(std::isfinite(options.dt) && options.dt > 0.0f, InvalidArgument, "nir::Network",
              "dt must be finite and > 0, got ", options.dt);
  validate(graph, "nir::Network");
  graph_ = flatten_subgraphs(graph);
  std::vector<std::string> inputs, outputs;
  for (const auto& [name, node] : graph_.nodes) {
    if (node.type == "Input") inputs.push_back(name);
    if (node.type == "Output") outputs.push_back(name);
  }
  NORSE_CHECK(inputs.size() == 1 && outputs.size() == 1, InvalidArgument,
              "nir::Network: the graph must have one Input and one Output node, got ", inputs.size(), " Input and ",
              outputs.size(), " Output nodes");

  // Every node's modules; a node has state when one of them is a cell.
  std::map<std::string, NodeEntry> entries;
  for (const auto& [name, node] : graph_.nodes) {
    StageBuilder b(name, node, options_);
    b.build();
    entries[name] = NodeEntry{name, node.type, std::move(b.stages), {}};
  }
  auto has_state = [&](const std::string& name) {
    for (const detail::NodeStage& s : entries.at(name).stages) {
      if (s.cell) return true;
    }
    return false;
  };

  // Depth-first from the Input node, successors in edge order; post-order reversed is the
  // evaluation order, and an edge into a node still on the walk's stack closes a cycle.
  std::map<std::string, std::vector<std::pair<size_t, std::string>>> successors;
  for (size_t k = 0; k < graph_.edges.size(); ++k)
    successors[graph_.edges[k].first].emplace_back(k, graph_.edges[k].second);
  std::map<std::string, int> mark;  // 1: on the stack, 2: done
  std::vector<std::string> post_order, stack;
  std::set<size_t> recurrent;
  std::function<void(const std::string&)> visit = [&](const std::string& n) {
    mark[n] = 1;
    stack.push_back(n);
    for (const auto& [edge, next] : successors[n]) {
      if (mark[next] == 1) {
        recurrent.insert(edge);
        // The cycle next -> ... -> n -> next needs a node with state to hold the value for a step.
        bool stateful = false;
        std::string path;
        for (auto it = std::find(stack.begin(), stack.end(), next); it != stack.end(); ++it) {
          stateful = stateful || has_state(*it);
          path += *it + " -> ";
        }
        NORSE_CHECK(stateful, InvalidArgument, "nir::Network", "the cycle ", path, next,
                    " has no node with state (LIF, CubaLIF, LI, CubaLI, IF, I, Delay) to break it");
      } else if (mark[next] == 0) {
        visit(next);
      }
    }
    stack.pop_back();
    mark[n] = 2;
    post_order.push_back(n);
  };
  visit(inputs[0]);
  for (const auto& [name, node] : graph_.nodes) {
    if (mark[name] == 0) visit(name);  // nodes the input does not reach (constant sources)
  }
  for (auto it = post_order.rbegin(); it != post_order.rend(); ++it) nodes_.push_back(std::move(entries.at(*it)));
  for (size_t k = 0; k < graph_.edges.size(); ++k) {
    const int from = index_of(graph_.edges[k].first), to = index_of(graph_.edges[k].second);
    nodes_[static_cast<size_t>(to)].inputs.push_back({from, recurrent.count(k) > 0});
  }
  input_ = index_of(inputs[0]);
  output_ = index_of(outputs[0]);
  NORSE_CHECK(!nodes_[static_cast<size_t>(output_)].inputs.empty(), InvalidArgument, "nir::Network",
              "the Output node '", outputs[0], "' has no incoming edge");
}

Variable Network::forward(const Variable& input, State& state, std::map<std::string, Variable>* node_outputs) {
  if (state.nodes.empty()) {
    state.nodes.resize(nodes_.size());
    for (size_t k = 0; k < nodes_.size(); ++k) state.nodes[k].resize(nodes_[k].stages.size());
    state.previous.assign(nodes_.size(), Variable());
  }
  NORSE_CHECK(state.nodes.size() == nodes_.size(), InvalidArgument, "nir::Network::forward", "argument 'state' is for ",
              state.nodes.size(), " nodes, the network has ", nodes_.size());
  std::vector<Variable> out(nodes_.size());
  for (size_t k = 0; k < nodes_.size(); ++k) {
    const NodeEntry& n = nodes_[k];
    Variable x;
    if (static_cast<int>(k) == input_) {
      x = input;
    } else {
      for (const Source& src : n.inputs) {
        const Variable v = (src.previous_step ? state.previous : out)[static_cast<size_t>(src.node)];
        if (!v.defined()) continue;  // a recurrent edge at the first step: zero
        x = x.defined() ? add(x, v) : v;
      }
      NORSE_CHECK(x.defined(), InvalidArgument, "nir::Network::forward", "node '", n.name,
                  "' has no input at this step (no edge reaches it from the Input node)");
    }
    for (size_t s = 0; s < n.stages.size(); ++s) {
      x = n.stages[s].layer ? n.stages[s].layer->forward(x) : n.stages[s].cell->forward(x, state.nodes[k][s]);
    }
    out[k] = x;
  }
  for (const NodeEntry& n : nodes_) {
    for (const Source& src : n.inputs) {
      if (src.previous_step) state.previous[static_cast<size_t>(src.node)] = out[static_cast<size_t>(src.node)];
    }
  }
  if (node_outputs != nullptr) {
    node_outputs->clear();
    for (size_t k = 0; k < nodes_.size(); ++k) (*node_outputs)[nodes_[k].name] = out[k];
  }
  return out[static_cast<size_t>(output_)];
}

Variable Network::run(const Variable& inputs, State& state) {
  NORSE_CHECK(inputs.defined() && inputs.dim() >= 2, ShapeError, "nir::Network::run",
              "argument 'inputs' must be [T, B, ...], got ",
              inputs.defined() ? shape_to_string(inputs.shape()) : std::string("undefined"));
  std::vector<Variable> steps;
  for (int64_t t = 0; t < inputs.size(0); ++t) steps.push_back(forward(select(inputs, 0, t), state));
  return stack(steps, 0);
}

std::map<std::string, Variable> Network::node_state(const std::string& name, const State& state) const {
  const int k = index_of(name);
  NORSE_CHECK(k >= 0, InvalidArgument, "nir::Network::node_state", "no node '", name, "'");
  std::map<std::string, Variable> out;
  if (state.nodes.empty()) return out;
  const NodeEntry& n = nodes_[static_cast<size_t>(k)];
  for (size_t s = 0; s < n.stages.size(); ++s) {
    const nn::LayerState& ls = state.nodes[static_cast<size_t>(k)][s];
    if (!n.stages[s].state_name.empty() && !ls.empty()) out[n.stages[s].state_name] = ls[0];
  }
  return out;
}

std::vector<std::string> Network::node_names() const {
  std::vector<std::string> out;
  for (const NodeEntry& n : nodes_) out.push_back(n.name);
  return out;
}

const std::string& Network::node_type(const std::string& name) const {
  const int k = index_of(name);
  NORSE_CHECK(k >= 0, InvalidArgument, "nir::Network::node_type", "no node '", name, "'");
  return nodes_[static_cast<size_t>(k)].type;
}

std::vector<std::pair<std::string, std::string>> Network::recurrent_edges() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const NodeEntry& n : nodes_) {
    for (const Source& src : n.inputs) {
      if (src.previous_step) out.emplace_back(nodes_[static_cast<size_t>(src.node)].name, n.name);
    }
  }
  return out;
}

std::vector<nn::NamedParameter> Network::named_parameters() {
  std::vector<nn::NamedParameter> out;
  for (NodeEntry& n : nodes_) {
    for (detail::NodeStage& s : n.stages) {
      nn::Module* m = s.layer ? static_cast<nn::Module*>(s.layer.get()) : s.cell.get();
      for (auto& [pname, var] : m->named_parameters()) out.emplace_back(n.name + "." + pname, var);
    }
  }
  return out;
}

Graph Network::to_graph() const {
  Graph g = graph_;
  g.version.clear();
  for (const NodeEntry& n : nodes_) {
    Node& node = g.nodes.at(n.name);
    NORSE_CHECK(node.type != kIdentity, InvalidArgument, "nir::Network::to_graph", "node '", n.name,
                "' came from a nested graph; writing nested graphs back is not supported (write the original graph)");
    for (const detail::NodeStage& s : n.stages) {
      auto keep_dtype = [&](const char* field, const Tensor& value) {
        Array a = Array::from_tensor(value);
        const auto it = node.fields.find(field);
        if (it != node.fields.end()) {
          a.dtype = it->second.dtype;
          a.shape = it->second.shape;
        }
        node.fields[field] = a;
      };
      if (auto* lin = dynamic_cast<nn::Linear*>(s.layer.get())) {
        keep_dtype("weight", lin->weight.value());
        if (lin->bias.defined()) keep_dtype("bias", lin->bias.value());
      } else if (auto* conv = dynamic_cast<nn::Conv2d*>(s.layer.get())) {
        keep_dtype("weight", conv->weight.value());
        if (node.fields.at("bias").numel() == conv->bias.value().numel()) keep_dtype("bias", conv->bias.value());
      }
    }
  }
  return g;
}

// --- export of module networks --------------------------------------------------------------------

namespace {

// The float32 tau whose float32 reciprocal is exactly `inv` (importers compute 1/tau in float32),
// searched among the neighbours of 1/inv; the nearest one when none is exact.
float exact_reciprocal(float inv) {
  const float t0 = 1.0f / inv;
  float up = t0, down = t0;
  for (int k = 0; k < 8; ++k) {
    if (1.0f / up == inv) return up;
    if (1.0f / down == inv) return down;
    up = std::nextafter(up, INFINITY);
    down = std::nextafter(down, 0.0f);
  }
  return t0;
}

// A neuron parameter broadcast to the node's shape, as a float32 array.
Array per_neuron(const Variable& p, const Shape& shape, const std::function<float(float)>& f = nullptr) {
  const Tensor t = p.value().to(Device::kCPU).contiguous();
  const std::vector<float> v = t.to_vector();
  const int64_t n = shape_numel(shape);
  NORSE_CHECK(!v.empty() && n % static_cast<int64_t>(v.size()) == 0, InvalidArgument,
              "nir::to_graph: a neuron parameter of shape ", shape_to_string(t.shape()), " does not broadcast to ",
              shape_to_string(shape));
  Array a;
  a.shape = shape;
  a.values.resize(static_cast<size_t>(n));
  for (int64_t k = 0; k < n; ++k) {
    const float x = v[static_cast<size_t>(k % static_cast<int64_t>(v.size()))];
    a.values[static_cast<size_t>(k)] = f ? f(x) : x;
  }
  return a;
}

Array constant(const Shape& shape, float value) {
  Array a;
  a.shape = shape;
  a.values.assign(static_cast<size_t>(shape_numel(shape)), value);
  return a;
}

// NIR's IF node of IAF neurons of shape `out` (the cell, the sequence and the recurrent flavours).
Node if_node(const iaf::Params& p, const Shape& out) {
  Node node;
  node.type = "IF";
  node.fields["r"] = constant(out, 1.0f);
  node.fields["v_threshold"] = per_neuron(p.v_th, out);
  node.fields["v_reset"] = per_neuron(p.v_reset, out);
  return node;
}

class Exporter {
 public:
  explicit Exporter(float* dt) : dt_out_(dt) {}

  // Adds `layer`, whose output per sample has shape `out` (input `in`), as node "_<k>".
  void add(nn::Module& layer, const Shape& in, const Shape& out, const std::string& what) {
    if (auto* lift = dynamic_cast<nn::Lift*>(&layer)) return add(lift->layer(), in, out, what);
    if (auto* r = dynamic_cast<nn::RecurrentBase<nn::neuron::IAF>*>(&layer)) return add_recurrent_iaf(*r, out);
    Node node;
    if (auto* lin = dynamic_cast<nn::Linear*>(&layer)) {
      node.type = lin->bias.defined() ? "Affine" : "Linear";
      node.fields["weight"] = Array::from_tensor(lin->weight.value());
      if (lin->bias.defined()) node.fields["bias"] = Array::from_tensor(lin->bias.value());
    } else if (auto* conv = dynamic_cast<nn::Conv2d*>(&layer)) {
      const Conv2dOptions& c = conv->options;
      node.type = "Conv2d";
      node.fields["weight"] = Array::from_tensor(conv->weight.value());
      node.fields["bias"] =
          conv->bias.defined() ? Array::from_tensor(conv->bias.value()) : constant({conv->weight.size(0)}, 0.0f);
      node.fields["stride"] = Array::ints({c.stride.h, c.stride.w});
      node.fields["padding"] = Array::ints({c.padding.h, c.padding.w});
      node.fields["dilation"] = Array::ints({c.dilation.h, c.dilation.w});
      node.fields["groups"] = Array::ints({c.groups}, true);
      node.fields["input_shape"] = Array::ints({in.at(1), in.at(2)});
    } else if (auto* flat = dynamic_cast<nn::Flatten*>(&layer)) {
      const int64_t rank = static_cast<int64_t>(in.size()) + 1;  // with the batch dimension
      const int64_t s = flat->start_dim() < 0 ? flat->start_dim() + rank : flat->start_dim();
      const int64_t e = flat->end_dim();
      NORSE_CHECK(s >= 1, InvalidArgument, "nir::to_graph", what,
                  ": Flatten over the batch dimension (start_dim 0) has no NIR equivalent");
      node.type = "Flatten";
      node.fields["start_dim"] = Array::ints({s - 1}, true);
      node.fields["end_dim"] = Array::ints({e < 0 ? e : e - 1}, true);
      node.fields["input_type.input"] = Array::ints(in);
    } else if (auto* pool = dynamic_cast<nn::AvgPool2d*>(&layer)) {
      const Pool2dOptions& p = pool->options();
      const int64_t stride = p.stride == 0 ? p.kernel_size : p.stride;
      node.type = "AvgPool2d";
      node.fields["kernel_size"] = Array::ints({p.kernel_size, p.kernel_size});
      node.fields["stride"] = Array::ints({stride, stride});
      node.fields["padding"] = Array::ints({p.padding, p.padding});
    } else if (auto* c = dynamic_cast<nn::NeuronModule<nn::neuron::LIFBox>*>(&layer)) {
      NORSE_CHECK(!c->params.reset_subtract, InvalidArgument, "nir::to_graph", what,
                  ": LIFBox with reset_subtract has no NIR equivalent (NIR's LIF resets to v_reset)");
      use_dt(c->dt, what);
      node.type = "LIF";
      node.fields["tau"] = per_neuron(c->params.tau_mem_inv, out, exact_reciprocal);
      node.fields["r"] = constant(out, 1.0f);
      node.fields["v_leak"] = per_neuron(c->params.v_leak, out);
      node.fields["v_threshold"] = per_neuron(c->params.v_th, out);
      node.fields["v_reset"] = per_neuron(c->params.v_reset, out);
    } else if (auto* c = dynamic_cast<nn::NeuronModule<nn::neuron::LIBox>*>(&layer)) {
      use_dt(c->dt, what);
      node.type = "LI";
      node.fields["tau"] = per_neuron(c->params.tau_mem_inv, out, exact_reciprocal);
      node.fields["r"] = constant(out, 1.0f);
      node.fields["v_leak"] = per_neuron(c->params.v_leak, out);
    } else if (auto* c = dynamic_cast<nn::NeuronModule<nn::neuron::IAF>*>(&layer)) {
      node = if_node(c->params, out);
    } else if (dynamic_cast<nn::NeuronModule<nn::neuron::LIF>*>(&layer) != nullptr) {
      throw InvalidArgument(str_cat("nir::to_graph: ", what,
                                    ": LIF (with a synaptic current) has no exact NIR equivalent: NIR's CubaLIF "
                                    "scales the input by dt/tau_syn and updates the current before the membrane, "
                                    "Norse's LIF adds the input unscaled and decays it after (Norse exports it as "
                                    "CubaLIF anyway, and that file does not reproduce the network); use LIFBox"));
    } else {
      throw InvalidArgument(str_cat("nir::to_graph: ", what,
                                    ": this module has no NIR node (supported: Linear, Conv2d, "
                                    "Flatten, AvgPool2d, Lift, LIFBox, LIBox, IAF cells and sequences, IAF "
                                    "recurrent cells and sequences)"));
    }
    const std::string name = "_" + std::to_string(count_++);
    graph.nodes.emplace(name, std::move(node));
    graph.edges.emplace_back(last_, name);
    last_ = name;
  }

  // IAFRecurrent(Cell) as NIR's recurrent pattern: _k_in (Linear: input_weights) -> _k (IF) ->
  // _k_rec (Linear: recurrent_weights, the diagonal zeroed without autapses) -> _k. The importer
  // runs the loop edge one step late, which is the recurrent cell's z_prev.
  void add_recurrent_iaf(nn::RecurrentBase<nn::neuron::IAF>& r, const Shape& out) {
    const std::string name = "_" + std::to_string(count_++);
    Node in, loop;
    in.type = loop.type = "Linear";
    in.fields["weight"] = Array::from_tensor(r.input_weights.value());
    NoGradGuard no_grad;
    loop.fields["weight"] = Array::from_tensor(norse::detail::apply_autapses(r.recurrent_weights, r.autapses).value());
    graph.nodes.emplace(name + "_in", std::move(in));
    graph.nodes.emplace(name, if_node(r.params, out));
    graph.nodes.emplace(name + "_rec", std::move(loop));
    graph.edges.emplace_back(last_, name + "_in");
    graph.edges.emplace_back(name + "_in", name);
    graph.edges.emplace_back(name, name + "_rec");
    graph.edges.emplace_back(name + "_rec", name);
    last_ = name;
  }

  void finish(const Shape& in, const Shape& out) {
    Node i, o;
    i.type = "Input";
    i.fields["shape"] = Array::ints(in);
    o.type = "Output";
    o.fields["shape"] = Array::ints(out);
    graph.nodes.emplace("input", std::move(i));
    graph.nodes.emplace("output", std::move(o));
    graph.edges.emplace_back(last_, "output");
    if (dt_out_ != nullptr && dt_ > 0.0f) *dt_out_ = dt_;
  }

  Graph graph;

 private:
  void use_dt(float dt, const std::string& what) {
    NORSE_CHECK(dt_ == 0.0f || dt_ == dt, InvalidArgument, "nir::to_graph", what, " has dt = ", dt,
                " but an earlier neuron module has dt = ", dt_, " (NIR importers run one dt for the whole graph)");
    dt_ = dt;
  }
  float* dt_out_;
  float dt_ = 0.0f;
  int count_ = 0;
  std::string last_ = "input";
};

bool is_sequence_module(nn::Module& m) {
  return dynamic_cast<nn::Lift*>(&m) != nullptr || dynamic_cast<nn::Sequence<nn::neuron::LIFBox>*>(&m) != nullptr ||
         dynamic_cast<nn::Sequence<nn::neuron::LIBox>*>(&m) != nullptr ||
         dynamic_cast<nn::Sequence<nn::neuron::IAF>*>(&m) != nullptr ||
         dynamic_cast<nn::Recurrent<nn::neuron::IAF>*>(&m) != nullptr ||
         dynamic_cast<nn::Sequence<nn::neuron::LIF>*>(&m) != nullptr;
}

}  // namespace

Graph to_graph(nn::SequentialState& net, const Shape& sample_shape, float* dt) {
  std::vector<nn::Module*> layers;
  for (size_t k = 0; k < net.size(); ++k) layers.push_back(&net.module(k));
  NORSE_CHECK(!layers.empty(), InvalidArgument, "nir::to_graph", "the network has no layers");
  // Shapes from one step of one zero sample ([1, 1, ...] for sequence modules).
  bool sequence = false;
  for (nn::Module* m : layers) sequence = sequence || is_sequence_module(*m);
  Shape shape = sample_shape;
  shape.insert(shape.begin(), 1);
  if (sequence) shape.insert(shape.begin(), 1);
  const size_t lead = sequence ? 2 : 1;
  std::vector<nn::LayerState> states;
  std::vector<Variable> outputs;
  net.forward(Variable(zeros(shape)), states, &outputs);
  Exporter e(dt);
  Shape in = sample_shape;
  for (size_t k = 0; k < layers.size(); ++k) {
    const Shape out(outputs[k].shape().begin() + static_cast<int64_t>(lead), outputs[k].shape().end());
    e.add(*layers[k], in, out, str_cat("layer ", k));
    in = out;
  }
  e.finish(sample_shape, in);
  validate(e.graph, "nir::to_graph");
  return e.graph;
}

}  // namespace nir
}  // namespace norse
