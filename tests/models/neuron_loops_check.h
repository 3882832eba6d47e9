// What the neuron_loops_*_test.cc files share (one file per group of models, so that their
// template instantiations compile in parallel; under the sanitizers the single file took over
// five minutes and ended CI's critical path).
//
// The two runners of the fused neuron loops (kernels/neuron_sequence.h) agree bit for bit, for
// every kernel model and every variant the op can ask for: the CPU block loop (vectorised over
// a block of elements) and the CUDA kernels' per-thread bodies run on the host
// (neuron_sequence_*_by_threads: exactly what a GPU thread executes, one element after
// another). Both call the same per-element body, so every output must be identical: spikes,
// final states, records, the saved record, and every gradient. Also: LIF's compact record (v1
// alone) gives the same gradients as the saved state. Parameters are Norse's defaults (the
// models' Params), one of them per neuron so that the broadcast path runs too.
#ifndef NORSE_TESTS_MODELS_NEURON_LOOPS_CHECK_H_
#define NORSE_TESTS_MODELS_NEURON_LOOPS_CHECK_H_

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "core/stream_copy.h"
#include "kernels/li_math.h"
#include "kernels/neuron_sequence.h"
#include "kernels/spiking_math.h"
#include "models/coba_lif.h"
#include "models/iaf.h"
#include "models/izhikevich.h"
#include "models/li.h"
#include "models/li_box.h"
#include "models/lif.h"
#include "models/lif_adex.h"
#include "models/lif_adex_refrac.h"
#include "models/lif_box.h"
#include "models/lif_ex.h"
#include "models/lif_refrac.h"
#include "models/lsnn.h"
#include "tests/testing/vector_compare.h"

