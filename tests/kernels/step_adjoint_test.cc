// Step adjoints, in double precision:
//  - every model's dual-number Jacobian against central finite differences of its step, away
//    from the threshold (with the heaviside method, whose surrogate derivative is the true 0);
//  - LIF's hand-written step_backward against the dual-number adjoint of the same step, for
//    every surrogate method and both reset modes (two independent derivations).
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "kernels/li_math.h"
#include "kernels/lif_math.h"
#include "kernels/spiking_math.h"
#include "kernels/surrogate.h"

using namespace norse;
using namespace norse::kernels;

namespace {

// Checks d(outputs)/d(state, x, params) of Model::step by duals against finite differences.
// Tolerance: relative 1e-5 covers the O(h^2) truncation of steps h = 1e-6 * |value|.
template <class Model>
void check_model_jacobian(const double* params, const double* state, double x, typename Model::Options options = {}) {
  constexpr int kS = Model::kStates, kP = Model::kParams, kDirs = kS + 1 + kP;
  using D = Dual<double, kDirs>;
  const double dt = 1e-3, alpha = 10.0;
  D pd[kP], sd[kS];
  for (int j = 0; j < kP; ++j) pd[j] = D::variable(params[j], kS + 1 + j);
  for (int s = 0; s < kS; ++s) sd[s] = D::variable(state[s], s);
  const D z = Model::template step<Surrogate::kHeaviside>(pd, sd, D::variable(x, kS), dt, alpha, 0.0, options);

  auto run = [&](int dir, double h, double* out_state) {
    double p[kP], s[kS];
    for (int j = 0; j < kP; ++j) p[j] = params[j] + (dir == kS + 1 + j ? h : 0.0);
    for (int k = 0; k < kS; ++k) s[k] = state[k] + (dir == k ? h : 0.0);
    const double xx = x + (dir == kS ? h : 0.0);
    const double zz = Model::template step<Surrogate::kHeaviside>(p, s, xx, dt, alpha, 0.0, options);
    for (int k = 0; k < kS; ++k) out_state[k] = s[k];
    return zz;
  };
  for (int dir = 0; dir < kDirs; ++dir) {
    const double h = 1e-6 * std::max(1.0, std::fabs(dir < kS ? state[dir] : dir == kS ? x : params[dir - kS - 1]));
    double plus[kS], minus[kS];
    const double zp = run(dir, h, plus), zm = run(dir, -h, minus);
    REQUIRE(zp == zm);  // away from the threshold: no spike flips
    REQUIRE(z.d[dir] == 0.0);
    for (int k = 0; k < kS; ++k) {
      CAPTURE(dir, k);
      const double fd = (plus[k] - minus[k]) / (2 * h);
      REQUIRE(sd[k].d[dir] == Approx(fd).epsilon(1e-5).margin(1e-9));
    }
  }
}

}  // namespace

