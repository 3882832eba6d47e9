// Reverse-mode automatic differentiation.
//
// Design (documented choice, see issue 2): a separate differentiable value type, Variable,
// wraps a Tensor. Plain Tensors never track gradients, so kernels and optimizers work on
// Tensors with no autograd overhead.
//
// Recording. An op computes its forward on Tensors and calls record_op() with its outputs, its
// input Variables and its backward function, written right under the forward (core/ops_*.cc).
// When grad mode is off (NoGradGuard) or no input requires a gradient, record_op records
// nothing and the backward closure, with everything it saved, is dropped at once.
//
// The graph is owned by the Variables: each non-leaf Variable holds its producing Node, a Node
// holds its input edges. When the last Variable referring to a graph dies the graph is freed, so
// a training loop that drops its loss needs no explicit "clear the tape". Node teardown is
// iterative: a chain of a million nodes does not recurse.
//
// backward() builds the tape: the nodes reachable from the root in a topological order (an
// iterative DFS, no recursion), then sweeps it once, in a flat loop, from the root to the
// leaves. Each node's backward closure and its saved tensors are released as the sweep passes it
// (unless retain_graph), so peak memory falls during backward. Calling backward again through a
// released node throws AutogradError.
//
// Gradients accumulate (+=) into leaf Variables that require grad, across backward calls, until
// zero_grad(). Gradients of non-leaf Variables are not kept.
//
// Thread-local state: the grad mode flag (NoGradGuard) and the anomaly flag (AnomalyModeGuard),
// one of each per thread; nothing else is global.
#ifndef NORSE_CORE_AUTOGRAD_H_
#define NORSE_CORE_AUTOGRAD_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace norse {

class Node;
struct VariableImpl;

class Variable {
 public:
  Variable() = default;  // undefined
  // Wraps a tensor. Implicit: a Tensor passed where a Variable is expected is a constant.
  Variable(Tensor value, bool requires_grad = false);  // NOLINT(runtime/explicit)

  bool defined() const { return impl_ != nullptr; }
  const Tensor& value() const;
  // In-place access to the value, for optimizers and initialisers. Changes made through it are
  // not recorded: do them under NoGradGuard, between backward() and the next forward.
  Tensor& mutable_value();
  // The accumulated gradient (same shape as value()); undefined before any backward reaches it.
  const Tensor& grad() const;
  // Mutable access, e.g. for an optimizer that clips in place.
  Tensor& mutable_grad();
  bool requires_grad() const;
  // Marks a leaf as trainable (or not). Throws AutogradError on a non-leaf.
  Variable& set_requires_grad(bool requires_grad);
  // True for Variables created by the user (not produced by a recorded op).
  bool is_leaf() const;
  // Resets the accumulated gradient to undefined.
  void zero_grad();

  const Shape& shape() const { return value().shape(); }
  int64_t dim() const { return value().dim(); }
  int64_t size(int64_t d) const { return value().size(d); }
  int64_t numel() const { return value().numel(); }
  float item() const { return value().item(); }

  // Same value, no history: gradients do not flow through the result.
  Variable detach() const;

  // Backpropagates from this Variable. The no-argument form needs a one-element Variable
  // (gradient 1); the other form takes the upstream gradient of this Variable's shape.
  // retain_graph keeps the nodes' saved tensors for another backward through the same graph.
  void backward(bool retain_graph = false) const;
  void backward(const Tensor& grad_output, bool retain_graph = false) const;

  // The node that produced this Variable (null for leaves and constants).
  const std::shared_ptr<Node>& grad_fn() const;
  int output_index() const;
  // What copies of one Variable share (a key for maps from parameters to anything).
  const void* identity() const { return impl_.get(); }

 private:
  friend void backward(const std::vector<Variable>&, const std::vector<Tensor>&, bool);
  friend std::vector<Variable> record_op(
      const char*, std::vector<Tensor>, const std::vector<Variable>&,
      std::function<std::vector<Tensor>(const std::vector<Tensor>&, const std::vector<bool>&)>);
  std::shared_ptr<VariableImpl> impl_;
};

// A backward function: receives the gradient of every output (always defined: zeros for
// outputs that did not reach the loss) and which inputs need a gradient; returns one Tensor per
// input, each with that input's shape, or an undefined Tensor for "no gradient".
using BackwardFn = std::function<std::vector<Tensor>(const std::vector<Tensor>& grad_outputs,
                                                     const std::vector<bool>& needs_input_grad)>;

