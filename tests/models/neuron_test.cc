// Neuron models through the tape: the fused sequence ops against the same model composed step
// by step from tape ops (values and gradients), thread-count independence, shapes that break
// kernels, and errors for bad input.
#include <catch2/catch.hpp>

#include "core/core.h"
#include "models/izhikevich.h"
#include "models/lif.h"
#include "models/lsnn.h"
#include "models/threshold.h"
#include "tests/testing/gradcheck.h"
#include "tests/testing/skip.h"

using namespace norse;

namespace {

// LIF composed from tape ops, one step at a time (Norse's lif_feed_forward_step, op by op).
struct ComposedLIF {
  Variable z, v, i;
};
ComposedLIF composed_lif_step(const Variable& x, const Variable& v, const Variable& i, const lif::Params& p, float dt) {
  const Variable i1 = i + x;
  const Variable v1 = v + mul(p.tau_mem_inv * ((p.v_leak - v) + i1), dt);
  const Variable i2 = i1 - mul(p.tau_syn_inv * i1, dt);
  const Variable z = threshold(v1 - p.v_th, p.method, p.alpha);
  const Variable v2 = (1.0f - z) * v1 + z * p.v_reset;
  return {z, v2, i2};
}

// LSNN composed from tape ops (input after the voltage update; b the adaptive threshold).
ComposedLIF composed_lsnn_step(const Variable& x, const Variable& v, const Variable& i, Variable& b,
                               const lsnn::Params& p, float dt) {
  const Variable v1 = v + mul(p.tau_mem_inv * ((p.v_leak - v) + i), dt);
  const Variable i1 = i - mul(p.tau_syn_inv * i, dt);
  const Variable b1 = b + mul(p.tau_adapt_inv * (p.v_th - b), dt);
  const Variable z = threshold(v1 - b1, p.method, p.alpha);
  const Variable v2 = (1.0f - z) * v1 + z * p.v_reset;
  b = b1 + z * p.beta;
  return {z, v2, i1 + x};
}

// Sum of w_k * output_k with fixed random weights: a scalar loss touching every output.
Variable weighted(const std::vector<Variable>& outs, Generator& gen) {
  Variable total(scalar_tensor(0.0f));
  for (const Variable& o : outs) total = total + sum(o * Variable(randn(o.shape(), gen)));
  return total;
}

}  // namespace

TEST_CASE("fused LIF sequence equals the composed per-step LIF, values and gradients", "[models][lif]") {
  const Surrogate methods[] = {Surrogate::kSuper, Surrogate::kTanh, Surrogate::kTriangle, Surrogate::kCirc};
  for (Surrogate method : methods) {
    CAPTURE(surrogate_name(method));
    Generator g(3);
    const int64_t T = 12, B = 3, N = 5;
    const Tensor x = mul(rand({T, B, N}, g), 2.0f);  // drives a fraction of neuron-steps to spike
    const Tensor v0 = rand({B, N}, g, -0.2f, 0.8f), i0 = rand({B, N}, g);
    const Tensor tau = rand({N}, g, 60.0f, 140.0f);
    Variable xa(x.clone(), true), va(v0.clone(), true), ia(i0.clone(), true), ta(tau.clone(), true),
        tha(scalar_tensor(0.9f), true);
    Variable xb(x.clone(), true), vb(v0.clone(), true), ib(i0.clone(), true), tb(tau.clone(), true),
        thb(scalar_tensor(0.9f), true);
    lif::Params pa, pb;
    pa.tau_mem_inv = ta;
    pa.v_th = tha;
    pa.method = method;
    pb.tau_mem_inv = tb;
    pb.v_th = thb;
    pb.method = method;

    const lif::SequenceResult fused = lif::lif_sequence(xa, lif::State{va, ia}, pa, 1e-3f, true);
    std::vector<Variable> zs, vs;
    Variable v = vb, i = ib;
    for (int64_t t = 0; t < T; ++t) {
      const ComposedLIF s = composed_lif_step(select(xb, 0, t), v, i, pb, 1e-3f);
      zs.push_back(s.z);
      vs.push_back(s.v);
      v = s.v;
      i = s.i;
    }
    const Variable z_composed = stack(zs, 0), v_composed = stack(vs, 0);
    NORSE_REQUIRE_CLOSE(fused.z.value(), z_composed.value(), 0.0f, 0.0f);
    NORSE_REQUIRE_CLOSE(fused.record.v.value(), v_composed.value(), 1e-5f, 1e-5f);
    NORSE_REQUIRE_CLOSE(fused.state.i.value(), i.value(), 1e-5f, 1e-5f);
    const float rate = mean(fused.z.value()).item();
    CAPTURE(rate);
    REQUIRE((rate > 0.05f && rate < 0.6f));

    Generator wa(9), wb(9);
    weighted({fused.z, fused.record.v, fused.state.v, fused.state.i}, wa).backward();
    weighted({z_composed, v_composed, v, i}, wb).backward();
    NORSE_REQUIRE_CLOSE(xa.grad(), xb.grad(), 1e-4f, 1e-3f);
    NORSE_REQUIRE_CLOSE(va.grad(), vb.grad(), 1e-4f, 1e-3f);
    NORSE_REQUIRE_CLOSE(ia.grad(), ib.grad(), 1e-4f, 1e-3f);
    NORSE_REQUIRE_CLOSE(ta.grad(), tb.grad(), 1e-4f, 1e-3f);
    NORSE_REQUIRE_CLOSE(tha.grad(), thb.grad(), 1e-3f, 1e-3f);
  }
}