TEST_CASE("dual-number step Jacobians match finite differences for every model", "[adjoint]") {
  SECTION("LI") {
    const double p[] = {200, 100, 0.1}, s[] = {0.3, 0.7};
    check_model_jacobian<LIModel>(p, s, 0.4);
  }
  SECTION("LIBox") {
    const double p[] = {100, 0.1}, s[] = {0.3};
    check_model_jacobian<LIBoxModel>(p, s, 0.4);
  }
  SECTION("LIF, no spike and spike, attached and detached reset") {
    const double p[] = {200, 100, 0.1, 1.0, -0.2}, quiet[] = {0.3, 0.7}, firing[] = {1.2, 5.0};
    check_model_jacobian<LIFModel>(p, quiet, 0.4);
    check_model_jacobian<LIFModel>(p, firing, 0.4);
    check_model_jacobian<LIFModel>(p, firing, 0.4, ResetOptions{true});
  }
  SECTION("LIFBox, both reset modes") {
    const double p[] = {100, 0.1, 1.0, -0.2}, firing[] = {1.3};
    check_model_jacobian<LIFBoxModel>(p, firing, 0.4);
    check_model_jacobian<LIFBoxModel>(p, firing, 0.4, LIFBoxModel::Options{true});
  }
  SECTION("IAF") {
    const double p[] = {1.0, -0.1}, s[] = {0.6};
    check_model_jacobian<IAFModel>(p, s, 0.7);
  }
  SECTION("LSNN") {
    const double p[] = {200, 100, 20, 0.05, 1.0, -0.1, 1.8}, quiet[] = {0.3, 0.5, 1.1}, firing[] = {1.5, 2.0, 1.0};
    check_model_jacobian<LSNNModel>(p, quiet, 0.2);
    check_model_jacobian<LSNNModel>(p, firing, 0.2);
  }
  SECTION("LIFEx and LIFAdEx") {
    const double pe[] = {0.5, 200, 100, 0.05, 1.0, 0.0}, se[] = {0.4, 0.6};
    check_model_jacobian<LIFExModel>(pe, se, 0.3);
    const double pa[] = {4.0, 0.02, 0.5, 2.0, 200, 100, 0.05, 1.0, 0.0}, sa[] = {0.4, 0.6, 0.1};
    check_model_jacobian<LIFAdExModel>(pa, sa, 0.3);
  }
  SECTION("Izhikevich, below and above threshold") {
    const double p[] = {0.02, 0.2, -65, 6, 0.04, 5, 140, 30, 250}, below[] = {-70, -14}, above[] = {25, -10};
    check_model_jacobian<IzhikevichModel>(p, below, 10.0);
    check_model_jacobian<IzhikevichModel>(p, above, 10.0);
  }
  SECTION("CobaLIF, excitatory and inhibitory input") {
    const double p[] = {0.2, 0.2, 5.0, 0.25, -100, 60, -20, -70, -10}, s[] = {-30, 0.3, 0.2};
    check_model_jacobian<CobaLIFModel>(p, s, 0.8);
    check_model_jacobian<CobaLIFModel>(p, s, -0.8);
  }
  SECTION("LIFRefrac, refractory and not") {
    // rho = 0 (the usual resting value) sits on the kink of H(rho); -0.3 tests the same branch.
    const double p[] = {200, 100, 0.0, 1.0, 0.0, 5.0}, resting[] = {0.3, 0.5, -0.3}, refractory[] = {0.3, 0.5, 2.5};
    check_model_jacobian<LIFRefracModel>(p, resting, 0.4);
    check_model_jacobian<LIFRefracModel>(p, refractory, 0.4);
  }
}

TEST_CASE("LIF: the hand-written step_backward equals the dual-number adjoint", "[adjoint][lif]") {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  const Surrogate all[] = {Surrogate::kSuper,     Surrogate::kTriangle,  Surrogate::kTanh,     Surrogate::kCirc,
                           Surrogate::kHeaviErfc, Surrogate::kHeaviside, Surrogate::kLogistic, Surrogate::kCircDist};
  for (Surrogate method : all) {
    for (bool detach : {false, true}) {
      for (int trial = 0; trial < 20; ++trial) {
        CAPTURE(surrogate_name(method), detach, trial);
        const double p[5] = {200 + 50 * u(rng), 100 + 30 * u(rng), 0.1 * u(rng), 1.0 + 0.1 * u(rng), 0.2 * u(rng)};
        const double v = 0.9 + 0.5 * u(rng), i = 2.0 + 2.0 * u(rng), x = u(rng);
        const double gz = u(rng), gv = u(rng), gi = u(rng);
        with_surrogate(method, [&](auto tag) {
          constexpr Surrogate S = decltype(tag)::value;
          // Dual-number adjoint of the generic LIF step.
          using D = Dual<double, 8>;
          D pd[5], sd[2] = {D::variable(v, 0), D::variable(i, 1)};
          for (int j = 0; j < 5; ++j) pd[j] = D::variable(p[j], 3 + j);
          const D z = LIFModel::step<S>(pd, sd, D::variable(x, 2), 1e-3, 5.0, 0.3, ResetOptions{detach});
          double expected[8];
          for (int d = 0; d < 8; ++d) expected[d] = gz * z.d[d] + gv * sd[0].d[d] + gi * sd[1].d[d];
          // Hand-written adjoint.
          const lif::StepParams<double> sp{p[0], p[1], p[2], p[3], p[4], 5.0};
          const lif::StepForward<double> f = lif::step<S>(sp, lif::StepState<double>{v, i}, x, 1e-3, 0.3);
          lif::StepParamGrads<double> gp;
          const lif::StepBackward<double> b =
              lif::step_backward<S>(sp, 1e-3, f.z, f.v1, f.i1, v, gz, gv, gi, &gp, detach);
          const double actual[8] = {b.grad_state.v, b.grad_state.i, b.grad_x, gp.tau_syn_inv,
                                    gp.tau_mem_inv, gp.v_leak,      gp.v_th,  gp.v_reset};
          for (int d = 0; d < 8; ++d) {
            CAPTURE(d);
            REQUIRE(actual[d] == Approx(expected[d]).epsilon(1e-9).margin(1e-12));
          }
        });
      }
    }
  }
}

