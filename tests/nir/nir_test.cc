// NIR files, import semantics, export round trips and bad files (nir/graph.h, nir/network.h).
#include <hdf5.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <string>

#include "models/layers.h"
#include "models/neuron_modules.h"
#include "nir/network.h"

using namespace norse;
using Catch::Contains;

namespace {

std::string temp_path(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return std::string(dir != nullptr ? dir : "/tmp") + "/" + name;
}

nir::Node node(const std::string& type, std::map<std::string, nir::Array> fields) {
  nir::Node n;
  n.type = type;
  n.fields = std::move(fields);
  return n;
}

nir::Array floats(const std::vector<float>& v, Shape shape) { return nir::Array::from_tensor(from_vector(v, shape)); }

nir::Node io(const std::string& type, const Shape& shape) { return node(type, {{"shape", nir::Array::ints(shape)}}); }

// input[n] -> nodes... -> output, a chain.
nir::Graph chain(const Shape& in, const Shape& out, std::vector<std::pair<std::string, nir::Node>> nodes) {
  nir::Graph g;
  g.nodes.emplace("input", io("Input", in));
  g.nodes.emplace("output", io("Output", out));
  std::string last = "input";
  for (auto& [name, n] : nodes) {
    g.nodes.emplace(name, n);
    g.edges.emplace_back(last, name);
    last = name;
  }
  g.edges.emplace_back(last, "output");
  return g;
}

// input[2] -> fc: Affine(1x2) -> li: LI(tau 10 ms) -> output[1].
nir::Graph affine_li_graph() {
  return chain(
      {2}, {1},
      {{"fc", node("Affine", {{"weight", floats({0.5f, -0.25f}, {1, 2})}, {"bias", floats({0.1f}, {1})}})},
       {"li", node("LI", {{"tau", floats({0.01f}, {1})}, {"r", floats({1}, {1})}, {"v_leak", floats({0}, {1})}})}});
}

std::vector<float> values(const Variable& v) { return v.value().contiguous().to_vector(); }

// Runs `net` over [T, B, ...] one step at a time.
Variable run_steps(nir::Network& net, const Tensor& x) {
  nir::Network::State s;
  return net.run(Variable(x), s);
}

}  // namespace

TEST_CASE("a graph written and read back is the same graph", "[nir][io]") {
  nir::Graph g = chain(
      {3}, {2},
      {{"fc", node("Affine", {{"weight", floats({1, 2, 3, 4, 5, 6}, {2, 3})}, {"bias", floats({0.5f, -0.5f}, {2})}})},
       {"lif", node("LIF", {{"tau", floats({0.01f, 0.02f}, {2})},
                            {"r", floats({1, 1}, {2})},
                            {"v_leak", floats({0, 0}, {2})},
                            {"v_threshold", floats({1, 1}, {2})}})}});
  g.nodes.at("lif").fields["tau"].dtype = nir::DType::kFloat64;  // dtypes are kept
  const std::string path = temp_path("roundtrip.nir");
  nir::write_file(g, path);
  const nir::Graph back = nir::read_file(path);
  REQUIRE(back.version == nir::kWriterVersion);
  REQUIRE(back.edges == g.edges);
  REQUIRE(back.nodes.size() == g.nodes.size());
  for (const auto& [name, n] : g.nodes) {
    CAPTURE(name);
    const nir::Node& m = back.nodes.at(name);
    REQUIRE(m.type == n.type);
    REQUIRE(m.fields.size() == n.fields.size());
    for (const auto& [field, a] : n.fields) {
      CAPTURE(field);
      REQUIRE(m.fields.at(field).dtype == a.dtype);
      REQUIRE(m.fields.at(field).shape == a.shape);
      REQUIRE(m.fields.at(field).values == a.values);
    }
  }
  REQUIRE_THAT(nir::describe(back), Contains("node lif: LIF") && Contains("edge fc -> lif"));
}

