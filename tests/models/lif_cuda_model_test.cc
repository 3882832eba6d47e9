// The neuron models on cuda tensors: the forward equals the CPU's (the same step functions,
// -fmad=false), and training through the tape gives the CPU's gradients for the input, the
// initial state and trainable parameters (scalar and per neuron, living on the host or on the
// GPU); the encoder and Adam likewise. Skipped, with the reason, without a CUDA device.
#include <catch2/catch.hpp>

#include <functional>
#include <string>
#include <vector>

#include "core/core.h"
#include "models/encoders.h"
#include "models/li.h"
#include "models/lif.h"
#include "models/lif_box.h"
#include "models/lsnn.h"
#include "models/optim.h"
#include "tests/testing/gpu.h"
#include "tests/testing/skip.h"
#include "tests/testing/vector_compare.h"

using namespace norse;

TEST_CASE("lif_sequence on cuda equals the CPU (inference)", "[cuda][lif][models]") {
  NORSE_REQUIRE_GPU();
  Generator g(3);
  const Tensor x = mul(rand({40, 8, 300}, g), 3.0f);
  lif::Params p;
  p.v_th = Variable(rand({300}, g, 0.5f, 1.5f));  // per-neuron threshold
  NoGradGuard no_grad;
  const lif::SequenceResult cpu = lif::lif_sequence(Variable(x), {}, p, 1e-3f, true);
  const lif::SequenceResult gpu = lif::lif_sequence(Variable(x.to(Device::kCUDA)), {}, p, 1e-3f, true);
  REQUIRE(gpu.z.value().device() == Device::kCUDA);
  REQUIRE(gpu.z.value().to_vector() == cpu.z.value().to_vector());
  REQUIRE(gpu.record.v.value().to_vector() == cpu.record.v.value().to_vector());
  REQUIRE(gpu.state.v.value().to_vector() == cpu.state.v.value().to_vector());
  REQUIRE(gpu.state.i.value().to_vector() == cpu.state.i.value().to_vector());
}

TEST_CASE("li_sequence and lsnn_sequence on cuda equal the CPU (inference)", "[cuda][models]") {
  NORSE_REQUIRE_GPU();
  Generator g(4);
  const Tensor x = mul(rand({30, 4, 200}, g), 3.0f);
  const Tensor xd = x.to(Device::kCUDA);
  NoGradGuard no_grad;
  const li::SequenceResult li_cpu = li::li_sequence(Variable(x), {}, li::Params{}, 1e-3f, true);
  const li::SequenceResult li_gpu = li::li_sequence(Variable(xd), {}, li::Params{}, 1e-3f, true);
  REQUIRE(li_gpu.record.v.value().to_vector() == li_cpu.record.v.value().to_vector());
  REQUIRE(li_gpu.state.i.value().to_vector() == li_cpu.state.i.value().to_vector());
  const lsnn::SequenceResult ls_cpu = lsnn::lsnn_sequence(Variable(x), {}, lsnn::Params{}, 1e-3f, false);
  const lsnn::SequenceResult ls_gpu = lsnn::lsnn_sequence(Variable(xd), {}, lsnn::Params{}, 1e-3f, false);
  REQUIRE(ls_gpu.z.value().to_vector() == ls_cpu.z.value().to_vector());
  REQUIRE(ls_gpu.state.b.value().to_vector() == ls_cpu.state.b.value().to_vector());
}