TEST_CASE("LSNN's hand-written adjoint equals the dual-number adjoint of its step", "[adjoint][lsnn]") {
  constexpr int kS = LSNNModel::kStates, kP = LSNNModel::kParams, kDirs = kS + 1 + kP;
  using D = Dual<double, kDirs>;
  std::mt19937 rng(17);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  const double dt = 1e-3, alpha = 5.0;
  auto check = [&](auto tag, bool detach) {
    constexpr Surrogate S = decltype(tag)::value;
    for (int trial = 0; trial < 50; ++trial) {
      // Voltages and thresholds around each other, so that spikes and surrogate slopes vary.
      const double p[kP] = {200.0 + 50 * u(rng), 100.0 + 30 * u(rng), 0.5 + 0.4 * u(rng), 0.1 * u(rng),
                            1.0 + 0.2 * u(rng),  0.1 * u(rng),        1.8 + 0.5 * u(rng)};
      const double s[kS] = {1.0 + 0.5 * u(rng), 2.0 * u(rng), 1.0 + 0.3 * u(rng)};
      const double x = u(rng), uniform = 0.5 + 0.5 * u(rng);
      const double g_z = u(rng), g_out[kS] = {u(rng), u(rng), u(rng)};
      LSNNModel::Options o;
      o.detach_reset = detach;
      // Dual numbers: every direction at once.
      D pd[kP], sd[kS];
      for (int j = 0; j < kP; ++j) pd[j] = D::variable(p[j], kS + 1 + j);
      for (int k = 0; k < kS; ++k) sd[k] = D::variable(s[k], k);
      const D z = LSNNModel::step<S>(pd, sd, D::variable(x, kS), dt, alpha, uniform, o);
      double expected[kDirs];
      for (int d = 0; d < kDirs; ++d) {
        expected[d] = g_z * z.d[d];
        for (int k = 0; k < kS; ++k) expected[d] += g_out[k] * sd[k].d[d];
      }
      // Hand-written.
      double g_state[kS], g_x, g_params[kP] = {};
      LSNNModel::adjoint<S>(p, s, x, dt, alpha, uniform, o, g_z, g_out, g_state, &g_x, g_params);
      CAPTURE(surrogate_name(S), detach, trial);
      for (int k = 0; k < kS; ++k) REQUIRE(g_state[k] == Approx(expected[k]).epsilon(1e-12).margin(1e-12));
      REQUIRE(g_x == Approx(expected[kS]).epsilon(1e-12).margin(1e-12));
      for (int j = 0; j < kP; ++j) {
        CAPTURE(j);
        REQUIRE(g_params[j] == Approx(expected[kS + 1 + j]).epsilon(1e-12).margin(1e-12));
      }
    }
  };
  for (const Surrogate method :
       {Surrogate::kSuper, Surrogate::kTriangle, Surrogate::kTanh, Surrogate::kCirc, Surrogate::kHeaviErfc,
        Surrogate::kHeaviside, Surrogate::kLogistic, Surrogate::kCircDist}) {
    for (const bool detach : {false, true}) with_surrogate(method, [&](auto tag) { check(tag, detach); });
  }
}

