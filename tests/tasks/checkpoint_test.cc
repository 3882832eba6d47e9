// Task checkpoints as untrusted input (issue 15, table row 3): metadata that is not what the
// task wrote must give IoError (the tasks catch norse::Error and exit with its message), never a
// std::invalid_argument or nlohmann::type_error that aborts `--resume`.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

#include "core/core.h"
#include "models/optim.h"
#include "tasks/checkpoint.h"

using namespace norse;

namespace {
std::string tmp(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return std::string(dir ? dir : "/tmp") + "/" + name;
}
}  // namespace

TEST_CASE("checkpoint metadata is validated on load", "[checkpoint][errors][reliability]") {
  Variable w(ones({3}), true);
  std::vector<nn::NamedParameter> params = {{"w", &w}};
  optim::SGD sgd(params, optim::SGDOptions{});
  const tasks::RunIdentity identity = {{"seed", "1"}};
  const std::string path = tmp("ckpt.safetensors");
  auto save = [&](const std::string& completed, const std::string& metrics) {
    NamedTensors tensors = {{"model.w", ones({3})}};
    save_safetensors(path, tensors, {{"seed", "1"}, {"completed", completed}, {"metrics", metrics}});
  };

  save("2", R"([{"epoch":1,"train_loss":0.5}])");
  const tasks::CheckpointContents ok = tasks::load_checkpoint(path, "test", params, sgd, identity);
  REQUIRE(ok.completed == 2);
  const auto entries = tasks::metrics_entries(ok.metrics_json);
  REQUIRE(entries.size() == 1);
  REQUIRE(tasks::metric_int(entries[0], "epoch") == 1);
  REQUIRE(tasks::metric_number(entries[0], "train_loss") == 0.5);
  REQUIRE_THROWS_WITH(tasks::metric_number(entries[0], "seconds"), Catch::Contains("field 'seconds' is missing"));

  save("two", "[]");
  REQUIRE_THROWS_AS(tasks::load_checkpoint(path, "test", params, sgd, identity), IoError);
  save("-1", "[]");
  REQUIRE_THROWS_WITH(tasks::load_checkpoint(path, "test", params, sgd, identity),
                      Catch::Contains("metadata 'completed' must be an integer from 0"));
  save("1", "{\"epoch\":1}");
  REQUIRE_THROWS_WITH(tasks::load_checkpoint(path, "test", params, sgd, identity),
                      Catch::Contains("metrics") && Catch::Contains("expected an array"));
  save("1", "[1, 2]");
  REQUIRE_THROWS_WITH(tasks::load_checkpoint(path, "test", params, sgd, identity),
                      Catch::Contains("entry 0 is not an object"));
  save("1", R"([{"epoch":"one"}])");
  const auto bad = tasks::metrics_entries(R"([{"epoch":"one"}])");
  REQUIRE_THROWS_WITH(tasks::metric_int(bad[0], "epoch"),
                      Catch::Contains("field 'epoch' must be an integer, got \"one\""));
  save("1", std::string(100000, '[') + std::string(100000, ']'));
  REQUIRE_THROWS_WITH(tasks::load_checkpoint(path, "test", params, sgd, identity), Catch::Contains("nested deeper"));
}

TEST_CASE("prepare_output_dir creates missing parent folders and names one it cannot create", "[checkpoint]") {
  Variable w(ones({3}), true);
  std::vector<nn::NamedParameter> params = {{"w", &w}};
  optim::SGD sgd(params, optim::SGDOptions{});
  const std::string nested = tmp("out_parent/run/a");
  REQUIRE_FALSE(tasks::prepare_output_dir(nested, false, "test", params, sgd, {}).has_value());
  tasks::write_file_atomically(nested + "/probe.txt", "x");  // the folder exists
  // A folder below a regular file cannot be created.
  REQUIRE_THROWS_WITH(tasks::prepare_output_dir(nested + "/probe.txt/sub", false, "test", params, sgd, {}),
                      Catch::Contains("cannot create the output folder") && Catch::Contains("probe.txt"));
  // Checkpoints without a "ranks" entry were written by one process.
  const std::string path = tmp("old.safetensors");
  save_safetensors(path, {{"model.w", ones({3})}}, {{"completed", "1"}, {"metrics", "[]"}});
  REQUIRE(tasks::load_checkpoint(path, "test", params, sgd, {{"ranks", "1"}}).completed == 1);
  REQUIRE_THROWS_WITH(tasks::load_checkpoint(path, "test", params, sgd, {{"ranks", "2"}}),
                      Catch::Contains("ranks = 1, this run has 2"));
}

TEST_CASE("a checkpoint without the non-trainable parameters still loads; a trainable one it lacks is named",
          "[checkpoint]") {
  Variable w(ones({3}), true);
  Variable tau(scalar_tensor(100.0f));  // a neuron parameter that does not train
  std::vector<nn::NamedParameter> params = {{"w", &w}, {"tau", &tau}};
  optim::SGD sgd(params, optim::SGDOptions{});
  const tasks::RunIdentity identity = {{"seed", "1"}};
  const std::string path = tmp("old.safetensors");
  // Written before named_parameters() listed the neuron parameters: only the weight.
  save_safetensors(path, {{"model.w", full({3}, 2.0f)}}, {{"seed", "1"}, {"completed", "1"}, {"metrics", "[]"}});
  tasks::load_checkpoint(path, "test", params, sgd, identity);
  REQUIRE(w.value().to_vector() == std::vector<float>{2.0f, 2.0f, 2.0f});
  REQUIRE(tau.value().item() == 100.0f);  // kept
  // Where the file has it, it is loaded.
  save_safetensors(path, {{"model.w", ones({3})}, {"model.tau", scalar_tensor(50.0f)}},
                   {{"seed", "1"}, {"completed", "1"}, {"metrics", "[]"}});
  tasks::load_checkpoint(path, "test", params, sgd, identity);
  REQUIRE(tau.value().item() == 50.0f);
  // A parameter that trains must be in the file.
  Variable trained(scalar_tensor(1.0f), true);
  params.push_back({"trained", &trained});
  optim::SGD sgd2(params, optim::SGDOptions{});
  REQUIRE_THROWS_WITH(tasks::load_checkpoint(path, "test", params, sgd2, identity),
                      Catch::Contains("missing tensor 'model.trained'"));
}