TEST_CASE("export then import reproduces a network bit for bit", "[nir][export]") {
  Generator init(3);
  SECTION("cells: Conv2d (stride, padding, dilation, groups), LIFBox, AvgPool2d, Flatten, Linear, IAF, LIBox") {
    nn::SequentialState net;
    auto conv = std::make_shared<nn::Conv2d>(2, 4, 3, init);
    conv->weight = Variable(randn({4, 1, 3, 3}, init), true);
    conv->options.stride = Size2(1, 2);
    conv->options.padding = Size2(2, 1);
    conv->options.dilation = Size2(2, 1);
    conv->options.groups = 2;
    lif_box::Params lp;
    lp.tau_mem_inv = Variable(scalar_tensor(137.0f));
    lp.v_th = Variable(scalar_tensor(0.3f));
    lp.v_leak = Variable(scalar_tensor(0.01f));
    net.add(conv)
        .add(std::make_shared<nn::LIFBoxCell>(lp, 1e-3f))
        .add(std::make_shared<nn::AvgPool2d>(2))
        .add(std::make_shared<nn::Flatten>())
        .add(std::make_shared<nn::Linear>(4 * 4 * 2, 5, init));
    iaf::Params ip;
    ip.v_th = Variable(from_vector({0.2f, 0.3f, 0.4f, 0.5f, 0.6f}, {5}));
    net.add(std::make_shared<nn::IAFCell>(ip, 1e-3f)).add(std::make_shared<nn::Linear>(5, 3, init, false));
    li_box::Params lip;
    lip.tau_mem_inv = Variable(scalar_tensor(33.3f));
    net.add(std::make_shared<nn::LIBoxCell>(lip, 1e-3f));

    float dt = 0;
    const nir::Graph g = nir::to_graph(net, {2, 8, 8}, &dt);
    REQUIRE(dt == 1e-3f);
    REQUIRE(g.nodes.at("_0").type == "Conv2d");
    REQUIRE(g.nodes.at("_1").type == "LIF");
    REQUIRE(g.nodes.at("_1").fields.at("tau").shape == Shape({4, 8, 4}));
    REQUIRE(g.nodes.at("_3").type == "Flatten");
    REQUIRE(g.nodes.at("_3").fields.at("start_dim").values[0] == 0);  // NIR counts the sample's dims
    REQUIRE(g.nodes.at("_5").type == "IF");
    REQUIRE(g.nodes.at("_6").type == "Linear");
    REQUIRE(g.nodes.at("_7").type == "LI");
    const std::string path = temp_path("export_cells.nir");
    nir::write_file(g, path);
    nir::ImportOptions o;
    o.dt = dt;
    nir::Network imported(nir::read_file(path), o);

    Generator data(4);
    const Tensor x = mul(rand({12, 3, 2, 8, 8}, data), 3.0f);
    std::vector<nn::LayerState> states;
    std::vector<float> want;
    for (int64_t t = 0; t < 12; ++t) {
      const std::vector<float> y = values(net.forward(Variable(x.select(0, t)), states));
      want.insert(want.end(), y.begin(), y.end());
    }
    const std::vector<float> got = values(run_steps(imported, x));
    REQUIRE(got == want);  // bit for bit
    float sum = 0;
    for (float v : want) sum += std::abs(v);
    REQUIRE(sum > 0.0f);  // the network is not silent
  }
  SECTION("sequence modules and Lift") {
    nn::SequentialState net;
    lif_box::Params lp;
    lp.tau_mem_inv = Variable(from_vector({90.0f, 110.0f, 70.0f, 123.4f}, {4}));
    lp.v_th = Variable(scalar_tensor(0.2f));
    net.add(std::make_shared<nn::Lift>(std::make_shared<nn::Linear>(3, 4, init)))
        .add(std::make_shared<nn::LIFBox>(lp, 1e-3f))
        .add(std::make_shared<nn::Lift>(std::make_shared<nn::Linear>(4, 2, init)))
        .add(std::make_shared<nn::LIBox>(li_box::Params{}, 1e-3f));
    const nir::Graph g = nir::to_graph(net, {3});
    REQUIRE(g.nodes.at("_0").type == "Affine");
    REQUIRE(g.nodes.at("_1").type == "LIF");
    REQUIRE(g.nodes.at("_3").type == "LI");
    nir::Network imported(g, nir::ImportOptions{});
    Generator data(5);
    const Tensor x = mul(randn({40, 2, 3}, data), 4.0f);
    std::vector<nn::LayerState> states;
    REQUIRE(values(run_steps(imported, x)) == values(net.forward(Variable(x), states)));
  }
  SECTION("IAF recurrent (cell and sequence): a Linear into IF with a Linear loop") {
    iaf::Params p;
    p.v_th = Variable(scalar_tensor(0.4f));
    for (bool sequence : {false, true}) {
      CAPTURE(sequence);
      nn::SequentialState net;
      std::shared_ptr<nn::StatefulLayer> rec;
      if (sequence) {
        rec = std::make_shared<nn::IAFRecurrent>(6, 20, init, p);
        net.add(rec)
            .add(std::make_shared<nn::Lift>(std::make_shared<nn::Linear>(20, 3, init, false)))
            .add(std::make_shared<nn::LIBox>(li_box::Params{}, 1e-3f));
      } else {
        rec = std::make_shared<nn::IAFRecurrentCell>(6, 20, init, p);
        net.add(rec)
            .add(std::make_shared<nn::Linear>(20, 3, init, false))
            .add(std::make_shared<nn::LIBoxCell>(li_box::Params{}, 1e-3f));
      }
      const nir::Graph g = nir::to_graph(net, {6});
      REQUIRE(g.nodes.at("_0_in").type == "Linear");
      REQUIRE(g.nodes.at("_0").type == "IF");
      REQUIRE(g.nodes.at("_0_rec").type == "Linear");
      REQUIRE(g.nodes.at("_0_rec").fields.at("weight").values[0] == 0.0);  // no autapses: zero diagonal
      const std::string path = temp_path("export_recurrent.nir");
      nir::write_file(g, path);
      nir::Network imported(nir::read_file(path), nir::ImportOptions{});
      REQUIRE(imported.recurrent_edges() == std::vector<std::pair<std::string, std::string>>{{"_0_rec", "_0"}});
      Generator data(6);
      const Tensor x = mul(rand({50, 4, 6}, data), 2.0f);
      std::vector<float> want;
      if (sequence) {
        std::vector<nn::LayerState> states;
        want = values(net.forward(Variable(x), states));
      } else {
        std::vector<nn::LayerState> states;
        for (int64_t t = 0; t < 50; ++t) {
          const std::vector<float> y = values(net.forward(Variable(x.select(0, t)), states));
          want.insert(want.end(), y.begin(), y.end());
        }
      }
      const std::vector<float> got = values(run_steps(imported, x));
      REQUIRE(got == want);
      float activity = 0;
      for (float v : want) activity += std::abs(v);
      REQUIRE(activity > 0.0f);
    }
  }
  SECTION("what NIR cannot hold is refused with the reason") {
    nn::SequentialState lif;
    lif.add(std::make_shared<nn::LIFCell>());
    REQUIRE_THROWS_WITH(nir::to_graph(lif, {3}), Contains("layer 0") && Contains("no exact NIR equivalent"));
    nn::SequentialState subtract;
    lif_box::Params p;
    p.reset_subtract = true;
    subtract.add(std::make_shared<nn::LIFBoxCell>(p));
    REQUIRE_THROWS_WITH(nir::to_graph(subtract, {3}), Contains("reset_subtract has no NIR equivalent"));
    nn::SequentialState two_dt;
    two_dt.add(std::make_shared<nn::LIFBoxCell>(lif_box::Params{}, 1e-3f))
        .add(std::make_shared<nn::LIBoxCell>(li_box::Params{}, 1e-4f));
    REQUIRE_THROWS_WITH(nir::to_graph(two_dt, {3}), Contains("one dt for the whole graph"));
  }
}

