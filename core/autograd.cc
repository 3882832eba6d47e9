#include "core/autograd.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/parallel.h"
#include "core/tensor_ops.h"

namespace norse {

struct VariableImpl {
  Tensor value;
  Tensor grad;
  bool requires_grad = false;
  std::shared_ptr<Node> grad_fn;
  int output_index = 0;
};

namespace {

thread_local bool t_grad_mode = true;
thread_local bool t_anomaly_mode = false;
thread_local const GradReadyFn* t_grad_ready = nullptr;
std::atomic<int64_t> g_live_nodes{0};

const VariableImpl& checked(const std::shared_ptr<VariableImpl>& impl, const char* op) {
  NORSE_CHECK(impl != nullptr, InvalidArgument, op, "the Variable is undefined (default-constructed)");
  return *impl;
}

// Adds `g` into a gradient buffer. The first gradient is stored as is (it may alias another
// buffer), later ones are added out of place, so no buffer is ever written through an alias.
void accumulate_buffer(Tensor& buffer, const Tensor& g) { buffer = buffer.defined() ? add(buffer, g) : g; }

// Adds `g` into a leaf's .grad, which the leaf owns exclusively (a fresh copy on first use).
void accumulate_leaf(VariableImpl& leaf, const Tensor& g) {
  if (!leaf.grad.defined()) {
    leaf.grad = g.clone();
  } else if (leaf.grad.is_contiguous()) {
    add_(leaf.grad, g);
  } else {
    leaf.grad = add(leaf.grad, g);
  }
}

// Anomaly mode: throws naming the op when a value it produced is not finite.
void check_anomaly(const char* op, const char* what, size_t index, const Tensor& t) {
  if (!t.defined()) return;
  const NonFiniteElement bad = first_non_finite(t);
  if (!bad.found()) return;
  throw NonFiniteError(str_cat("anomaly detected: ", what, " ", index, " of op '", op, "' (shape ",
                               shape_to_string(t.shape()), ") is ", bad.value, " at flat index ", bad.index,
                               "; it is the first non-finite value on this tape"));
}

}  // namespace

NonFiniteElement first_non_finite(const Tensor& t) {
  const Tensor host = t.to(Device::kCPU).contiguous();
  const float* p = host.data();
  const int64_t n = host.numel();
  // Blocks tested in parallel with a branch-free test of the exponent bits (all ones: inf or
  // NaN) that the compiler vectorises; the first flagged block is then searched element by
  // element. The optimizer checks every gradient each step: a scalar loop with an early exit
  // was a serial pass over all the parameters.
  constexpr int64_t kBlock = 4096;
  const int64_t blocks = (n + kBlock - 1) / kBlock;
  std::vector<unsigned char> flagged(static_cast<size_t>(blocks), 0);
  parallel_for(blocks, 16, [&](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) {
      uint32_t any = 0;
      for (int64_t k = b * kBlock; k < std::min(n, (b + 1) * kBlock); ++k) {
        uint32_t bits;
        std::memcpy(&bits, p + k, sizeof bits);
        any |= static_cast<uint32_t>((bits & 0x7f800000u) == 0x7f800000u);
      }
      flagged[static_cast<size_t>(b)] = any != 0;
    }
  });
  for (int64_t b = 0; b < blocks; ++b) {
    if (!flagged[static_cast<size_t>(b)]) continue;
    for (int64_t k = b * kBlock; k < std::min(n, (b + 1) * kBlock); ++k) {
      if (!std::isfinite(p[k])) return {k, p[k]};
    }
  }
  return {};
}

// ---------------------------------------------------------------------------------------------
// Anomaly mode

bool anomaly_mode_enabled() { return t_anomaly_mode; }
AnomalyModeGuard::AnomalyModeGuard(bool enabled) : previous_(t_anomaly_mode) { t_anomaly_mode = enabled; }
AnomalyModeGuard::~AnomalyModeGuard() { t_anomaly_mode = previous_; }

// ---------------------------------------------------------------------------------------------
// Grad mode

