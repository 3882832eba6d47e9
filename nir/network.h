// A NIR graph as a network of the library's modules (nir::Network), and networks of modules as
// NIR graphs (nir::to_graph).
//
//   nir::ImportOptions o;  o.dt = 1e-4f;
//   nir::Network net(nir::read_file("braille.nir"), o);
//   nir::Network::State state;                        // empty: every node at its initial state
//   for (t ...) y[t] = net.forward(x[t], state);       // [B, *input type] -> [B, *output type]
//
// Node mapping (NIR's continuous-time parameters to the discrete models, as Norse's from_nir):
//   Affine / Linear -> nn::Linear          Conv2d -> nn::Conv2d (stride, padding, dilation, groups)
//   Flatten -> nn::Flatten                 SumPool2d / AvgPool2d -> avg_pool2d (x kernel area)
//   LIF -> r * x, nn::LIFBoxCell(tau_mem_inv = 1/tau, v_leak, v_th = v_threshold, v_reset)
//   CubaLIF -> w_in * x, nn::LIBoxCell(1/tau_syn, v_leak), r * i, nn::LIFBoxCell(1/tau_mem, ...)
//   LI -> r * x, nn::LIBoxCell(1/tau, v_leak)     CubaLI -> w_in * x, LIBoxCell, r * i, LIBoxCell
//   IF -> r * x, nn::IAFCell(v_threshold, v_reset)   I -> v += r * x
//   Scale -> scale * x    Threshold -> H(x - threshold)    Delay -> x from delay/dt steps before
// Parameters are converted to float32 first, then inverted in float32 (as Norse). The step uses
// one global dt (NIR has none). IF and I ignore dt, as Norse's IAFCell does.
//
// Graph semantics: a node's input is the sum of its incoming edges (in the file's edge order).
// Nodes run in dependency order, found by a depth-first walk from the Input node following edges
// in file order; an edge that closes a cycle (a recurrent edge) delivers its source's value of the
// previous step (zero at the first step), so every cycle must pass through a node with state.
//
// Where Norse departs from NIR, the default follows NIR and `norse_compat` reproduces Norse:
//   - Flatten: NIR's start_dim/end_dim count the sample's dimensions; Norse applies them to the
//     batched tensor (flattening the batch too when start_dim = 0).
//   - r of LIF, LI and IF, and v_reset of every neuron: NIR uses them; Norse ignores them (r = 1,
//     v_reset = 0).
//   - reset_subtract: NIR mode applies it to LIF and CubaLIF; Norse to CubaLIF only.
//   - SumPool2d padding: NIR pads with zeros; Norse ignores it.
#ifndef NORSE_NIR_NETWORK_H_
#define NORSE_NIR_NETWORK_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/module.h"
#include "models/sequential.h"
#include "nir/graph.h"

namespace norse {
namespace nir {

struct ImportOptions {
  float dt = 1e-3f;             // seconds per step (Norse's from_nir default)
  bool reset_subtract = false;  // reset by subtracting v_threshold instead of setting v_reset
  bool norse_compat = false;    // reproduce Norse's from_nir where it departs from NIR (above)
  // Accept dt * (1/tau) > 2, where forward Euler diverges (a graph made for a smaller dt run at a
  // larger one, as Norse does without a word). Off: such a graph is an error naming the node.
  bool allow_unstable_euler = false;
  Device device = Device::kCPU;
};

namespace detail {
// One module of a node's chain (CubaLIF: w_in, synapse, r, membrane): stateless or a cell.
struct NodeStage {
  std::shared_ptr<nn::Layer> layer;         // stateless
  std::shared_ptr<nn::StatefulLayer> cell;  // or stateful
  std::string state_name;                   // what node_state calls this cell's v ("v", "i_syn")
};
}  // namespace detail

class Network : public nn::Module {
 public:
  Network(const Graph& graph, const ImportOptions& options);

  // Per node (in evaluation order) the states of its stages, and the previous step's values of
  // the recurrent edges' sources. Default-constructed: every node at its initial state.
  struct State {
    std::vector<std::vector<nn::LayerState>> nodes;
    std::vector<Variable> previous;  // per node; undefined: zero (the first step)
  };

  // One time step: `input` [B, *input type] -> the Output node's value [B, *output type]. When
  // `node_outputs` is given it receives every node's output of this step, by node name.
  Variable forward(const Variable& input, State& state, std::map<std::string, Variable>* node_outputs = nullptr);
  // Every step of `inputs` [T, B, ...] from `state` (the initial state when empty): [T, B, ...].
  Variable run(const Variable& inputs, State& state);

  // The state of a neuron node by NIR-style names: "v" (LIF, CubaLIF, IF, LI, CubaLI, I) and
  // "i_syn" (CubaLIF, CubaLI); empty for a stateless node or before the first step.
  std::map<std::string, Variable> node_state(const std::string& name, const State& state) const;

  // Node names in evaluation order (Input and Output included), and each node's NIR type.
  std::vector<std::string> node_names() const;
  const std::string& node_type(const std::string& name) const;
  // The recurrent edges (delivering the previous step's value), as source -> target.
  std::vector<std::pair<std::string, std::string>> recurrent_edges() const;

  // "<node>.<parameter>" for every weight and every neuron parameter that requires grad.
  std::vector<nn::NamedParameter> named_parameters() override;

  // The graph with the current values of the modules (after training): weights, biases and the
  // neuron parameters, written back in the file's conventions.
  Graph to_graph() const;

  float dt() const { return options_.dt; }

 private:
  // An incoming edge: the source node's value of this step, or of the previous one (recurrent).
  struct Source {
    int node;
    bool previous_step;
  };
  struct NodeEntry {
    std::string name, type;
    std::vector<detail::NodeStage> stages;
    std::vector<Source> inputs;  // in edge order
  };
  int index_of(const std::string& name) const;

  ImportOptions options_;
  Graph graph_;  // flattened (nested graphs' nodes as "sub.node")
  std::vector<NodeEntry> nodes_;
  int input_ = -1, output_ = -1;
};

// Flattens nested NIRGraph nodes into one graph: node "inner" of subgraph "sub" becomes
// "sub.inner"; edges to or from "sub" itself go to its Input / from its Output node.
Graph flatten_subgraphs(const Graph& graph);

// A network of modules as a NIR graph: `net`'s layers in order between an Input node "input" of
// type `sample_shape` (one sample, without batch or time) and an Output node "output". Layers:
// nn::Linear (Affine / Linear), nn::Conv2d, nn::Flatten, nn::AvgPool2d, nn::Lift of those, the
// Cell and sequence modules of LIFBox (LIF), LIBox (LI) and IAF (IF), and IAF's recurrent cell
// and sequence (a Linear into an IF node with a Linear loop back into it). Neuron parameters are written per neuron,
// tau = 1/tau_mem_inv chosen so that importing gives back the same float32 tau_mem_inv; every neuron module must use
// the same dt (returned in `dt` when given: pass it to ImportOptions). Anything else is an InvalidArgument naming the
// layer and why NIR cannot hold it (e.g. LIFCell: NIR's CubaLIF filters the input current, LIF does not).
Graph to_graph(nn::SequentialState& net, const Shape& sample_shape, float* dt = nullptr);

}  // namespace nir
}  // namespace norse

#endif  // NORSE_NIR_NETWORK_H_