TEST_CASE("an imported graph written back (after training) keeps its structure and values", "[nir][export]") {
  nir::Graph g = affine_li_graph();
  g.nodes.at("fc").fields.at("weight").dtype = nir::DType::kFloat64;
  nir::Network net(g, nir::ImportOptions{});
  *net.named_parameters()[0].second = Variable(from_vector({2.0f, 3.0f}, {1, 2}), true);  // "trained"
  const nir::Graph back = net.to_graph();
  REQUIRE(back.nodes.at("fc").fields.at("weight").dtype == nir::DType::kFloat64);
  REQUIRE(back.nodes.at("fc").fields.at("weight").values == std::vector<double>{2.0, 3.0});
  REQUIRE(back.nodes.at("li").fields.at("tau").values == g.nodes.at("li").fields.at("tau").values);
  REQUIRE(back.edges == g.edges);
  const std::string path = temp_path("rewritten.nir");
  nir::write_file(back, path);
  nir::Network again(nir::read_file(path), nir::ImportOptions{});
  const Tensor x = ones({4, 1, 2});
  REQUIRE(values(run_steps(again, x)) == values(run_steps(net, x)));
}

TEST_CASE("an imported network trains: its weights are named parameters with gradients", "[nir][train]") {
  nir::Graph g = affine_li_graph();
  nir::Network net(g, nir::ImportOptions{});
  const auto params = net.named_parameters();
  REQUIRE(params.size() == 4);  // fc's weight and bias, then li's tau_mem_inv and v_leak (they do not train)
  REQUIRE(params[0].first == "fc.weight");
  REQUIRE(params[1].first == "fc.bias");
  const Variable y = run_steps(net, ones({5, 3, 2}));
  sum(y).backward();
  REQUIRE(params[0].second->grad().defined());
  REQUIRE(std::abs(params[0].second->grad().to_vector()[0]) > 0.0f);
}