bool grad_mode_enabled() { return t_grad_mode; }
NoGradGuard::NoGradGuard() : previous_(t_grad_mode) { t_grad_mode = false; }
NoGradGuard::~NoGradGuard() { t_grad_mode = previous_; }
GradReadyScope::GradReadyScope(GradReadyFn on_ready) : on_ready_(std::move(on_ready)), previous_(t_grad_ready) {
  t_grad_ready = &on_ready_;
}
GradReadyScope::~GradReadyScope() { t_grad_ready = previous_; }

// ---------------------------------------------------------------------------------------------
// Node

Node::Node(const char* name, std::vector<Edge> inputs, std::vector<Shape> output_shapes, BackwardFn backward,
           Device device)
    : name_(name),
      inputs_(std::move(inputs)),
      output_shapes_(std::move(output_shapes)),
      backward_(std::move(backward)),
      device_(device) {
  ++g_live_nodes;
}

Node::~Node() {
  --g_live_nodes;
  // Iterative teardown: when this node holds the last reference to an input node, take that
  // node's edges before it dies, so destroying a long chain never recurses.
  std::vector<std::shared_ptr<Node>> pending;
  for (Edge& e : inputs_) {
    if (e.node) pending.push_back(std::move(e.node));
  }
  while (!pending.empty()) {
    std::shared_ptr<Node> n = std::move(pending.back());
    pending.pop_back();
    if (n.use_count() == 1) {
      for (Edge& e : n->inputs_) {
        if (e.node) pending.push_back(std::move(e.node));
      }
    }
  }
}

int64_t live_node_count() { return g_live_nodes.load(); }

// ---------------------------------------------------------------------------------------------
// Variable

Variable::Variable(Tensor value, bool requires_grad) : impl_(std::make_shared<VariableImpl>()) {
  NORSE_CHECK(value.defined(), InvalidArgument, "Variable", "cannot wrap an undefined tensor");
  impl_->value = std::move(value);
  impl_->requires_grad = requires_grad;
}

const Tensor& Variable::value() const { return checked(impl_, "Variable::value").value; }
Tensor& Variable::mutable_value() {
  checked(impl_, "Variable::mutable_value");
  return impl_->value;
}
const Tensor& Variable::grad() const { return checked(impl_, "Variable::grad").grad; }
Tensor& Variable::mutable_grad() {
  checked(impl_, "Variable::mutable_grad");
  return impl_->grad;
}
bool Variable::requires_grad() const { return impl_ != nullptr && impl_->requires_grad; }
bool Variable::is_leaf() const { return checked(impl_, "Variable::is_leaf").grad_fn == nullptr; }
const std::shared_ptr<Node>& Variable::grad_fn() const { return checked(impl_, "Variable::grad_fn").grad_fn; }
int Variable::output_index() const { return checked(impl_, "Variable::output_index").output_index; }

Variable& Variable::set_requires_grad(bool requires_grad) {
  NORSE_CHECK(is_leaf(), AutogradError, "Variable::set_requires_grad",
              "only leaf Variables can change requires_grad; use detach() on a computed one");
  impl_->requires_grad = requires_grad;
  return *this;
}

void Variable::zero_grad() {
  checked(impl_, "Variable::zero_grad");
  impl_->grad = Tensor();
}

Variable Variable::detach() const { return Variable(value(), false); }

void Variable::backward(bool retain_graph) const {
  const Tensor& v = value();
  NORSE_CHECK(v.numel() == 1, AutogradError, "backward",
              "backward() without a gradient needs a one-element output, got shape ", shape_to_string(v.shape()),
              "; pass grad_output explicitly");
  norse::backward({*this}, {ones(v.shape(), v.device())}, retain_graph);
}

void Variable::backward(const Tensor& grad_output, bool retain_graph) const {
  norse::backward({*this}, {grad_output}, retain_graph);
}

// ---------------------------------------------------------------------------------------------
// Recording

