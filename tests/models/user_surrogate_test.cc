// A user-defined surrogate (Surrogate::kUser, register_user_surrogate): refused with a message
// until one is registered; SuperSpike's derivative registered as the user's gives exactly
// SuperSpike's spikes and gradients through the fused loops of LIF (hand-written adjoint, both
// records), LSNN (hand-written adjoint) and LIFBox (dual-number adjoint) and the tape's
// threshold; another derivative is what the gradient uses; the CUDA path refuses it (here the
// emulated backend, which runs the kernels' thread bodies and their checks).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <vector>

#include "core/core.h"
#include "kernels/surrogate.h"
#include "models/lif.h"
#include "models/lif_box.h"
#include "models/lsnn.h"
#include "models/threshold.h"
#include "tests/testing/gpu.h"

using namespace norse;

namespace {

float superspike_derivative(float x, float alpha) {
  const float d = alpha * std::fabs(x) + 1.0f;
  return 1.0f / (d * d);
}

bool same_bits(const Tensor& a, const Tensor& b) {
  const std::vector<float> u = a.to_vector(), v = b.to_vector();
  return u.size() == v.size() && (u.empty() || std::memcmp(u.data(), v.data(), u.size() * sizeof(float)) == 0);
}

// Spikes and every gradient (input, v_th, tau_mem_inv) of a model's sequence for one method.
struct Run {
  Tensor z, grad_x, grad_v_th, grad_tau_mem_inv;
};
template <class Params, class F>
Run run(F sequence, Params params, Surrogate method, const Tensor& x) {
  params.method = method;
  params.v_th = Variable(params.v_th.value(), true);
  params.tau_mem_inv = Variable(params.tau_mem_inv.value(), true);
  Variable xv(x, true);
  const auto r = sequence(xv, params);
  Generator g(5);
  r.z.backward(randn(r.z.shape(), g));
  return Run{r.z.value(), xv.grad(), params.v_th.grad(), params.tau_mem_inv.grad()};
}

template <class Params, class F>
void require_user_equals_super(const char* name, F sequence, const Params& params, const Tensor& x) {
  CAPTURE(name);
  const Run super = run(sequence, params, Surrogate::kSuper, x);
  const Run user = run(sequence, params, Surrogate::kUser, x);
  const float rate = mean(super.z).item();
  CHECK(rate > 0.01f);
  CHECK(rate < 0.9f);
  REQUIRE(same_bits(user.z, super.z));
  REQUIRE(same_bits(user.grad_x, super.grad_x));
  REQUIRE(same_bits(user.grad_v_th, super.grad_v_th));
  REQUIRE(same_bits(user.grad_tau_mem_inv, super.grad_tau_mem_inv));
}

}  // namespace

TEST_CASE("user-defined surrogate: registered derivative through every fused loop", "[surrogate][user]") {
  REQUIRE(parse_surrogate("user") == Surrogate::kUser);
  REQUIRE(std::string(surrogate_name(Surrogate::kUser)) == "user");
  Generator gen(3);
  const Tensor x = mul(rand({30, 4, 50}, gen), 3.0f);

  // Not registered yet: the op says what to do.
  lif::Params p;
  p.method = Surrogate::kUser;
  REQUIRE_THROWS_WITH(lif::lif_sequence(Variable(x), {}, p), Catch::Contains("register_user_surrogate"));
  REQUIRE_THROWS_WITH(register_user_surrogate(nullptr), Catch::Contains("derivative"));

  register_user_surrogate(&superspike_derivative);
  auto lif_seq = [](const Variable& in, const lif::Params& q) { return lif::lif_sequence(in, lif::State{}, q); };
  auto lsnn_seq = [](const Variable& in, const lsnn::Params& q) { return lsnn::lsnn_sequence(in, lsnn::State{}, q); };
  auto box_seq = [](const Variable& in, const lif_box::Params& q) {
    return lif_box::lif_box_sequence(in, lif_box::State{}, q);
  };
  require_user_equals_super("lif (parameters train: the saved state)", lif_seq, lif::Params{}, x);
  require_user_equals_super("lsnn", lsnn_seq, lsnn::Params{}, x);
  require_user_equals_super("lif_box (dual-number adjoint)", box_seq, lif_box::Params{}, x);
  {  // LIF without trainable parameters: the compact record.
    lif::Params q;
    Variable xs(x, true), xu(x, true);
    q.method = Surrogate::kSuper;
    const lif::SequenceResult s = lif::lif_sequence(xs, {}, q);
    q.method = Surrogate::kUser;
    const lif::SequenceResult u = lif::lif_sequence(xu, {}, q);
    const Tensor g = randn(s.z.shape(), gen);
    s.z.backward(g);
    u.z.backward(g);
    REQUIRE(same_bits(u.z.value(), s.z.value()));
    REQUIRE(same_bits(xu.grad(), xs.grad()));
  }

  // Another derivative: the gradient is that function, element by element.
  register_user_surrogate([](float v, float alpha) { return alpha * std::exp(-v * v); });
  const Tensor points = from_vector({-1.0f, -0.25f, 0.0f, 0.5f, 2.0f}, {5});
  Variable xv(points, true);
  const Variable z = threshold(xv, Surrogate::kUser, 3.0f);
  REQUIRE(z.value().to_vector() == std::vector<float>{0.0f, 0.0f, 0.0f, 1.0f, 1.0f});
  z.backward(ones({5}));
  const std::vector<float> grad = xv.grad().to_vector(), at = points.to_vector();
  for (size_t k = 0; k < grad.size(); ++k) REQUIRE(grad[k] == Approx(3.0f * std::exp(-at[k] * at[k])));
}

TEST_CASE("user-defined surrogate: the CUDA path refuses it, naming the method", "[surrogate][user][cuda]") {
  std::string reason;
  REQUIRE(testing::gpu_available(&reason));  // the emulated backend: always
  register_user_surrogate(&superspike_derivative);
  lif::Params p;
  p.method = Surrogate::kUser;
  Generator gen(4);
  const Variable xd(mul(rand({5, 2, 8}, gen), 3.0f).to(Device::kCUDA));
  REQUIRE_THROWS_AS(lif::lif_sequence(xd, {}, p), DeviceError);
  REQUIRE_THROWS_WITH(lif::lif_sequence(xd, {}, p), Catch::Contains("'user'"));
}
