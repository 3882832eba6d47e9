// README's side-by-side example (Norse in Python, norse-cpp in C++), compiled and run here. The
// C++ block of README under "<!-- readme_example_test -->" must be this code, token for token
// (whitespace aside), so the two cannot drift apart.
#include <catch2/catch.hpp>

#include <cctype>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "norse/norse.h"

#define NORSE_STRINGIFY(...) #__VA_ARGS__
#define NORSE_EXPAND_AND_STRINGIFY(...) NORSE_STRINGIFY(__VA_ARGS__)
#define NORSE_EXAMPLE_CODE                                        \
  Generator init(0);                                              \
  nn::SequentialState model;                                      \
  model.add(std::make_shared<nn::Linear>(20, 64, init))           \
      .add(std::make_shared<nn::LSNNRecurrentCell>(64, 64, init)) \
      .add(std::make_shared<nn::Linear>(64, 2, init))             \
      .add(std::make_shared<nn::LICell>());                       \
  optim::Adam optimizer(model.named_parameters(), {1e-3f});       \
  std::vector<nn::LayerState> state;                              \
  std::vector<Variable> ys;                                       \
  for (int64_t t = 0; t < x.size(0); ++t) ys.push_back(model.forward(Variable(x.select(0, t)), state));

using namespace norse;

namespace {

std::string squeeze(const std::string& s) {
  std::string out;
  for (char ch : s) {
    if (!std::isspace(static_cast<unsigned char>(ch))) out += ch;
  }
  return out;
}

std::string readme_block() {
  std::ifstream in("README.md");
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  const std::string all = text.str();
  const size_t marker = all.find("<!-- readme_example_test -->");
  REQUIRE(marker != std::string::npos);
  const size_t begin = all.find("```cpp\n", marker);
  REQUIRE(begin != std::string::npos);
  const size_t end = all.find("```", begin + 7);
  return all.substr(begin + 7, end - begin - 7);
}

}  // namespace

TEST_CASE("README's C++ example is this code, and it runs", "[readme]") {
  REQUIRE(squeeze(readme_block()) == squeeze(NORSE_EXPAND_AND_STRINGIFY(NORSE_EXAMPLE_CODE)));
  Generator data(1);
  const Tensor x = rand({10, 3, 20}, data);
  NORSE_EXAMPLE_CODE
  REQUIRE(ys.size() == 10);
  REQUIRE(ys.back().shape() == Shape{3, 2});
  // 2 x (weight, bias), the recurrent cell's 2 weights and LSNN's 7 parameters, LI's 3.
  REQUIRE(model.named_parameters().size() == 16);
  const Variable loss = sum(stack(ys, 0));
  loss.backward();
  optimizer.step();
}
