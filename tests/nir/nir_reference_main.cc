// The NIR reference runner: every case of a folder of NIR graphs and what Norse computed on them
// (the format of ../shared/nir/README.md) against norse-cpp's NIR import and export.
//
//   bazel test //tests/nir:nir_reference                                  # ../shared/nir if present,
//                                                                          # else tests/nir/reference
//   bazel test //tests/nir:nir_reference --test_env=NORSE_NIR_DIR=/path/to/cases
//
// Per case: the graph is imported with Norse's conventions (nir::ImportOptions::norse_compat, the
// case's dt and reset method) and run over the case's input one step at a time; the output and,
// for every node, its output and its recorded states (v, i_syn) must match Norse's: spikes exactly,
// real values within 1e-5 + 1e-4 |ref| (1e-3 |ref| where the case notes an unstable forward-Euler
// step, which amplifies summation-order differences). Export cases are checked twice: importing
// Norse's file reproduces Norse's re-import, and for networks whose nodes are single modules the
// network is exported again by nir::to_graph and must give Norse's file's node types, fields,
// shapes and dtypes, and, imported, Norse's original outputs. Prints `PASS name` or
// `FAIL name: what, max error, where`, then `N passed, M failed`.
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/core.h"
#include "models/layers.h"
#include "models/neuron_modules.h"
#include "nir/network.h"
#include "tests/testing/gpu.h"