// The public entry point for defining ops, built-in and custom alike (the fused neuron kernels
// use it). Wraps `outputs` in Variables and, if grad mode is on and any input requires grad,
// records one node named `name` whose backward is `backward`. Inputs may be undefined
// Variables (optional arguments); they get no gradient.
std::vector<Variable> record_op(const char* name, std::vector<Tensor> outputs, const std::vector<Variable>& inputs,
                                BackwardFn backward);
// Single-output convenience form.
Variable record_op(const char* name, Tensor output, const std::vector<Variable>& inputs, BackwardFn backward);

// Runs backward from several roots at once (their gradients summed into one sweep).
void backward(const std::vector<Variable>& roots, const std::vector<Tensor>& grad_outputs, bool retain_graph = false);

// Whether ops record for autograd on this thread.
bool grad_mode_enabled();

// Disables recording on this thread for its lifetime (e.g. evaluation, optimizer steps).
class NoGradGuard {
 public:
  NoGradGuard();
  ~NoGradGuard();
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool previous_;
};

// Gradient-ready notification on this thread, for work that can start as soon as a parameter's
// gradient is final (data-parallel training all-reduces gradients while backward goes on):
// while a scope is alive, backward() calls `on_ready(leaf)` once per leaf that requires grad,
// right after the sweep has passed the last node that feeds it. Leaves the sweep does not reach
// are not reported. Scopes nest; the innermost is called.
using GradReadyFn = std::function<void(const Variable& leaf)>;
class GradReadyScope {
 public:
  explicit GradReadyScope(GradReadyFn on_ready);
  ~GradReadyScope();
  GradReadyScope(const GradReadyScope&) = delete;
  GradReadyScope& operator=(const GradReadyScope&) = delete;

 private:
  GradReadyFn on_ready_;
  const GradReadyFn* previous_;
};

// Anomaly detection on this thread (like PyTorch's detect_anomaly): while a guard is alive,
// every op checks its outputs as it records them, and backward() checks every gradient an op
// returns; the first one that is not finite throws NonFiniteError naming the op, forward or
// backward, the output or input index and the first bad element. It reads every value (cuda
// values through a host copy): a debugging mode, off by default. Guards nest.
bool anomaly_mode_enabled();
class AnomalyModeGuard {
 public:
  explicit AnomalyModeGuard(bool enabled = true);
  ~AnomalyModeGuard();
  AnomalyModeGuard(const AnomalyModeGuard&) = delete;
  AnomalyModeGuard& operator=(const AnomalyModeGuard&) = delete;

 private:
  bool previous_;
};

// The first element of `t` that is NaN or infinite: its flat index (-1 if all are finite) and
// its value, found in one pass (a cuda tensor is read through one host copy).
struct NonFiniteElement {
  int64_t index = -1;
  float value = 0.0f;
  bool found() const { return index >= 0; }
};
NonFiniteElement first_non_finite(const Tensor& t);

// A recorded operation (one tape entry). Exposed for introspection and tests.
class Node {
 public:
  struct Edge {
    std::shared_ptr<Node> node;          // producer of this input, or null
    int output_index = 0;                // which output of `node`
    std::shared_ptr<VariableImpl> leaf;  // a leaf that requires grad, or null
    bool requires_grad() const { return node != nullptr || leaf != nullptr; }
  };

  // `device`: where the outputs (and so their gradients) live.
  Node(const char* name, std::vector<Edge> inputs, std::vector<Shape> output_shapes, BackwardFn backward,
       Device device = Device::kCPU);
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  const char* name() const { return name_; }
  const std::vector<Edge>& inputs() const { return inputs_; }
  const std::vector<Shape>& output_shapes() const { return output_shapes_; }
  Device device() const { return device_; }
  // False once backward has swept this node without retain_graph.
  bool has_backward() const { return static_cast<bool>(backward_); }

 private:
  friend void backward(const std::vector<Variable>&, const std::vector<Tensor>&, bool);
  const char* name_;
  std::vector<Edge> inputs_;
  std::vector<Shape> output_shapes_;
  BackwardFn backward_;
  Device device_;
};

// Number of live Nodes in this process (for tests of memory behaviour).
int64_t live_node_count();

}  // namespace norse

#endif  // NORSE_CORE_AUTOGRAD_H_