std::vector<Variable> record_op(const char* name, std::vector<Tensor> outputs, const std::vector<Variable>& inputs,
                                BackwardFn backward_fn) {
  if (t_anomaly_mode) {
    for (size_t i = 0; i < outputs.size(); ++i) check_anomaly(name, "forward: output", i, outputs[i]);
  }
  bool record = false;
  if (grad_mode_enabled()) {
    for (const Variable& in : inputs) record = record || in.requires_grad();
  }
  std::vector<Variable> result;
  result.reserve(outputs.size());
  if (!record) {
    for (Tensor& out : outputs) result.emplace_back(std::move(out));
    return result;  // backward_fn and what it saved die here
  }
  std::vector<Node::Edge> edges(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i].requires_grad()) continue;
    const std::shared_ptr<VariableImpl>& impl = inputs[i].impl_;
    if (impl->grad_fn) {
      edges[i].node = impl->grad_fn;
      edges[i].output_index = impl->output_index;
    } else {
      edges[i].leaf = impl;
    }
  }
  std::vector<Shape> shapes;
  shapes.reserve(outputs.size());
  for (const Tensor& out : outputs) shapes.push_back(out.shape());
  const Device device = outputs.empty() ? Device::kCPU : outputs[0].device();
  for (size_t i = 1; i < outputs.size(); ++i) {
    NORSE_CHECK(outputs[i].device() == device, DeviceError, name, "output ", i, " is on ",
                device_name(outputs[i].device()), ", output 0 on ", device_name(device));
  }
  auto node = std::make_shared<Node>(name, std::move(edges), std::move(shapes), std::move(backward_fn), device);
  for (size_t i = 0; i < outputs.size(); ++i) {
    Variable v;
    v.impl_ = std::make_shared<VariableImpl>();
    v.impl_->value = std::move(outputs[i]);
    v.impl_->requires_grad = true;
    v.impl_->grad_fn = node;
    v.impl_->output_index = static_cast<int>(i);
    result.push_back(std::move(v));
  }
  return result;
}

Variable record_op(const char* name, Tensor output, const std::vector<Variable>& inputs, BackwardFn backward_fn) {
  std::vector<Tensor> outputs;
  outputs.push_back(std::move(output));
  return std::move(record_op(name, std::move(outputs), inputs, std::move(backward_fn))[0]);
}

// ---------------------------------------------------------------------------------------------
// Backward: build the tape (topological order), then sweep it once.