namespace {

// Runs `loss_of(input, trainable)` with every leaf on `device` (`host_params` stay on the CPU),
// calls backward, and returns the loss and each leaf's gradient (on the host).
struct GradRun {
  float loss = 0.0f;
  std::vector<std::vector<float>> grads;
};

GradRun grad_run(Device device, const Tensor& x, const std::vector<Tensor>& device_params,
                 const std::vector<Tensor>& host_params,
                 const std::function<Variable(const Variable&, const std::vector<Variable>&,
                                              const std::vector<Variable>&)>& loss_of) {
  const Variable input(x.to(device), true);
  std::vector<Variable> on_device, on_host;
  for (const Tensor& t : device_params) on_device.emplace_back(t.to(device), true);
  for (const Tensor& t : host_params) on_host.emplace_back(t, true);
  const Variable loss = loss_of(input, on_device, on_host);
  loss.backward();
  GradRun r;
  r.loss = loss.item();
  REQUIRE(input.grad().device() == device);
  r.grads.push_back(input.grad().to_vector());
  for (const Variable& p : on_device) {
    REQUIRE(p.grad().device() == device);
    r.grads.push_back(p.grad().to_vector());
  }
  for (const Variable& p : on_host) {
    REQUIRE(p.grad().device() == Device::kCPU);  // a host parameter gets its gradient on the host
    r.grads.push_back(p.grad().to_vector());
  }
  return r;
}

// rtol: 1e-4 where the GPU runs the CPU's own step functions; the recurrent models take their
// recurrent input from cuBLAS, whose summation order differs from the CPU GEMM's: the ~1e-7
// differences in v grow through the surrogate's slope (alpha = 100) over 30 steps of BPTT
// (LSNN's w_in gradient: 1.3e-4 relative on an H200).
void require_same_training(const GradRun& gpu, const GradRun& cpu, float rtol = 1e-4f) {
  REQUIRE(gpu.loss == Approx(cpu.loss).epsilon(1e-5));
  REQUIRE(gpu.grads.size() == cpu.grads.size());
  for (size_t k = 0; k < cpu.grads.size(); ++k) {
    INFO("gradient " << k);
    testing::require_close(gpu.grads[k], cpu.grads[k], "grad", 1e-5f, rtol);
  }
}

constexpr float kRecurrentRtol = 5e-4f;

// A loss that reads every output: spikes, the recorded voltage and the final state.
Variable weigh(const Variable& a, const Tensor& w) { return sum(a * Variable(w.to(a.value().device()))); }

}  // namespace

TEST_CASE("lif_sequence trains on cuda as on the CPU", "[cuda][lif][models][autograd]") {
  NORSE_REQUIRE_GPU();
  Generator g(11);
  const Tensor x = mul(rand({25, 3, 64}, g), 4.0f);
  const Tensor w_z = rand({25, 3, 64}, g, -1.0f, 1.0f), w_v = rand({25, 3, 64}, g, -1.0f, 1.0f);
  const Tensor v_th = rand({64}, g, 0.5f, 1.0f);
  auto loss_of = [&](const Variable& in, const std::vector<Variable>& dev, const std::vector<Variable>& host) {
    lif::Params p;
    p.v_th = dev[0];          // per neuron, on the input's device
    p.tau_mem_inv = host[0];  // scalar, on the host
    const lif::SequenceResult r = lif::lif_sequence(in, {}, p, 1e-3f, true);
    return weigh(r.z, w_z) + weigh(r.record.v, w_v) + sum(r.state.i);
  };
  const GradRun cpu = grad_run(Device::kCPU, x, {v_th}, {scalar_tensor(100.0f)}, loss_of);
  const GradRun gpu = grad_run(Device::kCUDA, x, {v_th}, {scalar_tensor(100.0f)}, loss_of);
  require_same_training(gpu, cpu);
}

TEST_CASE("LI, LSNN, LIFBox and the LIF encoder train on cuda as on the CPU", "[cuda][models][autograd]") {
  NORSE_REQUIRE_GPU();
  Generator g(12);
  const Tensor x = mul(rand({20, 2, 48}, g), 3.0f);
  const Tensor w = rand({20, 2, 48}, g, -1.0f, 1.0f);
  const Tensor per_neuron = rand({48}, g, 0.6f, 1.2f);
  SECTION("li") {
    auto loss_of = [&](const Variable& in, const std::vector<Variable>& dev, const std::vector<Variable>& host) {
      li::Params p;
      p.tau_mem_inv = dev[0] * 100.0f;
      p.v_leak = host[0];
      const li::SequenceResult r = li::li_sequence(in, {}, p, 1e-3f, true);
      return weigh(r.record.v, w) + sum(r.state.i);
    };
    require_same_training(grad_run(Device::kCUDA, x, {per_neuron}, {scalar_tensor(0.1f)}, loss_of),
                          grad_run(Device::kCPU, x, {per_neuron}, {scalar_tensor(0.1f)}, loss_of));
  }
  SECTION("lsnn") {
    auto loss_of = [&](const Variable& in, const std::vector<Variable>& dev, const std::vector<Variable>&) {
      lsnn::Params p;
      p.v_th = dev[0];
      const lsnn::SequenceResult r = lsnn::lsnn_sequence(in, {}, p, 1e-3f, true);
      return weigh(r.z, w) + weigh(r.record.b, w) + sum(r.state.v);
    };
    require_same_training(grad_run(Device::kCUDA, x, {per_neuron}, {}, loss_of),
                          grad_run(Device::kCPU, x, {per_neuron}, {}, loss_of));
  }
  SECTION("lif_box") {
    auto loss_of = [&](const Variable& in, const std::vector<Variable>& dev, const std::vector<Variable>&) {
      lif_box::Params p;
      p.v_th = dev[0];
      const lif_box::SequenceResult r = lif_box::lif_box_sequence(in, {}, p, 1e-3f, false);
      return weigh(r.z, w) + sum(r.state.v);
    };
    require_same_training(grad_run(Device::kCUDA, x, {per_neuron}, {}, loss_of),
                          grad_run(Device::kCPU, x, {per_neuron}, {}, loss_of));
  }
  SECTION("constant_current_lif_encode") {
    const Tensor pixels = rand({2, 48}, g);
    const Tensor we = rand({20, 2, 48}, g, -1.0f, 1.0f);
    auto loss_of = [&](const Variable& in, const std::vector<Variable>&, const std::vector<Variable>&) {
      return weigh(encode::constant_current_lif_encode(in * 6.0f, 20), we);
    };
    require_same_training(grad_run(Device::kCUDA, pixels, {}, {}, loss_of),
                          grad_run(Device::kCPU, pixels, {}, {}, loss_of));
  }
}

