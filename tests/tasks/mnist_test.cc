// The MNIST task's library: a smoke run whose loss falls, checkpoints, and --resume that
// reproduces an uninterrupted run bit for bit.
#include <catch2/catch.hpp>

#include <fstream>

#include <cstdlib>
#include <string>

#include "core/core.h"
#include "tasks/idx.h"
#include "tasks/mnist_train.h"

using namespace norse;

namespace {
std::string tmp(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return std::string(dir ? dir : "/tmp") + "/" + name;
}

mnist::TrainConfig small_config(const std::string& out) {
  mnist::TrainConfig c;
  c.network.model = "fc";
  c.network.hidden = 128;
  c.network.time_steps = 16;
  c.network.input_scale = 6.0f;
  c.batch_size = 32;
  c.learning_rate = 2e-3f;
  c.train_limit = 384;
  c.test_limit = 256;
  c.output_dir = out;
  return c;
}

const data::Dataset& train_set() {
  static const data::Dataset d = data::load_mnist("tasks/data/mnist", "train");
  return d;
}
const data::Dataset& test_set() {
  static const data::Dataset d = data::load_mnist("tasks/data/mnist", "t10k");
  return d;
}
}  // namespace

TEST_CASE("input_densities is the non-zero fraction of each recorded layer input", "[mnist]") {
  mnist::Activity a;
  a.layer_inputs.emplace_back("conv2", from_vector({0, 1, 0, 0, 0.25f, 0, 0, 0}, {2, 4}));
  a.layer_inputs.emplace_back("out", zeros({3}));
  const auto d = mnist::input_densities(a);
  REQUIRE(d == std::vector<std::pair<std::string, double>>{{"conv2", 0.25}, {"out", 0.0}});
}

TEST_CASE("MNIST smoke run: the training loss falls on a few hundred digits", "[mnist]") {
  mnist::TrainConfig c = small_config(tmp("smoke"));
  c.epochs = 3;
  const mnist::TrainResult r = mnist::train(c, train_set(), test_set());
  REQUIRE(r.epochs.size() == 3);
  CAPTURE(r.epochs[0].train_loss, r.epochs[2].train_loss, r.test_accuracy);
  REQUIRE(r.epochs[2].train_loss < r.epochs[0].train_loss - 0.1);
  REQUIRE(r.test_accuracy > 0.2);  // well above chance (0.1) after 36 small batches
  // Every epoch reports its layers' input spike densities (fc: the encoder's spikes into fc1,
  // fc1's into the read-out), strictly between silent and saturated, carried into metrics.csv
  // and the checkpoint (the resumed run below reads them back).
  for (const auto& e : r.epochs) {
    REQUIRE(e.input_density.size() == 2);
    REQUIRE(e.input_density[0].first == "fc1");
    REQUIRE(e.input_density[1].first == "out");
    for (const auto& [layer, d] : e.input_density) {
      CAPTURE(layer, d);
      REQUIRE(d > 0.0);
      REQUIRE(d < 1.0);
    }
  }
  std::ifstream csv(c.output_dir + "/metrics.csv");
  std::string header;
  std::getline(csv, header);
  REQUIRE(header == "epoch,train_loss,test_accuracy,seconds,density_fc1,density_out");
  // The checkpoint and the metrics exist.
  const SafetensorsFile f = load_safetensors(c.output_dir + "/checkpoint.safetensors");
  REQUIRE(f.metadata.at("completed") == "3");
  REQUIRE(f.contains("model.fc1.weight"));
  REQUIRE(f.contains("optim.fc1.weight.exp_avg"));
  // The plots: training curves, spikes, a rate histogram per spiking layer (encoder, fc1),
  // the read-out and the first layer's weights, each a PNG.
  REQUIRE(r.plots.size() == 6);
  for (const std::string& path : r.plots) {
    std::ifstream in(path, std::ios::binary);
    char magic[8] = {};
    in.read(magic, 8);
    CAPTURE(path);
    REQUIRE(std::string(magic + 1, 3) == "PNG");
  }
}

TEST_CASE("--resume continues exactly like an uninterrupted run", "[mnist][checkpoint]") {
  mnist::TrainConfig whole = small_config(tmp("whole"));
  whole.epochs = 2;
  const mnist::TrainResult uninterrupted = mnist::train(whole, train_set(), test_set());

  mnist::TrainConfig first = small_config(tmp("split"));
  first.epochs = 1;
  mnist::train(first, train_set(), test_set());
  mnist::TrainConfig second = first;
  second.epochs = 2;
  second.resume = true;
  const mnist::TrainResult resumed = mnist::train(second, train_set(), test_set());
  REQUIRE(resumed.resumed_from_epoch == 1);
  REQUIRE(resumed.epochs.size() == 2);
  REQUIRE(resumed.test_accuracy == uninterrupted.test_accuracy);
  REQUIRE(resumed.epochs[1].train_loss == uninterrupted.epochs[1].train_loss);
  REQUIRE(resumed.epochs[0].input_density == uninterrupted.epochs[0].input_density);  // read back
  const SafetensorsFile a = load_safetensors(whole.output_dir + "/checkpoint.safetensors");
  const SafetensorsFile b = load_safetensors(second.output_dir + "/checkpoint.safetensors");
  for (const auto& [name, t] : a.tensors) {
    CAPTURE(name);
    REQUIRE(b.get(name).to_vector() == t.to_vector());
  }
  // A checkpoint written with other settings is refused, with the reason.
  mnist::TrainConfig other = second;
  other.epochs = 3;
  other.learning_rate = 1e-3f;
  REQUIRE_THROWS_WITH(mnist::train(other, train_set(), test_set()), Catch::Contains("learning_rate"));
}

TEST_CASE("MNIST task input errors", "[mnist][errors]") {
  mnist::TrainConfig c = small_config("");
  c.network.model = "resnet";
  REQUIRE_THROWS_WITH(mnist::train(c, train_set(), test_set()), Catch::Contains("valid models are: conv, fc"));
  c = small_config("");
  c.epochs = 0;
  REQUIRE_THROWS_AS(mnist::train(c, train_set(), test_set()), InvalidArgument);
  c = small_config("");
  c.device = "tpu";
  REQUIRE_THROWS_WITH(mnist::train(c, train_set(), test_set()), Catch::Contains("--device must be cpu or cuda"));
  // This test does not link the CUDA backend: --device=cuda is refused, saying how to build it.
  c.device = "cuda";
  REQUIRE_THROWS_AS(mnist::train(c, train_set(), test_set()), DeviceError);
  REQUIRE_THROWS_WITH(mnist::train(c, train_set(), test_set()), Catch::Contains("--config=cuda"));
}

TEST_CASE("MNIST --export_nir: a box network is written as NIR and reproduces itself; others are refused",
          "[mnist][nir]") {
  mnist::TrainConfig c = small_config(tmp("export"));
  c.network.model = "fc_box";
  c.epochs = 1;
  c.train_limit = 128;
  c.test_limit = 64;
  c.plots = false;
  c.export_nir = tmp("mnist_fc_box.nir");
  const mnist::TrainResult r = mnist::train(c, train_set(), test_set());
  CAPTURE(r.nir_export);
  REQUIRE_THAT(r.nir_export, Catch::Contains("(7 nodes)") && Catch::Contains("equals the network's bit for bit"));
  REQUIRE(std::ifstream(c.export_nir).good());
  c.network.model = "fc";
  c.output_dir = tmp("export_fc");
  REQUIRE_THROWS_WITH(mnist::train(c, train_set(), test_set()),
                      Catch::Contains("--export_nir needs --model=conv_box or fc_box"));
}