TEST_CASE("fused LSNN (generic dual-number path) equals the composed LSNN", "[models][lsnn]") {
  Generator g(4);
  const int64_t T = 15, B = 2, N = 6;
  const Tensor x = mul(rand({T, B, N}, g), 8.0f);
  lsnn::Params pa, pb;
  pa.tau_adapt_inv = pb.tau_adapt_inv = Variable(scalar_tensor(50.0f));
  pa.beta = Variable(scalar_tensor(0.3f), true);
  pb.beta = Variable(scalar_tensor(0.3f), true);
  Variable xa(x.clone(), true), xb(x.clone(), true);
  const lsnn::SequenceResult fused = lsnn::lsnn_sequence(xa, {}, pa, 1e-3f, true);
  Variable v(zeros({B, N})), i(zeros({B, N})), b(full({B, N}, 1.0f));
  std::vector<Variable> zs;
  for (int64_t t = 0; t < T; ++t) {
    const ComposedLIF s = composed_lsnn_step(select(xb, 0, t), v, i, b, pb, 1e-3f);
    zs.push_back(s.z);
    v = s.v;
    i = s.i;
  }
  const Variable z_composed = stack(zs, 0);
  NORSE_REQUIRE_CLOSE(fused.z.value(), z_composed.value(), 0.0f, 0.0f);
  NORSE_REQUIRE_CLOSE(fused.state.b.value(), b.value(), 1e-5f, 1e-5f);
  REQUIRE(mean(fused.z.value()).item() > 0.05f);
  Generator wa(5), wb(5);
  weighted({fused.z, fused.state.v, fused.state.b}, wa).backward();
  weighted({z_composed, v, b}, wb).backward();
  NORSE_REQUIRE_CLOSE(xa.grad(), xb.grad(), 1e-4f, 1e-3f);
  NORSE_REQUIRE_CLOSE(pa.beta.grad(), pb.beta.grad(), 1e-3f, 1e-3f);
}

TEST_CASE("fused sequences give the same bits on 1 and 2 threads", "[models][threads]") {
  Generator g(5);
  const Tensor x = mul(rand({20, 8, 1000}, g), 5.0f);
  auto run = [&](int threads) {
    const int before = num_threads();
    set_num_threads(threads);
    Variable xv(x.clone(), true);
    lsnn::Params lp;
    const lif::SequenceResult a = lif::lif_sequence(xv, {}, lif::Params{}, 1e-3f, true);
    const lsnn::SequenceResult b = lsnn::lsnn_sequence(xv, {}, lp, 1e-3f, false);
    sum(a.z * 0.5f + a.record.v + b.z).backward();
    set_num_threads(before);
    return std::vector<Tensor>{a.z.value(), a.record.v.value(), b.state.b.value(), xv.grad()};
  };
  const std::vector<Tensor> one = run(1), two = run(2);
  for (size_t k = 0; k < one.size(); ++k) {
    CAPTURE(k);
    REQUIRE(one[k].to_vector() == two[k].to_vector());
  }
}

