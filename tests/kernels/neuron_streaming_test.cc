// The CPU neuron loops stream large outputs past the caches (kernels/neuron_sequence.h,
// core/stream_copy.h). Staging and streaming must change nothing: on a problem above the
// threshold, the CPU block loop equals the CUDA thread bodies run on the host (which write
// directly, element by element) bit for bit -- spikes, saved record (both kinds), final state and
// input gradient -- with rows that start off 16-byte boundaries (an odd element count), so that
// the streaming copy's unaligned head and tail run too.
#include <catch2/catch.hpp>

#include <cstring>
#include <random>
#include <vector>

#include "core/stream_copy.h"
#include "kernels/neuron_sequence.h"
#include "kernels/spiking_math.h"

using namespace norse;
using namespace norse::kernels;

namespace {

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

}  // namespace

TEST_CASE("copy_streaming copies every float, at any alignment and length", "[kernels][streaming]") {
  // dst at a 64-byte boundary (offset 0: whole lines, AVX-512 where the CPU has it) and off it.
  std::vector<float> src(100);
  alignas(64) float dst[100];
  for (size_t k = 0; k < src.size(); ++k) src[k] = static_cast<float>(k) + 0.5f;
  for (int64_t offset = 0; offset < 5; ++offset) {
    for (int64_t n = 0; n <= 70; ++n) {
      std::fill(dst, dst + 100, -1.0f);
      copy_streaming(src.data() + 3, n, dst + offset);
      streaming_fence();
      int64_t wrong = 0;
      for (int64_t k = 0; k < 100; ++k) {
        const float want = k >= offset && k < offset + n ? src[static_cast<size_t>(k - offset + 3)] : -1.0f;
        wrong += dst[k] != want;
      }
      CAPTURE(offset, n);
      REQUIRE(wrong == 0);
    }
  }
}

TEST_CASE("LIF loops above the streaming threshold equal the per-element bodies, bit for bit", "[kernels][streaming]") {
  const int64_t steps = 8, elements = 300007;  // odd: most rows start off a 16-byte boundary
  REQUIRE(steps * elements * static_cast<int64_t>(sizeof(float)) >= kStreamingBytes);  // the streaming path runs
  const size_t total = static_cast<size_t>(steps * elements), n = static_cast<size_t>(elements);
  std::mt19937 rng(3);
  std::normal_distribution<float> normal(0.0f, 40.0f);  // enough drive for spikes within 8 steps
  std::vector<float> x(total), grad_z(total), v0(n, 0.0f), i0(n, 0.0f), gv(n), gi(n);
  for (float& value : x) value = normal(rng);
  for (float& value : grad_z) value = normal(rng);
  for (size_t k = 0; k < n; ++k) gv[k] = normal(rng), gi[k] = normal(rng);
  const float tau_syn_inv = 200.0f, tau_mem_inv = 100.0f, v_leak = 0.0f, v_th = 1.0f, v_reset = 0.0f;
  NeuronParams<LIFModel> p;
  const float* values[] = {&tau_syn_inv, &tau_mem_inv, &v_leak, &v_th, &v_reset};
  for (int q = 0; q < LIFModel::kParams; ++q) p.params[q] = ParamRef{values[q], 1};

  for (const SavedKind kind : {SavedKind::kCompact, SavedKind::kState}) {
    CAPTURE(static_cast<int>(kind));
    struct Run {
      std::vector<float> z, saved, v, i, grad_input, grad_v0, grad_i0;
    };
    auto run = [&](bool by_threads) {
      Run r{std::vector<float>(total, -1.0f),
            std::vector<float>(total * static_cast<size_t>(saved_floats<LIFModel>(kind)), -1.0f),
            std::vector<float>(n, -1.0f),
            std::vector<float>(n, -1.0f),
            std::vector<float>(total, -1.0f),
            std::vector<float>(n, -1.0f),
            std::vector<float>(n, -1.0f)};
      NeuronForwardArgs f;
      f.steps = steps;
      f.elements = elements;
      f.input = x.data();
      f.state0[0] = v0.data();
      f.state0[1] = i0.data();
      f.z = r.z.data();
      f.final_state[0] = r.v.data();
      f.final_state[1] = r.i.data();
      f.saved = r.saved.data();
      f.saved_kind = kind;
      NeuronBackwardArgs b;
      b.steps = steps;
      b.elements = elements;
      b.input = x.data();
      b.saved = r.saved.data();
      b.saved_kind = kind;
      b.grad_z = grad_z.data();
      b.grad_final[0] = gv.data();
      b.grad_final[1] = gi.data();
      b.grad_input = r.grad_input.data();
      b.grad_state0[0] = r.grad_v0.data();
      b.grad_state0[1] = r.grad_i0.data();
      if (by_threads) {
        neuron_sequence_forward_by_threads(p, f);
        neuron_sequence_backward_by_threads(p, b);
      } else {
        neuron_sequence_forward(p, f);
        neuron_sequence_backward(p, b);
      }
      return r;
    };
    const Run loop = run(false), threads = run(true);
    double spikes = 0.0;
    for (float value : loop.z) spikes += value;
    REQUIRE(spikes > 0.01 * static_cast<double>(total));  // the drive makes spikes: the surrogate's paths run
    REQUIRE(same_bits(loop.z, threads.z));
    REQUIRE(same_bits(loop.saved, threads.saved));
    REQUIRE(same_bits(loop.v, threads.v));
    REQUIRE(same_bits(loop.i, threads.i));
    REQUIRE(same_bits(loop.grad_input, threads.grad_input));
    REQUIRE(same_bits(loop.grad_v0, threads.grad_v0));
    REQUIRE(same_bits(loop.grad_i0, threads.grad_i0));
  }
}
