// An application that embeds norse-cpp as a static library, built with make and pkg-config
// against an installed prefix (see Makefile). It fits y = 3x - 2 with the library's SGD on the
// tape, then runs a LIF neuron: enough to prove that the archive links (tensor math, GEMM,
// autograd, optimizers, OpenMP) and the headers compile.
#include <cstdio>

#include "norse/norse.h"

int main() {
  using namespace norse;
  Generator gen(0);
  const Tensor x = randn({64, 1}, gen);
  const Tensor y = add(mul(x, 3.0f), -2.0f);
  Variable w(zeros({1, 1}), true), b(zeros({1}), true);
  optim::SGDOptions options;
  options.lr = 0.1f;
  optim::SGD sgd({{"w", &w}, {"b", &b}}, options);
  float first_loss = 0.0f, loss_value = 0.0f;
  for (int step = 0; step < 200; ++step) {
    sgd.zero_grad();
    Variable loss = mse_loss(matmul(Variable(x), w) + b, Variable(y));
    loss.backward();
    sgd.step();
    loss_value = loss.item();
    if (step == 0) first_loss = loss_value;
  }
  std::printf("fit y = %.4f x + %.4f (loss %.6f -> %.6f)\n", w.value().item(), b.value().item(), first_loss,
              loss_value);

  namespace lif_math = kernels::lif;
  lif_math::StepState<float> state{0.0f, 0.0f};
  int spikes = 0;
  for (int t = 0; t < 100; ++t) {
    const auto out = lif_math::step<Surrogate::kSuper>(lif_math::StepParams<float>{}, state, 0.3f, 1e-3f);
    state = out.next;
    spikes += out.z > 0.0f;
  }
  std::printf("LIF neuron, constant input 0.3 for 100 steps: %d spikes\n", spikes);

  // The same neuron through the model API: one fused tape node, trainable threshold.
  lif::Params params;
  params.v_th = Variable(scalar_tensor(1.0f), true);
  const lif::SequenceResult lif_out = lif::LIF(params).forward(Variable(full({100, 1, 1}, 0.3f)));
  sum(lif_out.z).backward();
  const float model_spikes = sum(lif_out.z.value()).item();
  std::printf("lif::LIF: %.0f spikes, d(spike count)/d(v_th) = %.4f\n", model_spikes, params.v_th.grad().item());
  const bool ok = loss_value < 1e-4f && spikes == 8 && model_spikes == 8.0f && params.v_th.grad().item() < 0.0f;
  std::printf("%s\n", ok ? "embed example OK" : "embed example FAILED");
  return ok ? 0 : 1;
}