namespace {

using norse::Shape;
using norse::Tensor;
using norse::Variable;
using Json = nlohmann::json;

std::string read_text(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw norse::IoError("cannot read " + path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

Tensor json_tensor(const Json& j) {
  Shape shape = j.at("shape").get<Shape>();
  std::vector<float> v;
  for (const Json& x : j.at("data")) v.push_back(static_cast<float>(x.get<double>()));
  return norse::from_vector(v, shape);
}

struct Mismatch {
  bool ok = true;
  std::string message;
};

// Compares `got` [T, ...] with `want`; spikes exactly, values within atol + rtol |want|.
Mismatch compare(const std::string& what, const Tensor& got, const Tensor& want, bool spikes, double rtol) {
  Mismatch m;
  if (got.shape() != want.shape()) {
    m.ok = false;
    m.message =
        what + ": shape " + norse::shape_to_string(got.shape()) + ", expected " + norse::shape_to_string(want.shape());
    return m;
  }
  const std::vector<float> g = got.to(norse::Device::kCPU).contiguous().to_vector(), w = want.to_vector();
  const int64_t per_step = want.numel() / std::max<int64_t>(1, want.size(0));
  double worst = 0;
  int64_t at = -1, wrong = 0;
  for (size_t k = 0; k < g.size(); ++k) {
    const double err = std::abs(static_cast<double>(g[k]) - w[k]);
    const bool bad = spikes ? g[k] != w[k] : !(err <= 1e-5 + rtol * std::abs(static_cast<double>(w[k])));
    if (bad) ++wrong;
    if (bad && (at < 0 || err > worst)) {
      worst = err;
      at = static_cast<int64_t>(k);
    }
  }
  if (wrong > 0) {
    m.ok = false;
    std::ostringstream s;
    s << what << ": " << wrong << " of " << g.size() << (spikes ? " spikes differ" : " values off") << ", max error "
      << worst << " at step " << at / per_step << " element " << at % per_step << " (got " << g[static_cast<size_t>(at)]
      << ", expected " << w[static_cast<size_t>(at)] << ")";
    m.message = s.str();
  }
  return m;
}

bool is_spiking(const std::string& type) { return type == "LIF" || type == "CubaLIF" || type == "IF"; }

// Runs `net` over `input` [T, B, ...]: the output and, per node, "output" and state traces.
struct Trace {
  Tensor output;
  std::map<std::string, std::map<std::string, Tensor>> nodes;
};
norse::Device& case_device() {
  static norse::Device d = norse::Device::kCPU;
  return d;
}

Trace run(norse::nir::Network& net, const Tensor& input_host) {
  const Tensor input = input_host.to(case_device());
  norse::nir::Network::State state;
  std::vector<Variable> outs;
  std::map<std::string, std::map<std::string, std::vector<Variable>>> per_node;
  for (int64_t t = 0; t < input.size(0); ++t) {
    std::map<std::string, Variable> node_outputs;
    outs.push_back(net.forward(Variable(input.select(0, t)), state, &node_outputs));
    for (const auto& [name, value] : node_outputs) {
      per_node[name]["output"].push_back(value);
      for (const auto& [field, v] : net.node_state(name, state)) {
        // State values are compared in the output's shape (the reference broadcasts them).
        per_node[name][field].push_back(
            v.shape() == value.shape()
                ? v
                : Variable(norse::add(norse::zeros(value.shape(), value.value().device()), v.value())));
      }
    }
  }
  Trace tr;
  tr.output = norse::stack(outs, 0).value().to(norse::Device::kCPU);
  for (auto& [name, fields] : per_node) {
    for (auto& [field, steps] : fields) tr.nodes[name][field] = norse::stack(steps, 0).value().to(norse::Device::kCPU);
  }
  return tr;
}

// Checks a run against a reference block ({output, nodes}); appends failures to `errors`.
void check_run(const Trace& tr, const Json& ref, double rtol, const std::string& label,
               std::vector<std::string>& errors) {
  // The Output node's value is compared exactly when it is spikes (all 0 or 1).
  const Tensor want = json_tensor(ref.at("output"));
  const std::vector<float> w = want.to_vector();
  bool spikes = !w.empty();
  for (float x : w) spikes = spikes && (x == 0.0f || x == 1.0f);
  Mismatch m = compare(label + "output", tr.output, want, spikes, rtol);
  if (!m.ok) errors.push_back(m.message);
  if (!ref.contains("nodes")) return;
  for (const auto& [name, node] : ref.at("nodes").items()) {
    const auto it = tr.nodes.find(name);
    if (it == tr.nodes.end()) {
      errors.push_back(label + "node '" + name + "' is missing");
      continue;
    }
    const std::string type = node.value("nir_type", "");
    for (const auto& [field, value] : node.at("recorded").items()) {
      const auto f = it->second.find(field);
      if (f == it->second.end()) {
        errors.push_back(label + "node '" + name + "': no state '" + field + "'");
        continue;
      }
      const Mismatch mm = compare(label + "node '" + name + "' " + field, f->second, json_tensor(value),
                                  field == "output" && is_spiking(type), rtol);
      if (!mm.ok) errors.push_back(mm.message);
    }
  }
}

// The export check: the imported network's modules in a SequentialState, exported by nir::to_graph,
// must give Norse's file's node types, fields, shapes and dtypes and, re-imported, Norse's outputs.
// Returns "" when checked, else why the check does not apply (a node that is not a single module).
std::string check_export(const norse::nir::Graph& file, const Json& c, const Tensor& input,
                         std::vector<std::string>& errors) {
  norse::nir::ImportOptions o;
  o.dt = static_cast<float>(c.at("dt").get<double>());
  o.device = case_device();
  // The network Norse exported: LIFBox/LIBox/IAF cells and torch layers, rebuilt from the file.
  norse::nn::SequentialState seq;
  std::vector<std::string> chain;
  // Follow the chain from the Input node.
  std::string current;
  for (const auto& [name, node] : file.nodes) {
    if (node.type == "Input") current = name;
  }
  Shape sample;
  for (double d : file.nodes.at(current).fields.at("shape").values) sample.push_back(static_cast<int64_t>(d));
  while (true) {
    std::string next;
    for (const auto& [from, to] : file.edges) {
      if (from == current) next = to;
    }
    if (next.empty() || file.nodes.at(next).type == "Output") break;
    const norse::nir::Node& node = file.nodes.at(next);
    if (node.type == "CubaLIF")
      return "not applicable: " + next + " is a CubaLIF (Norse's LIFCell, no exact NIR equivalent)";
    chain.push_back(next);
    current = next;
  }
  // Rebuild from the file's fields with the library's own modules (not through the importer).
  norse::Generator init(0);
  for (const std::string& name : chain) {
    const norse::nir::Node& n = file.nodes.at(name);
    auto f = [&](const char* field) { return n.fields.at(field).to_tensor(); };
    auto inv = [&](const char* field) {
      std::vector<float> v = f(field).to_vector();
      for (float& x : v) x = 1.0f / x;
      return Variable(norse::from_vector(v, f(field).shape()));
    };
    if (n.type == "Affine" || n.type == "Linear") {
      auto l = std::make_shared<norse::nn::Linear>(f("weight").size(1), f("weight").size(0), init, n.type == "Affine");
      l->weight = Variable(f("weight"), true);
      if (n.type == "Affine") l->bias = Variable(f("bias"), true);
      seq.add(l);
    } else if (n.type == "Conv2d") {
      const Tensor w = f("weight");
      auto conv = std::make_shared<norse::nn::Conv2d>(w.size(1), w.size(0), w.size(2), init);
      conv->weight = Variable(w, true);
      conv->bias = Variable(f("bias"), true);
      const auto& s = n.fields.at("stride").values;
      const auto& p = n.fields.at("padding").values;
      conv->options.stride = norse::Size2(static_cast<int64_t>(s[0]), static_cast<int64_t>(s[1]));
      conv->options.padding = norse::Size2(static_cast<int64_t>(p[0]), static_cast<int64_t>(p[1]));
      seq.add(conv);
    } else if (n.type == "LIF") {
      norse::lif_box::Params p;
      p.tau_mem_inv = inv("tau");
      p.v_leak = Variable(f("v_leak"));
      p.v_th = Variable(f("v_threshold"));
      seq.add(std::make_shared<norse::nn::LIFBoxCell>(p, o.dt));
    } else if (n.type == "LI") {
      norse::li_box::Params p;
      p.tau_mem_inv = inv("tau");
      p.v_leak = Variable(f("v_leak"));
      seq.add(std::make_shared<norse::nn::LIBoxCell>(p, o.dt));
    } else if (n.type == "IF") {
      norse::iaf::Params p;
      p.v_th = Variable(f("v_threshold"));
      seq.add(std::make_shared<norse::nn::IAFCell>(p, o.dt));
    } else {
      return "not applicable: node " + name + " (" + n.type + ")";
    }
  }
  float dt = o.dt;  // to_graph sets it when a neuron module has one (IAF has none)
  const norse::nir::Graph ours = norse::nir::to_graph(seq, sample, &dt);
  // Node by node along the chain: Norse's "_k" is ours "_k".
  for (size_t k = 0; k < chain.size(); ++k) {
    const norse::nir::Node& theirs = file.nodes.at(chain[k]);
    const std::string our_name = "_" + std::to_string(k);
    const auto it = ours.nodes.find(our_name);
    if (it == ours.nodes.end() || it->second.type != theirs.type) {
      errors.push_back("export: node " + chain[k] + " is " + theirs.type + " in Norse's file, ours: " +
                       (it == ours.nodes.end() ? std::string("missing") : it->second.type));
      continue;
    }
    for (const auto& [field, array] : theirs.fields) {
      const auto f = it->second.fields.find(field);
      if (f == it->second.fields.end()) {
        errors.push_back("export: node " + chain[k] + " lacks field '" + field + "'");
      } else if (f->second.shape != array.shape || f->second.dtype != array.dtype) {
        errors.push_back("export: node " + chain[k] + " field '" + field + "' is " +
                         norse::nir::dtype_name(f->second.dtype) + norse::shape_to_string(f->second.shape) +
                         ", Norse wrote " + norse::nir::dtype_name(array.dtype) + norse::shape_to_string(array.shape));
      }
    }
    for (const auto& [field, array] : it->second.fields) {
      if (!theirs.fields.count(field))
        errors.push_back("export: node " + chain[k] + " has extra field '" + field + "'");
    }
  }
  // Written, read back, imported: Norse's original outputs.
  char tmpl[] = "/tmp/nir_export_XXXXXX";
  const int fd = mkstemp(tmpl);
  if (fd >= 0) close(fd);
  norse::nir::write_file(ours, tmpl);
  norse::nir::ImportOptions back = o;
  back.dt = dt;
  norse::nir::Network reimported(norse::nir::read_file(tmpl), back);
  std::remove(tmpl);
  const Trace tr = run(reimported, input);
  const Mismatch m =
      compare("export+import output vs Norse's network", tr.output, json_tensor(c.at("output")), false, 0.0);
  if (!m.ok) errors.push_back(m.message);
  return "";
}

std::string default_dir(const char* anchor) {
  // The anchor is tests/nir/reference/README.md in the runfiles: a link into the source tree,
  // whose ../shared/nir (next to the checkout) is the reference folder when present.
  char resolved[4096];
  if (realpath(anchor, resolved) != nullptr) {
    std::string path = resolved;
    const std::string suffix = "/tests/nir/reference/README.md";
    if (path.size() > suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0) {
      const std::string root = path.substr(0, path.size() - suffix.size());
      const std::string shared = root.substr(0, root.rfind('/')) + "/shared/nir";
      if (access((shared + "/index.json").c_str(), R_OK) == 0) return shared;
    }
  }
  std::string a = anchor;
  return a.substr(0, a.rfind('/'));
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir, anchor = "tests/nir/reference/README.md";
  for (int k = 1; k < argc; ++k) {
    if (std::string(argv[k]) == "--device=cuda") {
      std::string reason;
      if (!norse::testing::gpu_available(&reason)) {
        std::printf(
            "SKIPPED NIR reference cases on cuda: no CUDA device: %s\nNORSE_TEST_SUMMARY passed=0 failed=0 skipped=1\n",
            reason.c_str());
        return 0;
      }
      case_device() = norse::Device::kCUDA;
      std::printf("NIR reference cases on cuda (%s)\n", norse::testing::gpu_kind());
    } else {
      anchor = argv[k];
    }
  }
  if (const char* env = std::getenv("NORSE_NIR_DIR"); env != nullptr && env[0] != '\0') {
    dir = env;
  } else {
    dir = default_dir(anchor.c_str());
  }
  std::printf("NIR reference cases: %s\n", dir.c_str());
  std::vector<std::string> cases;
  try {
    const Json index = Json::parse(read_text(dir + "/index.json"));
    for (const Json& c : index.at("cases")) cases.push_back(c.at("json").get<std::string>());
  } catch (const std::exception& e) {
    std::printf("FAIL index: %s\n0 passed, 1 failed\nNORSE_TEST_SUMMARY passed=0 failed=1 skipped=0\n", e.what());
    return 1;
  }
  int passed = 0, failed = 0;
  for (const std::string& file : cases) {
    std::string name = file.substr(0, file.size() - 5);
    std::vector<std::string> errors;
    std::string export_note;
    try {
      const Json c = Json::parse(read_text(dir + "/" + file));
      name = c.value("case", name);
      const std::string graph_path = dir + "/" + c.at("graph_file").get<std::string>();
      norse::nir::ImportOptions o;
      o.dt = static_cast<float>(c.at("dt").get<double>());
      o.reset_subtract = c.value("reset_method", "reset_value") == "reset_subtract";
      o.norse_compat = true;
      o.allow_unstable_euler = true;
      o.device = case_device();
      bool unstable = false;
      for (const Json& note : c.value("notes", Json::array())) {
        unstable = unstable || note.get<std::string>().find("unstable") != std::string::npos;
      }
      const double rtol = unstable ? 1e-3 : 1e-4;
      const norse::nir::Graph graph = norse::nir::read_file(graph_path);
      norse::nir::Network net(graph, o);
      const Tensor input = json_tensor(c.at("input"));
      const Trace tr = run(net, input);
      const bool is_export = c.value("direction", "import") == "export";
      check_run(tr, is_export ? c.at("reimport") : c, rtol, is_export ? "reimport: " : "", errors);
      if (is_export) export_note = check_export(graph, c, input, errors);
    } catch (const std::exception& e) {
      errors.push_back(std::string("error: ") + e.what());
    }
    if (errors.empty()) {
      ++passed;
      std::printf("PASS %s%s\n", name.c_str(),
                  export_note.empty() ? "" : (" (export check " + export_note + ")").c_str());
    } else {
      ++failed;
      std::printf("FAIL %s: %s", name.c_str(), errors[0].c_str());
      for (size_t k = 1; k < errors.size() && k < 6; ++k) std::printf("; %s", errors[k].c_str());
      if (errors.size() > 6) std::printf("; ... (%zu more)", errors.size() - 6);
      std::printf("\n");
    }
  }
  std::printf("\n%d passed, %d failed\n", passed, failed);
  std::printf("NORSE_TEST_SUMMARY passed=%d failed=%d skipped=0\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
