// `bazel run //tasks:nir -- info FILE`: a NIR graph's nodes, types, shapes and edges.
// `bazel run //tasks:nir -- run FILE --input X.npy --output Y.npy [--dt 1e-4] [--reset subtract]
//   [--norse] [--record_dir DIR] [--device cuda]`: runs the graph over a time-major input
// [T, B, *input type] one step at a time (state carried between steps) and writes the output
// [T, B, *output type]; --record_dir also writes every node's output and state per step as
// <node>.<field>.npy. --norse reproduces Norse's from_nir where it departs from NIR (README).
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <sys/stat.h>

#include <CLI/CLI.hpp>

#include "core/core.h"
#include "nir/network.h"
#include "tasks/run_util.h"

using namespace norse;

namespace {

int info(const std::string& file) {
  const nir::Graph g = nir::read_file(file);
  std::printf("%s", nir::describe(g).c_str());
  nir::Network net(g, nir::ImportOptions{});
  // Each node's output type, from one step of a zero sample.
  Shape sample;
  for (const auto& [name, node] : g.nodes) {
    if (node.type != "Input") continue;
    sample = {1};
    for (double d : node.fields.at("shape").values) sample.push_back(static_cast<int64_t>(d));
  }
  nir::Network::State state;
  std::map<std::string, Variable> outputs;
  NoGradGuard no_grad;
  net.forward(Variable(zeros(sample)), state, &outputs);
  std::printf("evaluation order and output types:\n");
  for (const std::string& n : net.node_names()) {
    const Shape s = outputs.at(n).shape();
    std::printf("  %-16s %-10s %s\n", n.c_str(), net.node_type(n).c_str(),
                shape_to_string(Shape(s.begin() + 1, s.end())).c_str());
  }
  for (const auto& [from, to] : net.recurrent_edges()) {
    std::printf("recurrent edge: %s -> %s (delivers the previous step's value)\n", from.c_str(), to.c_str());
  }
  return 0;
}

int run(const std::string& file, const std::string& input_path, const std::string& output_path,
        const std::string& record_dir, nir::ImportOptions o) {
  nir::Network net(nir::read_file(file), o);
  const Tensor input = load_npy(input_path).to(o.device);
  NORSE_CHECK(input.dim() >= 2, ShapeError, "nir run", "--input must be time-major [T, B, ...], got shape ",
              shape_to_string(input.shape()));
  NoGradGuard no_grad;
  nir::Network::State state;
  std::vector<Variable> outputs;
  std::map<std::string, std::vector<Variable>> records;
  for (int64_t t = 0; t < input.size(0); ++t) {
    std::map<std::string, Variable> node_outputs;
    outputs.push_back(net.forward(Variable(input.select(0, t)), state, record_dir.empty() ? nullptr : &node_outputs));
    for (const auto& [name, value] : node_outputs) {
      records[name + ".output"].push_back(value);
      for (const auto& [field, v] : net.node_state(name, state)) records[name + "." + field].push_back(v);
    }
  }
  const Tensor out = stack(outputs, 0).value();
  save_npy(output_path, out);
  std::printf("output %s: %s\n", shape_to_string(out.shape()).c_str(), output_path.c_str());
  if (!record_dir.empty()) {
    mkdir(record_dir.c_str(), 0755);
    for (const auto& [name, steps] : records) {
      const std::string path = record_dir + "/" + name + ".npy";
      save_npy(path, stack(steps, 0).value());
    }
    std::printf("recorded %zu traces in %s\n", records.size(), record_dir.c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"norse-cpp NIR tool: inspect and run NIR graphs (neuroir.org)."};
  app.set_version_flag("--version", tasks::version_line());
  app.require_subcommand(1);
  std::string file, input, output, record_dir, reset = "value", device = "cpu";
  nir::ImportOptions o;
  CLI::App* info_cmd = app.add_subcommand("info", "print the graph: nodes, types, shapes, edges, evaluation order");
  info_cmd->add_option("file", file, ".nir file")->required();
  CLI::App* run_cmd = app.add_subcommand("run", "run the graph over a time-major .npy input");
  run_cmd->add_option("file", file, ".nir file")->required();
  run_cmd->add_option("--input", input, "input .npy, [T, B, *input type]")->required();
  run_cmd->add_option("--output", output, "output .npy, [T, B, *output type]")->required();
  run_cmd->add_option("--dt", o.dt, "time step in seconds")->capture_default_str();
  run_cmd->add_option("--reset", reset, "reset of LIF/CubaLIF: value (to v_reset) or subtract")
      ->check(CLI::IsMember({"value", "subtract"}))
      ->capture_default_str();
  run_cmd->add_flag("--norse", o.norse_compat, "reproduce Norse's from_nir where it departs from NIR");
  run_cmd->add_flag("--allow_unstable", o.allow_unstable_euler, "accept dt/tau > 2 (forward Euler diverges)");
  run_cmd->add_option("--record_dir", record_dir, "write every node's output and state as .npy here");
  run_cmd->add_option("--device", device, "cpu, or cuda (a --config=cuda build on a machine with a GPU)")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  try {
    file = tasks::user_path(file);
    if (*info_cmd) return info(file);
    o.reset_subtract = reset == "subtract";
    o.device = device_from_name(device, "--device");
    return run(file, tasks::user_path(input), tasks::user_path(output),
               record_dir.empty() ? record_dir : tasks::user_path(record_dir), o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
