// Surrogate derivatives (which finite differences of H cannot see): each against its closed
// form and against the finite difference of the smooth function it is the derivative of.
#include <catch2/catch.hpp>

#include <cmath>

#include "kernels/surrogate.h"

using namespace norse;

namespace {
// F with F' = the surrogate derivative (in double).
double smooth_primitive(Surrogate s, double x, double a) {
  switch (s) {
    case Surrogate::kSuper:
      return x / (1.0 + a * std::fabs(x));
    case Surrogate::kTriangle:
      return a * (x - 0.5 * x * std::fabs(x));  // valid for |x| < 1
    case Surrogate::kTanh:
    case Surrogate::kLogistic:
      return std::tanh(a * x) / a;
    case Surrogate::kCirc:
    case Surrogate::kCircDist:
      return a * x / std::sqrt(a * a + x * x);
    case Surrogate::kHeaviErfc:
      return std::erf(a * x) / a;
    case Surrogate::kHeaviside:
    case Surrogate::kUser:  // tests/models/user_surrogate_test.cc
      return 0.0;
  }
  return 0.0;
}
}  // namespace

TEST_CASE("surrogate derivatives equal the derivative of their smooth primitive", "[surrogate]") {
  const Surrogate all[] = {Surrogate::kSuper,     Surrogate::kTriangle,  Surrogate::kTanh,     Surrogate::kCirc,
                           Surrogate::kHeaviErfc, Surrogate::kHeaviside, Surrogate::kLogistic, Surrogate::kCircDist};
  for (Surrogate s : all) {
    for (double alpha : {0.3, 2.0, 10.0}) {
      for (double x : {-0.9, -0.37, -0.05, 0.02, 0.3, 0.85}) {
        CAPTURE(surrogate_name(s), alpha, x);
        const double h = 1e-6;
        const double fd = (smooth_primitive(s, x + h, alpha) - smooth_primitive(s, x - h, alpha)) / (2 * h);
        const double analytic = with_surrogate(s, [&](auto tag) { return spike_grad<decltype(tag)::value>(x, alpha); });
        REQUIRE(analytic == Approx(fd).epsilon(1e-6).margin(1e-8));
      }
    }
  }
}

TEST_CASE("surrogate closed forms at hand-worked points", "[surrogate]") {
  // super, alpha 100, x = 0.01: 1 / (1 + 1)^2
  REQUIRE(spike_grad<Surrogate::kSuper>(0.01, 100.0) == Approx(0.25));
  // triangle is not scaled in width: alpha * (1 - |x|) = 0.3 * 0.5
  REQUIRE(spike_grad<Surrogate::kTriangle>(-0.5, 0.3) == Approx(0.15));
  REQUIRE(spike_grad<Surrogate::kTriangle>(1.5, 0.3) == 0.0);
  // tanh has no factor alpha: 1 - tanh(1)^2
  REQUIRE(spike_grad<Surrogate::kTanh>(0.1, 10.0) == Approx(0.41997434));
  // circ at x = 0: alpha^3 / alpha^3 = 1
  REQUIRE(spike_grad<Surrogate::kCirc>(0.0, 0.5) == Approx(1.0));
  // heavi_erfc at 0: 2 / sqrt(pi)
  REQUIRE(spike_grad<Surrogate::kHeaviErfc>(0.0, 10.0) == Approx(1.1283791671));
  REQUIRE(spike_grad<Surrogate::kHeaviside>(0.0, 10.0) == 0.0);
}

TEST_CASE("the forward is strict: H(0) = 0", "[surrogate]") {
  REQUIRE(spike_forward<Surrogate::kSuper>(0.0f, 100.0f, 0.0f) == 0.0f);
  REQUIRE(spike_forward<Surrogate::kSuper>(1e-30f, 100.0f, 0.0f) == 1.0f);
  REQUIRE(spike_forward<Surrogate::kSuper>(-1e-30f, 100.0f, 0.0f) == 0.0f);
  // Stochastic methods spike with probability p(x): a draw below p spikes.
  REQUIRE(spike_forward<Surrogate::kLogistic>(0.0f, 2.0f, 0.49f) == 1.0f);
  REQUIRE(spike_forward<Surrogate::kLogistic>(0.0f, 2.0f, 0.51f) == 0.0f);
  REQUIRE(spike_probability<Surrogate::kCircDist>(3.0f, 4.0f) == Approx(0.8f));
}

TEST_CASE("method names parse, and an unknown one lists the valid names", "[surrogate][errors]") {
  REQUIRE(parse_surrogate("super") == Surrogate::kSuper);
  REQUIRE(parse_surrogate("heavi_erfc") == Surrogate::kHeaviErfc);
  REQUIRE(parse_surrogate("circ_dist") == Surrogate::kCircDist);
  for (const char* name : {"super", "triangle", "tanh", "circ", "heavi_erfc", "heaviside", "logistic", "circ_dist"}) {
    REQUIRE(std::string(surrogate_name(parse_surrogate(name))) == name);
  }
  REQUIRE_THROWS_AS(parse_surrogate("superspike"), InvalidArgument);
  REQUIRE_THROWS_WITH(parse_surrogate("superspike"),
                      Catch::Contains("unknown spike function method 'superspike'") &&
                          Catch::Contains("super, triangle, tanh, circ, heavi_erfc, heaviside, logistic, circ_dist"));
}
