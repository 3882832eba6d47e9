// The CUDA fused LIF loops against the CPU loops (kernels/lif.h), for every surrogate method,
// both reset modes, with and without parameter gradients and recorded states. Forward outputs
// must be bit-identical (the same step function, no FMA contraction on the device); backward
// values agree to float rounding (device exp/tanh/atan differ from glibc's by an ulp or two).
// Skipped, with the reason, where the process sees no CUDA device.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "core/cuda_runtime.h"
#include "kernels/lif.h"
#include "kernels/lif_cuda.h"
#include "kernels/surrogate.h"
#include "tests/testing/gpu.h"
#include "tests/testing/skip.h"
#include "tests/testing/vector_compare.h"

using namespace norse;
using namespace norse::kernels;
using norse::cuda::DeviceBuffer;

namespace {

using norse::testing::random_vector;
using norse::testing::require_close;
constexpr float kAtol = 1e-5f;  // plus 1e-4 relative

}  // namespace

TEST_CASE("CUDA LIF sequence forward and backward equal the CPU loops", "[cuda][lif]") {
  NORSE_REQUIRE_GPU();
  const int64_t steps = 50, elements = 3000;  // not a multiple of the block size
  const size_t total = static_cast<size_t>(steps * elements);
  std::mt19937 rng(7);
  const std::vector<float> x = random_vector(total, -0.5f, 3.0f, rng);
  const std::vector<float> v0 = random_vector(elements, 0.0f, 0.9f, rng), i0 = random_vector(elements, 0.0f, 1.0f, rng);
  const std::vector<float> v_th = random_vector(100, 0.5f, 1.5f, rng);  // per-neuron, broadcast over 30 rows
  const std::vector<float> grad_z = random_vector(total, -1.0f, 1.0f, rng);
  const std::vector<float> grad_v_rec = random_vector(total, -1.0f, 1.0f, rng);
  const std::vector<float> grad_i_rec = random_vector(total, -1.0f, 1.0f, rng);
  const std::vector<float> grad_v_final = random_vector(elements, -1.0f, 1.0f, rng);
  const std::vector<float> scalars = {200.0f, 100.0f, 0.0f, 0.0f};  // tau_syn_inv, tau_mem_inv, v_leak, v_reset
  const DeviceBuffer dx(x), dv0(v0), di0(i0), dv_th(v_th), dgrad_z(grad_z), dgv_rec(grad_v_rec), dgi_rec(grad_i_rec),
      dgv_final(grad_v_final), dscalars(scalars);
  for (const Surrogate method :
       {Surrogate::kSuper, Surrogate::kTriangle, Surrogate::kTanh, Surrogate::kCirc, Surrogate::kHeaviErfc,
        Surrogate::kHeaviside, Surrogate::kLogistic, Surrogate::kCircDist}) {
    for (const bool detach : {false, true}) {
      for (const bool params_grad : {false, true}) {
        for (const bool record : {false, true}) {
          CAPTURE(surrogate_name(method), detach, params_grad, record);
          lif::SequenceParams cpu_p;
          cpu_p.tau_syn_inv = {&scalars[0], 1};
          cpu_p.tau_mem_inv = {&scalars[1], 1};
          cpu_p.v_leak = {&scalars[2], 1};
          cpu_p.v_th = {v_th.data(), 100};
          cpu_p.v_reset = {&scalars[3], 1};
          cpu_p.method = method;
          cpu_p.detach_reset = detach;
          lif::SequenceParams gpu_p = cpu_p;
          gpu_p.tau_syn_inv.data = dscalars.data();
          gpu_p.tau_mem_inv.data = dscalars.data() + 1;
          gpu_p.v_leak.data = dscalars.data() + 2;
          gpu_p.v_th.data = dv_th.data();
          gpu_p.v_reset.data = dscalars.data() + 3;

          // CPU reference.
          std::vector<float> z(total), v_rec(total), i_rec(total), v_fin(elements), i_fin(elements), v1(total),
              i1(total), v_saved(total);
          lif::SequenceForwardArgs f;
          f.steps = steps;
          f.elements = elements;
          f.input = x.data();
          f.v0 = v0.data();
          f.i0 = i0.data();
          f.z = z.data();
          f.v_record = record ? v_rec.data() : nullptr;
          f.i_record = record ? i_rec.data() : nullptr;
          f.v_final = v_fin.data();
          f.i_final = i_fin.data();
          f.saved_v1 = v1.data();
          f.saved_i1 = params_grad ? i1.data() : nullptr;
          f.saved_v = params_grad ? v_saved.data() : nullptr;
          f.seed = 11;
          f.offset = 3;
          lif::sequence_forward(cpu_p, f);

          // GPU.
          DeviceBuffer gz(total), gv_rec(total), gi_rec(total), gv_fin(elements), gi_fin(elements), gv1(total),
              gi1(total), gv_saved(total);
          lif::SequenceForwardArgs g = f;
          g.input = dx.data();
          g.v0 = dv0.data();
          g.i0 = di0.data();
          g.z = gz.data();
          g.v_record = record ? gv_rec.data() : nullptr;
          g.i_record = record ? gi_rec.data() : nullptr;
          g.v_final = gv_fin.data();
          g.i_final = gi_fin.data();
          g.saved_v1 = gv1.data();
          g.saved_i1 = params_grad ? gi1.data() : nullptr;
          g.saved_v = params_grad ? gv_saved.data() : nullptr;
          lif::cuda_sequence_forward(gpu_p, g);
          norse::cuda::synchronize();
          REQUIRE(gz.download() == z);
          REQUIRE(gv1.download() == v1);
          REQUIRE(gv_fin.download() == v_fin);
          REQUIRE(gi_fin.download() == i_fin);
          if (record) REQUIRE(gv_rec.download() == v_rec);

          // Backward.
          std::vector<float> gx(total), gv0(elements), gi0(elements);
          std::vector<std::vector<float>> gp(5, std::vector<float>(elements));
          lif::SequenceBackwardArgs b;
          b.steps = steps;
          b.elements = elements;
          b.z = z.data();
          b.saved_v1 = v1.data();
          b.saved_i1 = params_grad ? i1.data() : nullptr;
          b.saved_v = params_grad ? v_saved.data() : nullptr;
          b.grad_z = grad_z.data();
          b.grad_v_record = record ? grad_v_rec.data() : nullptr;
          b.grad_i_record = record ? grad_i_rec.data() : nullptr;
          b.grad_v_final = grad_v_final.data();
          b.grad_input = gx.data();
          b.grad_v0 = gv0.data();
          b.grad_i0 = gi0.data();
          if (params_grad) {
            for (int k = 0; k < 5; ++k) b.grad_params[k] = gp[static_cast<size_t>(k)].data();
          }
          lif::sequence_backward(cpu_p, b);

          DeviceBuffer dgx(total), dgv0(elements), dgi0(elements);
          std::vector<DeviceBuffer> dgp;
          for (int k = 0; k < 5; ++k) dgp.emplace_back(static_cast<size_t>(elements));
          lif::SequenceBackwardArgs gb = b;
          gb.z = gz.data();
          gb.saved_v1 = gv1.data();
          gb.saved_i1 = params_grad ? gi1.data() : nullptr;
          gb.saved_v = params_grad ? gv_saved.data() : nullptr;
          gb.grad_z = dgrad_z.data();
          gb.grad_v_record = record ? dgv_rec.data() : nullptr;
          gb.grad_i_record = record ? dgi_rec.data() : nullptr;
          gb.grad_v_final = dgv_final.data();
          gb.grad_input = dgx.data();
          gb.grad_v0 = dgv0.data();
          gb.grad_i0 = dgi0.data();
          for (int k = 0; k < 5; ++k) gb.grad_params[k] = params_grad ? dgp[static_cast<size_t>(k)].data() : nullptr;
          lif::cuda_sequence_backward(gpu_p, gb);
          norse::cuda::synchronize();
          require_close(dgx.download(), gx, "grad_input", kAtol);
          require_close(dgv0.download(), gv0, "grad_v0", kAtol);
          require_close(dgi0.download(), gi0, "grad_i0", kAtol);
          if (params_grad) {
            for (int k = 0; k < 5; ++k)
              require_close(dgp[static_cast<size_t>(k)].download(), gp[static_cast<size_t>(k)], "grad_params", kAtol);
          }
        }
      }
    }
  }
}

TEST_CASE("CUDA LIF: bad arguments are rejected before the launch", "[cuda][lif]") {
  NORSE_REQUIRE_GPU();
  lif::SequenceParams p;  // null parameter pointers
  lif::SequenceForwardArgs a;
  a.steps = 1;
  a.elements = 4;
  REQUIRE_THROWS_WITH(lif::cuda_sequence_forward(p, a), Catch::Contains("tau_syn_inv"));
}