TEST_CASE("recurrent sequences give the same bits on 1 and 2 threads (row blocks)", "[models][threads]") {
  // B * H = 4096 neurons: four row blocks, each walking the time loop alone; dL/dR is summed
  // from per-block partials in block order.
  Generator g(9);
  const Tensor x = mul(rand({30, 64, 10}, g), 3.0f);
  const Tensor w = randn({64, 10}, g, 0.0f, 0.5f), r = randn({64, 64}, g, 0.0f, 0.3f);
  auto run = [&](int threads) {
    const int before = num_threads();
    set_num_threads(threads);
    Variable xv(x.clone(), true), wv(w.clone(), true), rv(r.clone(), true);
    lsnn::Params p;
    p.v_th = Variable(scalar_tensor(0.5f));
    const lsnn::RecurrentSequenceResult out = lsnn::lsnn_recurrent_sequence(xv, wv, rv, {}, p);
    sum(out.z * out.z.detach() + out.state.v).backward();
    set_num_threads(before);
    return std::vector<Tensor>{out.z.value(), out.state.v.value(), xv.grad(), wv.grad(), rv.grad()};
  };
  const std::vector<Tensor> one = run(1), two = run(2);
  REQUIRE(sum(one[0]).item() > 0.0f);  // the network spikes
  for (size_t k = 0; k < one.size(); ++k) {
    CAPTURE(k);
    REQUIRE(one[k].to_vector() == two[k].to_vector());
  }
}

TEST_CASE("neurons take any trailing shape and odd sizes", "[models][shapes]") {
  Generator g(6);
  SECTION("[T, B, C, H, W] after a convolution, with per-channel-row parameters") {
    const Tensor x = mul(rand({4, 2, 3, 5, 7}, g), 8.0f);
    lif::Params p;
    p.v_th = Variable(rand({5, 7}, g, 0.5f, 1.5f));  // broadcast over the trailing [H, W]
    const lif::SequenceResult r = lif::lif_sequence(Variable(x), {}, p, 1e-3f, true);
    REQUIRE(r.z.shape() == Shape{4, 2, 3, 5, 7});
    REQUIRE(r.state.v.shape() == Shape{2, 3, 5, 7});
    // Element (b=1, c=2, h=4, w=6) matches a scalar run with that element's threshold.
    lif::Params q;
    q.v_th = Variable(scalar_tensor(p.v_th.value().at({4, 6})));
    Tensor xs = Tensor::empty({4, 1, 1});
    for (int64_t t = 0; t < 4; ++t) xs.at({t, 0, 0}) = x.at({t, 1, 2, 4, 6});
    const lif::SequenceResult s = lif::lif_sequence(Variable(xs), {}, q, 1e-3f, true);
    for (int64_t t = 0; t < 4; ++t) {
      REQUIRE(r.z.value().at({t, 1, 2, 4, 6}) == s.z.value().at({t, 0, 0}));
      REQUIRE(r.record.v.value().at({t, 1, 2, 4, 6}) == s.record.v.value().at({t, 0, 0}));
    }
  }
  SECTION("size 1, prime sizes, more elements than one block, zero time steps") {
    for (const Shape& shape : {Shape{1, 1, 1}, Shape{7, 13, 17}, Shape{3, 1, 1031}, Shape{0, 2, 3}}) {
      CAPTURE(shape_to_string(shape));
      Variable x(mul(rand(shape, g), 4.0f), true);
      const lif::SequenceResult r = lif::lif_sequence(x, {}, lif::Params{}, 1e-3f, true);
      REQUIRE(r.z.shape() == shape);
      sum(r.state.v + r.z).backward();
      REQUIRE(x.grad().shape() == shape);
    }
  }
  SECTION("a non-contiguous input is read correctly") {
    const Tensor base = mul(rand({6, 4, 3}, g), 5.0f);
    const Tensor view = base.permute({0, 2, 1});  // [6, 3, 4], not contiguous
    const lif::SequenceResult a = lif::lif_sequence(Variable(view), {}, lif::Params{});
    const lif::SequenceResult b = lif::lif_sequence(Variable(view.contiguous()), {}, lif::Params{});
    REQUIRE(a.z.value().to_vector() == b.z.value().to_vector());
  }
}