TEST_CASE("Adam steps on cuda as on the CPU", "[cuda][optim]") {
  NORSE_REQUIRE_GPU();
  Generator g(13);
  const Tensor start = rand({1000}, g, -1.0f, 1.0f), target = rand({1000}, g, -1.0f, 1.0f);
  auto run = [&](Device device) {
    Variable p(start.to(device).clone(), true);  // Adam updates in place: never the shared `start`
    optim::AdamOptions o;
    o.lr = 0.01f;
    o.weight_decay = 0.01f;
    optim::Adam adam({{"p", &p}}, o);
    for (int step = 0; step < 5; ++step) {
      adam.zero_grad();
      mse_loss(p, Variable(target.to(device))).backward();
      adam.step();
    }
    REQUIRE(p.value().device() == device);
    return p.value().to_vector();
  };
  testing::require_close(run(Device::kCUDA), run(Device::kCPU), "parameter after 5 Adam steps", 1e-6f, 1e-5f);
}

TEST_CASE("The recurrent LIF and LSNN models train on cuda as on the CPU", "[cuda][models][recurrent][autograd]") {
  NORSE_REQUIRE_GPU();
  Generator g(14);
  const Tensor x = mul(rand({30, 4, 20}, g), 2.0f);
  const Tensor w_in = rand({32, 20}, g, -0.5f, 1.0f), w_rec = rand({32, 32}, g, -0.3f, 0.3f);
  const Tensor w = rand({30, 4, 32}, g, -1.0f, 1.0f);
  SECTION("lif") {
    auto loss_of = [&](const Variable& in, const std::vector<Variable>& dev, const std::vector<Variable>&) {
      lif::Params p;
      p.v_th = Variable(scalar_tensor(0.5f));
      const lif::RecurrentSequenceResult r = lif::lif_recurrent_sequence(in, dev[0], dev[1], {}, p, false, 1e-3f, true);
      return weigh(r.z, w) + weigh(r.record.v, w) + sum(r.state.i);
    };
    require_same_training(grad_run(Device::kCUDA, x, {w_in, w_rec}, {}, loss_of),
                          grad_run(Device::kCPU, x, {w_in, w_rec}, {}, loss_of), kRecurrentRtol);
  }
  SECTION("lsnn") {
    auto loss_of = [&](const Variable& in, const std::vector<Variable>& dev, const std::vector<Variable>& host) {
      lsnn::Params p;
      p.v_th = host[0];  // a trainable scalar on the host
      const lsnn::RecurrentSequenceResult r =
          lsnn::lsnn_recurrent_sequence(in, dev[0], dev[1], {}, p, true, 1e-3f, false);
      return weigh(r.z, w) + sum(r.state.b);
    };
    require_same_training(grad_run(Device::kCUDA, x, {w_in, w_rec}, {scalar_tensor(0.5f)}, loss_of),
                          grad_run(Device::kCPU, x, {w_in, w_rec}, {scalar_tensor(0.5f)}, loss_of), kRecurrentRtol);
  }
}