void backward(const std::vector<Variable>& roots, const std::vector<Tensor>& grad_outputs, bool retain_graph) {
  NORSE_CHECK(roots.size() == grad_outputs.size(), InvalidArgument, "backward", "got ", roots.size(), " roots but ",
              grad_outputs.size(), " gradients");
  std::unordered_map<Node*, std::vector<Tensor>> buffers;
  std::vector<Node*> starts;
  std::vector<std::shared_ptr<VariableImpl>> root_leaves;
  for (size_t r = 0; r < roots.size(); ++r) {
    const Variable& root = roots[r];
    NORSE_CHECK(root.defined(), InvalidArgument, "backward", "root ", r, " is undefined");
    NORSE_CHECK(root.requires_grad(), AutogradError, "backward", "root ", r,
                " does not require grad (no input of its computation requires a gradient, or it "
                "was computed under NoGradGuard)");
    check_shape("backward", "grad_output", root.shape(), grad_outputs[r].shape());
    if (root.is_leaf()) {  // d root / d root = 1: the gradient is grad_output itself
      accumulate_leaf(*root.impl_, grad_outputs[r]);
      root_leaves.push_back(root.impl_);
      continue;
    }
    Node* node = root.grad_fn().get();
    std::vector<Tensor>& buf = buffers[node];
    buf.resize(node->output_shapes().size());
    accumulate_buffer(buf[static_cast<size_t>(root.output_index())], grad_outputs[r]);
    starts.push_back(node);
  }

  // Reverse post-order of an iterative DFS is a topological order: every node comes before the
  // nodes it consumes, so its gradient buffer is complete when the sweep reaches it.
  std::vector<Node*> post_order;
  std::unordered_set<Node*> visited;
  std::vector<std::pair<Node*, size_t>> stack;
  for (Node* start : starts) {
    if (!visited.insert(start).second) continue;
    stack.emplace_back(start, 0);
    while (!stack.empty()) {
      auto& [node, next] = stack.back();
      if (next < node->inputs_.size()) {
        Node* child = node->inputs_[next++].node.get();
        if (child != nullptr && visited.insert(child).second) stack.emplace_back(child, 0);
      } else {
        post_order.push_back(node);
        stack.pop_back();
      }
    }
  }

  // Gradient-ready reports: a leaf is final once every node on the tape that feeds it is swept.
  const GradReadyFn* on_ready = t_grad_ready;
  std::unordered_map<VariableImpl*, int64_t> feeders;
  const auto report = [&](const std::shared_ptr<VariableImpl>& leaf) {
    Variable v;
    v.impl_ = leaf;
    (*on_ready)(v);
  };
  const auto swept = [&](Node* node) {
    for (const Node::Edge& edge : node->inputs_) {
      if (edge.leaf && --feeders[edge.leaf.get()] == 0) report(edge.leaf);
    }
  };
  if (on_ready != nullptr) {
    for (Node* node : post_order) {
      for (const Node::Edge& edge : node->inputs_) {
        if (edge.leaf) ++feeders[edge.leaf.get()];
      }
    }
    for (const auto& leaf : root_leaves) {
      if (feeders.count(leaf.get()) == 0) report(leaf);
    }
  }

  for (size_t k = post_order.size(); k-- > 0;) {
    Node* node = post_order[k];
    auto found = buffers.find(node);
    if (found == buffers.end()) {  // no gradient reached this node
      if (on_ready != nullptr) swept(node);
      continue;
    }
    NORSE_CHECK(node->backward_ != nullptr, AutogradError, "backward", "node '", node->name_,
                "' was already freed by an earlier backward(); pass retain_graph=true to the "
                "first call, or detach() values carried between iterations");
    std::vector<Tensor> grads = std::move(found->second);
    buffers.erase(found);
    for (size_t i = 0; i < grads.size(); ++i) {
      if (!grads[i].defined()) grads[i] = zeros(node->output_shapes_[i], node->device_);
    }
    std::vector<bool> needs(node->inputs_.size());
    for (size_t i = 0; i < needs.size(); ++i) needs[i] = node->inputs_[i].requires_grad();
    std::vector<Tensor> input_grads = node->backward_(grads, needs);
    grads.clear();
    if (!retain_graph) node->backward_ = nullptr;  // frees the saved tensors now
    NORSE_CHECK(input_grads.size() == node->inputs_.size(), AutogradError, "backward", "op '", node->name_,
                "' returned ", input_grads.size(), " gradients for ", node->inputs_.size(), " inputs");
    for (size_t i = 0; i < input_grads.size(); ++i) {
      const Node::Edge& edge = node->inputs_[i];
      if (!needs[i] || !input_grads[i].defined()) continue;
      if (t_anomaly_mode) check_anomaly(node->name_, "backward: the gradient for input", i, input_grads[i]);
      const Shape& expected =
          edge.node ? edge.node->output_shapes_[static_cast<size_t>(edge.output_index)] : edge.leaf->value.shape();
      NORSE_CHECK(input_grads[i].shape() == expected, AutogradError, "backward", "op '", node->name_,
                  "' returned a gradient of shape ", shape_to_string(input_grads[i].shape()), " for input ", i,
                  " of shape ", shape_to_string(expected));
      const Device want = edge.node ? edge.node->device_ : edge.leaf->value.device();
      NORSE_CHECK(input_grads[i].device() == want, AutogradError, "backward", "op '", node->name_,
                  "' returned a gradient on ", device_name(input_grads[i].device()), " for input ", i, " on ",
                  device_name(want));
      if (edge.node) {
        std::vector<Tensor>& buf = buffers[edge.node.get()];
        buf.resize(edge.node->output_shapes_.size());
        accumulate_buffer(buf[static_cast<size_t>(edge.output_index)], input_grads[i]);
      } else {
        accumulate_leaf(*edge.leaf, input_grads[i]);
      }
    }
    if (on_ready != nullptr) swept(node);
  }
}

}  // namespace norse