TEST_CASE("bad input to the neuron models throws with the details", "[models][errors]") {
  const Variable x(zeros({5, 2, 3}));
  REQUIRE_THROWS_WITH(lif::lif_sequence(Variable(zeros({3})), {}, lif::Params{}),
                      Catch::Contains("lif_sequence: argument 'input' must be [T, B, ...]"));
  REQUIRE_THROWS_WITH(lif::lif_sequence(x, lif::State{Variable(zeros({2, 4})), Variable()}, lif::Params{}),
                      Catch::Contains("argument 'state.v' must have shape [2, 3], got [2, 4]"));
  lif::Params nan_params;
  nan_params.tau_mem_inv = Variable(scalar_tensor(std::nanf("")));
  REQUIRE_THROWS_WITH(lif::lif_sequence(x, {}, nan_params), Catch::Contains("parameter 'tau_mem_inv' must be finite"));
  lif::Params wrong_shape;
  wrong_shape.v_th = Variable(zeros({4}));
  REQUIRE_THROWS_WITH(lif::lif_sequence(x, {}, wrong_shape),
                      Catch::Contains("parameter 'v_th' must be a scalar or match the trailing dimensions"));
  REQUIRE_THROWS_AS(lif::lif_sequence(x, {}, lif::Params{}, -1e-3f), InvalidArgument);
  lif::Params stochastic;
  stochastic.method = Surrogate::kLogistic;
  REQUIRE_THROWS_WITH(lif::lif_sequence(x, {}, stochastic), Catch::Contains("is stochastic and needs a Generator"));
  lsnn::Params lp;
  REQUIRE_THROWS_AS(lsnn::lsnn_sequence(x, lsnn::State{Variable(), Variable(), Variable(zeros({9}))}, lp), ShapeError);
  REQUIRE_THROWS_WITH(izhikevich::izhikevich_sequence(x, {}, izhikevich::Params{}), Catch::Contains("must be given"));
  REQUIRE_THROWS_WITH(izhikevich::behavior("tonic_spike"), Catch::Contains("valid names are: tonic_spiking"));
  Generator g(1);
  lif::LIFRecurrentCell cell(3, 4, g);
  REQUIRE_THROWS_WITH(cell.forward(Variable(zeros({2, 5}))),
                      Catch::Contains("argument 'input_weights' must be [N_hidden, N_in] with N_in = 5"));
}

TEST_CASE("Izhikevich has Norse's 20 behaviours", "[models][izhikevich]") {
  REQUIRE(izhikevich::behavior_names().size() == 20);
  const izhikevich::Behavior tonic = izhikevich::behavior("tonic_spiking");
  REQUIRE(tonic.v == -70.0f);
  REQUIRE(tonic.u == Approx(-14.0f));
  REQUIRE(izhikevich::behavior("accomodation").u == -16.0f);
  REQUIRE(izhikevich::behavior("class_1_exc").p.bias.item() == 108.0f);
  // Tonic spiking fires regularly under a constant current (Izhikevich 2004, fig. 1A).
  const izhikevich::State s = izhikevich::initial_state(tonic, {1, 1});
  const izhikevich::SequenceResult r =
      izhikevich::izhikevich_sequence(Variable(full({200, 1, 1}, 14.0f)), s, tonic.p, 1e-3f);
  const float spikes = sum(r.z.value()).item();
  CAPTURE(spikes);
  REQUIRE((spikes >= 3 && spikes <= 40));
}

TEST_CASE("recurrent cells: Norse's initialisation and the autapse mask", "[models][recurrent]") {
  Generator g(2);
  lif::LIFRecurrentCell no_autapses(4, 50, g);
  const Tensor w = no_autapses.recurrent_weights().value();
  for (int64_t k = 0; k < 50; ++k) REQUIRE(w.at({k, k}) == 0.0f);
  const float stddev = std::sqrt(mean(pow(no_autapses.input_weights().value(), 2.0f)).item());
  REQUIRE(stddev == Approx(std::sqrt(2.0f / 50.0f)).epsilon(0.1));  // N(0, 2 / hidden)
  // The gradient of the recurrent weights has a zero diagonal without autapses.
  lif::LIFRecurrent layer(3, 6, g);
  const lif::RecurrentSequenceResult r = layer.forward(Variable(mul(rand({20, 2, 3}, g), 20.0f)));
  sum(r.z).backward();
  const Tensor grad = layer.recurrent_weights().grad();
  REQUIRE(grad.defined());
  for (int64_t k = 0; k < 6; ++k) REQUIRE(grad.at({k, k}) == 0.0f);
  REQUIRE(sum(abs(grad)).item() > 0.0f);
}
