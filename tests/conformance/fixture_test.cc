// The fixture reader as an untrusted-input reader (issue 15, table row 5 and the fuzz target's
// regression cases): deep nesting, wrong JSON types and inconsistent tensors give IoError naming
// the file and the field; a real fixture still loads.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <string>

#include "core/core.h"
#include "tests/conformance/fixture.h"

using namespace norse;
using namespace norse::conformance;

namespace {
std::string write(const std::string& name, const std::string& text) {
  const char* dir = std::getenv("TEST_TMPDIR");
  const std::string path = std::string(dir ? dir : "/tmp") + "/" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}
const std::string kHead = R"("name":"x","model":"lif","mode":"step")";
}  // namespace

TEST_CASE("fixture JSON: hostile files give IoError", "[fixture][errors][reliability]") {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  REQUIRE_THROWS_WITH(load_fixture(write("deep.json", "{" + kHead + ",\"parameters\":{\"p\":" + deep + "}}")),
                      Catch::Contains("nested deeper than 64 levels"));
  REQUIRE_THROWS_AS(load_fixture(write("array.json", "[1,2]")), IoError);
  REQUIRE_THROWS_WITH(load_fixture(write("name.json", R"({"name":3,"model":"lif","mode":"step"})")),
                      Catch::Contains("'name' must be a string, got 3"));
  REQUIRE_THROWS_WITH(load_fixture(write("tensors.json", "{" + kHead + R"(,"tensors":[1]})")),
                      Catch::Contains("'tensors' must be an object"));
  REQUIRE_THROWS_WITH(
      load_fixture(write("shape.json", "{" + kHead + R"(,"tensors":{"input":{"shape":[2,-1],"data":[]}}})")),
      Catch::Contains("tensor 'input' shape[1] must be an integer from 0"));
  REQUIRE_THROWS_WITH(
      load_fixture(write("count.json", "{" + kHead + R"(,"tensors":{"input":{"shape":[2,2],"data":[1]}}})")),
      Catch::Contains("tensor 'input'") && Catch::Contains("has 1 values for shape [2, 2]"));
  REQUIRE_THROWS_WITH(
      load_fixture(write("value.json", "{" + kHead + R"(,"tensors":{"input":{"shape":[1],"data":["a"]}}})")),
      Catch::Contains("data[0] must be a number"));
  REQUIRE_THROWS_WITH(
      load_fixture(
          write("huge.json", "{" + kHead + R"(,"tensors":{"input":{"shape":[4294967296,4294967296],"data":[]}}})")),
      Catch::Contains("exceeds"));
  REQUIRE_THROWS_WITH(load_fixture(write("outputs.json", "{" + kHead + R"(,"differentiated_outputs":"z"})")),
                      Catch::Contains("'differentiated_outputs' must be an array"));
  REQUIRE_THROWS_AS(load_fixture(write("garbage.json", "{\"name\":")), IoError);
}

TEST_CASE("fixture JSON: a real fixture loads", "[fixture]") {
  const Fixture f = load_fixture("tests/conformance/fixtures/lif_step_default.json");
  REQUIRE(f.model == "lif");
  REQUIRE(f.mode == "step");
  REQUIRE(f.has_tensor("input"));
}