namespace norse {
namespace neuron_loops_check {

using namespace norse::kernels;  // NOLINT(build/namespaces): the kernel models' names, as in the test
using norse::testing::random_vector;

constexpr int64_t kSteps = 23, kElements = 700;  // not a multiple of the CPU block (256)
constexpr int64_t kPerNeuron = 70;               // the first parameter varies per neuron

// A problem's size. Above kStreamingBytes per [steps, elements] array the CPU loops stream their
// outputs (kernels/neuron_sequence.h): kLarge's odd element count puts most rows off a 16-byte
// boundary, so the streaming copy's unaligned head and tail run too.
struct Size {
  int64_t steps = kSteps, elements = kElements;
};
constexpr Size kLarge{12, 180001};

struct Variant {
  Surrogate method;
  SavedKind saved_kind;
  bool record, params_grad, detach_reset;
};

// Every buffer one run of forward + backward writes.
struct Outputs {
  std::vector<float> z, saved, grad_input;
  std::vector<std::vector<float>> finals, records, grad_state0, grad_params;
};

template <class Model>
Outputs run(bool by_threads, const std::vector<std::vector<float>>& param_values, const Variant& v,
            const std::vector<float>& x, const std::vector<std::vector<float>>& state0,
            const std::vector<float>& grad_z, const std::vector<std::vector<float>>& grad_record,
            const std::vector<std::vector<float>>& grad_final, const Size& size) {
  constexpr int kS = Model::kStates, kP = Model::kParams;
  const size_t total = static_cast<size_t>(size.steps * size.elements), n = static_cast<size_t>(size.elements);
  NeuronParams<Model> p;
  p.method = v.method;
  if constexpr (std::is_same_v<typename Model::Options, ResetOptions>) p.options.detach_reset = v.detach_reset;
  for (int q = 0; q < kP; ++q) {
    const std::vector<float>& values = param_values[static_cast<size_t>(q)];
    p.params[q] = ParamRef{values.data(), static_cast<int64_t>(values.size())};
  }
  Outputs o;
  o.z.assign(total, -1.0f);
  o.saved.assign(total * static_cast<size_t>(saved_floats<Model>(v.saved_kind)), -1.0f);
  o.grad_input.assign(total, -1.0f);
  o.finals.assign(kS, std::vector<float>(n, -1.0f));
  o.records.assign(kS, std::vector<float>(v.record ? total : 0, -1.0f));
  o.grad_state0.assign(kS, std::vector<float>(n, -1.0f));
  o.grad_params.assign(kP, std::vector<float>(n, -1.0f));

  NeuronForwardArgs f;
  f.steps = size.steps;
  f.elements = size.elements;
  f.input = x.data();
  f.z = Model::kSpiking ? o.z.data() : nullptr;
  f.saved = o.saved.data();
  f.saved_kind = v.saved_kind;
  f.seed = 17;
  f.offset = 5;
  for (int s = 0; s < kS; ++s) {
    const size_t u = static_cast<size_t>(s);
    f.state0[s] = state0[u].data();
    f.final_state[s] = o.finals[u].data();
    if (v.record) f.record[s] = o.records[u].data();
  }
  NeuronBackwardArgs b;
  b.steps = size.steps;
  b.elements = size.elements;
  b.input = x.data();
  b.saved = o.saved.data();
  b.saved_kind = v.saved_kind;
  b.grad_z = Model::kSpiking ? grad_z.data() : nullptr;
  b.grad_input = o.grad_input.data();
  b.seed = f.seed;
  b.offset = f.offset;
  for (int s = 0; s < kS; ++s) {
    const size_t u = static_cast<size_t>(s);
    if (v.record) b.grad_record[s] = grad_record[u].data();
    b.grad_final[s] = grad_final[u].data();
    b.grad_state0[s] = o.grad_state0[u].data();
  }
  if (v.params_grad) {
    for (int q = 0; q < kP; ++q) b.grad_params[q] = o.grad_params[static_cast<size_t>(q)].data();
  }
  if (by_threads) {
    neuron_sequence_forward_by_threads(p, f);
    neuron_sequence_backward_by_threads(p, b);
  } else {
    neuron_sequence_forward(p, f);
    neuron_sequence_backward(p, b);
  }
  return o;
}

// Bit for bit (a NaN equals the same NaN).
inline bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  // (memcmp of an empty vector's null data is undefined: UBSan says so)
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}
inline bool same_bits(const std::vector<std::vector<float>>& a, const std::vector<std::vector<float>>& b) {
  if (a.size() != b.size()) return false;
  for (size_t k = 0; k < a.size(); ++k) {
    if (!same_bits(a[k], b[k])) return false;
  }
  return true;
}

inline void require_equal(const Outputs& a, const Outputs& b) {
  REQUIRE(same_bits(a.z, b.z));
  REQUIRE(same_bits(a.saved, b.saved));
  REQUIRE(same_bits(a.finals, b.finals));
  REQUIRE(same_bits(a.records, b.records));
  REQUIRE(same_bits(a.grad_input, b.grad_input));
  REQUIRE(same_bits(a.grad_state0, b.grad_state0));
  REQUIRE(same_bits(a.grad_params, b.grad_params));
}

// Every variant of Model: CPU loop == per-thread bodies. `scalars` in the model's order. A size
// other than the default runs the variants of one surrogate and reset mode (the per-element
// math is the default size's to check; a large size checks how the loops write).
template <class Model>
void check_model(const std::string& name, const std::vector<float>& scalars, float input_hi, float state_lo,
                 float state_hi, const Size& size = {}) {
  constexpr int kS = Model::kStates;
  REQUIRE(scalars.size() == static_cast<size_t>(Model::kParams));
  const size_t total = static_cast<size_t>(size.steps * size.elements), n = static_cast<size_t>(size.elements);
  const bool every_variant = size.steps == kSteps && size.elements == kElements;
  std::mt19937 rng(29);
  std::vector<std::vector<float>> params;
  for (size_t q = 0; q < scalars.size(); ++q) {
    if (q == 0) {  // per neuron: +-10% around the default
      std::vector<float> per(static_cast<size_t>(kPerNeuron));
      for (float& e : per) e = scalars[q] * std::uniform_real_distribution<float>(0.9f, 1.1f)(rng);
      params.push_back(per);
    } else {
      params.push_back({scalars[q]});
    }
  }
  const std::vector<float> x = random_vector(total, 0.0f, input_hi, rng);
  const std::vector<float> grad_z = random_vector(total, -1.0f, 1.0f, rng);
  std::vector<std::vector<float>> state0, grad_record, grad_final;
  for (int s = 0; s < kS; ++s) {
    state0.push_back(random_vector(n, state_lo, state_hi, rng));
    grad_record.push_back(random_vector(total, -1.0f, 1.0f, rng));
    grad_final.push_back(random_vector(n, -1.0f, 1.0f, rng));
  }
  std::vector<SavedKind> kinds = {SavedKind::kState};
  if (CompactSaved<Model>::value > 0) kinds.push_back(SavedKind::kCompact);
  for (const Surrogate method : {Surrogate::kSuper, Surrogate::kTanh, Surrogate::kLogistic}) {
    if (!every_variant && method != Surrogate::kSuper) continue;
    for (const SavedKind kind : kinds) {
      for (const bool record : {false, true}) {
        for (const bool params_grad : {false, true}) {
          if (params_grad && kind == SavedKind::kCompact) continue;  // the op never asks for it
          for (const bool detach : {false, true}) {
            if (!every_variant && detach) continue;
            CAPTURE(name, surrogate_name(method), kind == SavedKind::kCompact, record, params_grad, detach);
            const Variant v{method, kind, record, params_grad, detach};
            const Outputs cpu = run<Model>(false, params, v, x, state0, grad_z, grad_record, grad_final, size);
            const Outputs threads = run<Model>(true, params, v, x, state0, grad_z, grad_record, grad_final, size);
            require_equal(cpu, threads);
            bool finite = true;  // a run that diverged would compare NaNs only
            for (const std::vector<float>& f : cpu.finals) {
              for (float e : f) finite = finite && std::isfinite(e);
            }
            CHECK(finite);
            if (Model::kSpiking) {  // the input drives some spikes, not all
              double rate = 0.0;
              for (float z : cpu.z) rate += z;
              rate /= static_cast<double>(total);
              CHECK(rate > 0.005);
              CHECK(rate < 0.95);
            }
            if (kind == SavedKind::kCompact) {  // the same gradients as from the saved state
              const Variant full{method, SavedKind::kState, record, false, detach};
              const Outputs from_state =
                  run<Model>(false, params, full, x, state0, grad_z, grad_record, grad_final, size);
              REQUIRE(cpu.z == from_state.z);
              REQUIRE(cpu.grad_input == from_state.grad_input);
              REQUIRE(cpu.grad_state0 == from_state.grad_state0);
            }
          }
        }
      }
    }
  }
}

// A model's default parameter values (Norse's, from its Params) in the kernel's order.
template <class Spec>
std::vector<float> defaults() {
  std::vector<float> out;
  for (const Variable& v : Spec::values(typename Spec::Params{})) out.push_back(v.value().item());
  return out;
}

}  // namespace neuron_loops_check
}  // namespace norse

#endif  // NORSE_TESTS_MODELS_NEURON_LOOPS_CHECK_H_