TEST_CASE("NIR semantics by default, Norse's on request", "[nir][semantics]") {
  const auto lif = [](float r, float v_reset) {
    return node("LIF", {{"tau", floats({0.001f}, {1})},
                        {"r", floats({r}, {1})},
                        {"v_leak", floats({0}, {1})},
                        {"v_threshold", floats({1}, {1})},
                        {"v_reset", floats({v_reset}, {1})}});
  };
  nir::ImportOptions norse_like;
  norse_like.norse_compat = true;
  SECTION("r scales the input of LIF; Norse ignores it") {
    const nir::Graph g = chain({1}, {1}, {{"lif", lif(2.0f, 0.0f)}});
    nir::Network nir_net(g, nir::ImportOptions{}), norse_net(g, norse_like);
    nir::Network::State a, b;
    // dt/tau = 1: v' = r x. x = 0.6: NIR v = 1.2 spikes, Norse v = 0.6 does not.
    REQUIRE(values(nir_net.forward(Variable(full({1, 1}, 0.6f)), a)) == std::vector<float>{1.0f});
    REQUIRE(values(norse_net.forward(Variable(full({1, 1}, 0.6f)), b)) == std::vector<float>{0.0f});
  }
  SECTION("v_reset: NIR resets to it, Norse to 0") {
    const nir::Graph g = chain({1}, {1}, {{"lif", lif(1.0f, -0.5f)}});
    nir::Network nir_net(g, nir::ImportOptions{}), norse_net(g, norse_like);
    nir::Network::State a, b;
    nir_net.forward(Variable(full({1, 1}, 2.0f)), a);
    norse_net.forward(Variable(full({1, 1}, 2.0f)), b);
    REQUIRE(values(nir_net.node_state("lif", a).at("v")) == std::vector<float>{-0.5f});
    REQUIRE(values(norse_net.node_state("lif", b).at("v")) == std::vector<float>{0.0f});
  }
  SECTION("Flatten: NIR counts the sample's dimensions, Norse the batch's") {
    const nir::Graph g = chain({2, 3}, {6},
                               {{"flat", node("Flatten", {{"start_dim", nir::Array::ints({0}, true)},
                                                          {"end_dim", nir::Array::ints({-1}, true)}})}});
    nir::Network nir_net(g, nir::ImportOptions{}), norse_net(g, norse_like);
    nir::Network::State a, b;
    REQUIRE(nir_net.forward(Variable(ones({4, 2, 3})), a).shape() == Shape({4, 6}));
    REQUIRE(norse_net.forward(Variable(ones({4, 2, 3})), b).shape() == Shape({24}));
  }
  SECTION("Norse's Flatten at batch 1 drops the batch: the layers after it run on [features]") {
    // As cnn_sinabs.nir under Norse: Flatten(0, -1) -> Affine -> IF on a batch of one.
    const nir::Graph g = chain(
        {2, 3}, {2},
        {{"flat",
          node("Flatten", {{"start_dim", nir::Array::ints({0}, true)}, {"end_dim", nir::Array::ints({-1}, true)}})},
         {"fc", node("Affine", {{"weight", floats({1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1, -1}, {2, 6})},
                                {"bias", floats({0, 0}, {2})}})},
         {"if", node("IF", {{"r", floats({1, 1}, {2})}, {"v_threshold", floats({1, 1}, {2})}})}});
    nir::Network norse_net(g, norse_like);
    const Variable y = run_steps(norse_net, ones({3, 1, 2, 3}));
    REQUIRE(y.shape() == Shape({3, 2}));  // Norse's [T, 2]: no batch dimension
    REQUIRE(values(y) == std::vector<float>{1, 0, 1, 0, 1, 0});
  }
  SECTION("a recurrent edge delivers the previous step's value, zero at the first") {
    // input -> IF -> w (x 2, Scale) -> IF: the IF sees x[t] + 2 z[t-1].
    nir::Graph g =
        chain({1}, {1}, {{"if", node("IF", {{"r", floats({1}, {1})}, {"v_threshold", floats({0.5f}, {1})}})}});
    g.nodes.emplace("w", node("Scale", {{"scale", floats({2}, {1})}}));
    g.edges.emplace_back("if", "w");
    g.edges.emplace_back("w", "if");
    nir::Network net(g, nir::ImportOptions{});
    REQUIRE(net.recurrent_edges() == std::vector<std::pair<std::string, std::string>>{{"w", "if"}});
    nir::Network::State s;
    // t0: v = 0.6 -> spike, reset 0. t1: v = 0 + 0 + 2 = 2 -> spike. t2: v = 0 + 2 -> spike.
    const std::vector<float> x = {0.6f, 0.0f, 0.0f};
    std::vector<float> z;
    for (float xt : x) z.push_back(values(net.forward(Variable(full({1, 1}, xt)), s))[0]);
    REQUIRE(z == std::vector<float>{1.0f, 1.0f, 1.0f});
  }
  SECTION("Delay: whole steps of dt") {
    const nir::Graph g = chain({2}, {2}, {{"d", node("Delay", {{"delay", floats({0.002f, 0.0f}, {2})}})}});
    nir::ImportOptions o;
    o.dt = 1e-3f;
    nir::Network net(g, o);
    const Tensor x = from_vector({1, 10, 2, 20, 3, 30, 4, 40}, {4, 1, 2});
    REQUIRE(values(run_steps(net, x)) == std::vector<float>{0, 10, 0, 20, 1, 30, 2, 40});
    o.dt = 3e-3f;
    REQUIRE_THROWS_WITH(nir::Network(g, o), Contains("node 'd' (Delay)") && Contains("cannot be honoured"));
  }
  SECTION("nested graphs are flattened, edges to a subgraph reach its Input") {
    nir::Graph inner = chain({1}, {1}, {{"s", node("Scale", {{"scale", floats({3}, {1})}})}});
    nir::Graph g;
    g.nodes.emplace("input", io("Input", {1}));
    g.nodes.emplace("output", io("Output", {1}));
    nir::Node sub;
    sub.type = "NIRGraph";
    sub.graph = std::make_shared<nir::Graph>(inner);
    g.nodes.emplace("sub", sub);
    g.edges = {{"input", "sub"}, {"sub", "output"}};
    const std::string path = temp_path("nested.nir");
    nir::write_file(g, path);
    nir::Network net(nir::read_file(path), nir::ImportOptions{});
    nir::Network::State s;
    REQUIRE(values(net.forward(Variable(full({1, 1}, 2.0f)), s)) == std::vector<float>{6.0f});
  }
  SECTION("unstable Euler steps are refused unless allowed") {
    const nir::Graph g = chain({1}, {1}, {{"lif", lif(1.0f, 0.0f)}});
    nir::ImportOptions o;
    o.dt = 3e-3f;  // dt / tau = 3
    nir::Network net(g, o);
    nir::Network::State s;
    REQUIRE_THROWS_WITH(net.forward(Variable(ones({1, 1})), s), Contains("diverges"));
    o.allow_unstable_euler = true;
    nir::Network allowed(g, o);
    nir::Network::State s2;
    REQUIRE_NOTHROW(allowed.forward(Variable(ones({1, 1})), s2));
  }
}