TEST_CASE("LIFModel's adjoint and its compact-record adjoint equal the dual-number adjoint of its step",
          "[adjoint][lif]") {
  constexpr int kS = LIFModel::kStates, kP = LIFModel::kParams, kDirs = kS + 1 + kP;
  using D = Dual<double, kDirs>;
  std::mt19937 rng(23);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  const double dt = 1e-3, alpha = 5.0;
  auto check = [&](auto tag, bool detach) {
    constexpr Surrogate S = decltype(tag)::value;
    for (int trial = 0; trial < 50; ++trial) {
      const double p[kP] = {200.0 + 50 * u(rng), 100.0 + 30 * u(rng), 0.1 * u(rng), 1.0 + 0.2 * u(rng), 0.1 * u(rng)};
      const double s[kS] = {0.9 + 0.5 * u(rng), 2.0 + 2.0 * u(rng)};
      const double x = u(rng), uniform = 0.5 + 0.5 * u(rng);
      const double g_z = u(rng), g_out[kS] = {u(rng), u(rng)};
      const LIFModel::Options o{detach};
      D pd[kP], sd[kS];
      for (int j = 0; j < kP; ++j) pd[j] = D::variable(p[j], kS + 1 + j);
      for (int k = 0; k < kS; ++k) sd[k] = D::variable(s[k], k);
      const D z = LIFModel::step<S>(pd, sd, D::variable(x, kS), dt, alpha, uniform, o);
      double expected[kDirs];
      for (int d = 0; d < kDirs; ++d) expected[d] = g_z * z.d[d] + g_out[0] * sd[0].d[d] + g_out[1] * sd[1].d[d];
      // From the state before the step, with parameter gradients.
      double g_state[kS], g_x, g_params[kP] = {};
      LIFModel::adjoint<S>(p, s, x, dt, alpha, uniform, o, g_z, g_out, g_state, &g_x, g_params);
      // From the compact record (v1, written by step_saving), input and state gradients only.
      double after[kS] = {s[0], s[1]}, record[LIFModel::kCompactSaved];
      const double z_saving = LIFModel::step_saving<S>(p, after, x, dt, alpha, uniform, o, record);
      double c_state[kS], c_x;
      LIFModel::adjoint_compact<S>(p, record, dt, alpha, uniform, o, g_z, g_out, c_state, &c_x);
      CAPTURE(surrogate_name(S), detach, trial);
      REQUIRE(z_saving == z.v);
      for (int k = 0; k < kS; ++k) {
        REQUIRE(g_state[k] == Approx(expected[k]).epsilon(1e-12).margin(1e-12));
        REQUIRE(c_state[k] == g_state[k]);
      }
      REQUIRE(g_x == Approx(expected[kS]).epsilon(1e-12).margin(1e-12));
      REQUIRE(c_x == g_x);
      for (int j = 0; j < kP; ++j) {
        CAPTURE(j);
        REQUIRE(g_params[j] == Approx(expected[kS + 1 + j]).epsilon(1e-12).margin(1e-12));
      }
    }
  };
  for (const Surrogate method :
       {Surrogate::kSuper, Surrogate::kTriangle, Surrogate::kTanh, Surrogate::kCirc, Surrogate::kHeaviErfc,
        Surrogate::kHeaviside, Surrogate::kLogistic, Surrogate::kCircDist}) {
    for (const bool detach : {false, true}) with_surrogate(method, [&](auto tag) { check(tag, detach); });
  }
}

TEST_CASE("LI's hand-written adjoint equals the dual-number adjoint of its step", "[adjoint][li]") {
  constexpr int kS = LIModel::kStates, kP = LIModel::kParams, kDirs = kS + 1 + kP;
  using D = Dual<double, kDirs>;
  std::mt19937 rng(19);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  const double dt = 1e-3;
  for (int trial = 0; trial < 100; ++trial) {
    const double p[kP] = {200.0 + 50 * u(rng), 100.0 + 30 * u(rng), 0.2 * u(rng)};
    const double s[kS] = {u(rng), 2.0 * u(rng)};
    const double x = u(rng), g_out[kS] = {u(rng), u(rng)};
    D pd[kP], sd[kS];
    for (int j = 0; j < kP; ++j) pd[j] = D::variable(p[j], kS + 1 + j);
    for (int k = 0; k < kS; ++k) sd[k] = D::variable(s[k], k);
    LIModel::step<Surrogate::kSuper>(pd, sd, D::variable(x, kS), dt, 0.0, 0.0, LIModel::Options{});
    double expected[kDirs];
    for (int d = 0; d < kDirs; ++d) expected[d] = g_out[0] * sd[0].d[d] + g_out[1] * sd[1].d[d];
    double g_state[kS], g_x, g_params[kP] = {};
    LIModel::adjoint<Surrogate::kSuper>(p, s, x, dt, 0.0, 0.0, LIModel::Options{}, 0.0, g_out, g_state, &g_x, g_params);
    CAPTURE(trial);
    for (int k = 0; k < kS; ++k) REQUIRE(g_state[k] == Approx(expected[k]).epsilon(1e-12).margin(1e-12));
    REQUIRE(g_x == Approx(expected[kS]).epsilon(1e-12).margin(1e-12));
    for (int j = 0; j < kP; ++j) REQUIRE(g_params[j] == Approx(expected[kS + 1 + j]).epsilon(1e-12).margin(1e-12));
  }
}
