// Helpers of the CUDA-against-CPU tests: random host vectors and an element-wise closeness
// check that names the array, the index and both values.
#ifndef NORSE_TESTS_TESTING_VECTOR_COMPARE_H_
#define NORSE_TESTS_TESTING_VECTOR_COMPARE_H_

#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

namespace norse {
namespace testing {

inline std::vector<float> random_vector(size_t n, float lo, float hi, std::mt19937& rng) {
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = d(rng);
  return v;
}

// |actual - expected| <= atol + rtol * |expected| at every index.
inline void require_close(const std::vector<float>& actual, const std::vector<float>& expected, const char* what,
                          float atol, float rtol = 1e-4f) {
  REQUIRE(actual.size() == expected.size());
  for (size_t k = 0; k < expected.size(); ++k) {
    if (std::fabs(actual[k] - expected[k]) > atol + rtol * std::fabs(expected[k])) {
      FAIL(what << "[" << k << "]: actual " << actual[k] << " expected " << expected[k]);
    }
  }
}

}  // namespace testing
}  // namespace norse

#endif  // NORSE_TESTS_TESTING_VECTOR_COMPARE_H_