namespace {
void write_text(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }
std::string read_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}
const nir::Graph& small_graph() {
  static const nir::Graph g =
      chain({2}, {1}, {{"fc", node("Affine", {{"weight", floats({1, 2}, {1, 2})}, {"bias", floats({0}, {1})}})}});
  return g;
}
// Writes small_graph() and then edits the file with HDF5 directly (what no writer of ours makes).
std::string edited(const std::string& name, const std::function<void(hid_t)>& edit) {
  const std::string path = temp_path(name);
  nir::write_file(small_graph(), path);
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  edit(f);
  H5Fclose(f);
  return path;
}
void write_floats(hid_t loc, const char* name, const std::vector<float>& v, const std::vector<hsize_t>& dims) {
  const hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
  const hid_t d = H5Dcreate2(loc, name, H5T_IEEE_F32LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  H5Dclose(d);
  H5Sclose(space);
}
}  // namespace

TEST_CASE("bad files are errors that say what is wrong and where", "[nir][errors]") {
  SECTION("not an HDF5 file") {
    const std::string path = temp_path("text.nir");
    write_text(path, "this is not HDF5\n");
    REQUIRE_THROWS_AS(nir::read_file(path), IoError);
    REQUIRE_THROWS_WITH(nir::read_file(path), Contains("text.nir") && Contains("not an HDF5 file"));
    REQUIRE_THROWS_WITH(nir::read_file(temp_path("missing.nir")), Contains("missing.nir"));
  }
  SECTION("truncated") {
    const std::string path = temp_path("whole.nir");
    nir::write_file(small_graph(), path);
    const std::string bytes = read_bytes(path);
    for (size_t keep : {bytes.size() / 2, bytes.size() - 16, size_t{600}}) {
      CAPTURE(keep);
      const std::string cut = temp_path("truncated.nir");
      write_text(cut, bytes.substr(0, keep));
      REQUIRE_THROWS_AS(nir::read_file(cut), IoError);
    }
  }
  SECTION("a missing dataset") {
    const std::string path = edited("no_bias.nir", [](hid_t f) { H5Ldelete(f, "/node/nodes/fc/bias", H5P_DEFAULT); });
    REQUIRE_THROWS_WITH(nir::read_file(path), Contains("node 'fc' (Affine)") && Contains("missing field 'bias'"));
    const std::string no_edges = edited("no_edges.nir", [](hid_t f) { H5Ldelete(f, "/node/edges", H5P_DEFAULT); });
    REQUIRE_THROWS_WITH(nir::read_file(no_edges), Contains("/node") && Contains("missing dataset 'edges'"));
  }
  SECTION("a wrong shape") {
    const std::string path = edited("bias_shape.nir", [](hid_t f) {
      H5Ldelete(f, "/node/nodes/fc/bias", H5P_DEFAULT);
      const hid_t g = H5Gopen2(f, "/node/nodes/fc", H5P_DEFAULT);
      write_floats(g, "bias", {0, 0, 0}, {3});
      H5Gclose(g);
    });
    REQUIRE_THROWS_WITH(nir::read_file(path), Contains("node 'fc' (Affine)") &&
                                                  Contains("field 'bias' must have shape [1]") && Contains("got [3]"));
  }
  SECTION("a wrong type") {
    const std::string path = edited("weight_type.nir", [](hid_t f) {
      H5Ldelete(f, "/node/nodes/input/shape", H5P_DEFAULT);
      const hid_t g = H5Gopen2(f, "/node/nodes/input", H5P_DEFAULT);
      write_floats(g, "shape", {2}, {1});
      H5Gclose(g);
    });
    REQUIRE_THROWS_WITH(nir::read_file(path),
                        Contains("node 'input' (Input)") && Contains("1-d integer array") && Contains("float32"));
  }
  SECTION("an edge to a missing node") {
    nir::Graph g = small_graph();
    g.edges.emplace_back("fc", "ghost");
    REQUIRE_THROWS_WITH(nir::write_file(g, temp_path("ghost.nir")), Contains("ends at 'ghost'"));
    REQUIRE_THROWS_WITH(nir::Network(g, nir::ImportOptions{}), Contains("edge 2 (fc -> ghost)"));
  }
  SECTION("a cycle with no state to break it") {
    nir::Graph g = small_graph();
    g.nodes.emplace("back", node("Affine", {{"weight", floats({1}, {1, 1})}, {"bias", floats({0}, {1})}}));
    g.nodes.at("fc").fields["weight"] = floats({1, 2}, {1, 2});
    g.edges.emplace_back("fc", "back");
    g.edges.emplace_back("back", "fc");
    REQUIRE_THROWS_WITH(nir::Network(g, nir::ImportOptions{}),
                        Contains("cycle fc -> back -> fc has no node with state"));
  }
  SECTION("an unsupported node type names the node") {
    nir::Graph g = chain({1}, {1},
                         {{"c1", node("Conv1d", {{"weight", floats({1}, {1, 1, 1})},
                                                 {"bias", floats({0}, {1})},
                                                 {"stride", nir::Array::ints({1})},
                                                 {"padding", nir::Array::ints({0})},
                                                 {"dilation", nir::Array::ints({1})},
                                                 {"groups", nir::Array::ints({1}, true)}})}});
    REQUIRE_THROWS_WITH(nir::Network(g, nir::ImportOptions{}),
                        Contains("node 'c1' (Conv1d)") && Contains("'Conv1d' is not supported"));
  }
  SECTION("a field the type does not define is refused, not dropped") {
    nir::Graph g = small_graph();
    g.nodes.at("fc").fields["delay"] = floats({1}, {1});
    REQUIRE_THROWS_WITH(nir::Network(g, nir::ImportOptions{}),
                        Contains("node 'fc' (Affine)") && Contains("field 'delay' is not a field of NIR's Affine"));
  }
  SECTION("a non-positive time constant") {
    nir::Graph g =
        chain({1}, {1},
              {{"li", node("LI", {{"tau", floats({0}, {1})}, {"r", floats({1}, {1})}, {"v_leak", floats({0}, {1})}})}});
    REQUIRE_THROWS_WITH(nir::Network(g, nir::ImportOptions{}),
                        Contains("node 'li' (LI)") && Contains("'tau' must be > 0"));
  }
}
