// The conformance runner: every *.json case of a fixture directory against norse-cpp.
//
//   bazel test //tests/conformance:conformance --test_output=all
//   bazel test //tests/conformance:conformance --test_env=NORSE_CONFORMANCE_DIR=/path/to/fixtures
//
// Default directory: tests/conformance/fixtures (copied from ../shared/conformance; see its README).
//
// --device=cuda (the conformance_cuda and conformance_emulated targets): the fixtures of the
// models with a CUDA path run with their tensors on cuda (a GPU, or the host emulation of the
// CUDA backend, tests/testing/gpu.h); the other fixtures are not run (listed, not counted).
// Each case prints `PASS <name>` or `FAIL <name>: <reason>`; a model/mode without an
// implementation fails with "not implemented: <model>/<mode>". The run ends with
// `N passed, M failed` and a breakdown of the not-implemented cases by the issue they belong to.
//
// Exit status and the suite's NORSE_TEST_SUMMARY line (tools/test.sh): a not-implemented case
// is reported there as skipped (it runs nothing, so it cannot pass), every other FAIL as failed,
// and the exit status is non-zero iff some case failed for another reason.
#include <dirent.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "tests/conformance/fixture.h"
#include "tests/conformance/runner.h"
#include "tests/testing/gpu.h"

namespace norse {
namespace conformance {
namespace {

// Which issue a model without an implementation belongs to (for the summary).
std::string owner_of(const std::string& model) {
  auto starts = [&](const char* p) { return model.rfind(p, 0) == 0; };
  if (starts("encoder_") || starts("network_")) return "issue 4 (encoders, network)";
  if (starts("decoder_") || starts("stdp") || model == "tsodyks_markram" || model == "correlation_sensor" ||
      model == "exp_filter" || model == "spatial_receptive_field") {
    return "issue 5 (plasticity, decoders, filters, receptive fields)";
  }
  return "issue 3 (neuron models)";
}

std::string index_string(const Shape& shape, int64_t flat) {
  std::vector<int64_t> idx(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    idx[d] = flat % std::max<int64_t>(shape[d], 1);
    flat /= std::max<int64_t>(shape[d], 1);
  }
  std::ostringstream out;
  out << "[";
  for (size_t d = 0; d < idx.size(); ++d) out << (d ? ", " : "") << idx[d];
  out << "]";
  return out.str();
}

// Returns "" when `actual` matches `expected` within tolerance, else the failure text.
std::string compare(const std::string& name, const Tensor& actual, const Tensor& expected, const Tolerance& tol) {
  if (actual.shape() != expected.shape()) {
    return str_cat(name, " has shape ", shape_to_string(actual.shape()), ", expected ",
                   shape_to_string(expected.shape()));
  }
  const std::vector<float> a = actual.to_vector(), e = expected.to_vector();
  double worst_excess = 0.0, worst_error = 0.0;
  int64_t worst = -1;
  for (size_t k = 0; k < a.size(); ++k) {
    const double ev = e[k], av = a[k];
    double err;
    if (std::isinf(ev) || std::isinf(av)) {
      err = (ev == av) ? 0.0 : INFINITY;
    } else {
      err = std::fabs(av - ev);
    }
    const double allowed = tol.atol + tol.rtol * std::fabs(ev);
    if (std::isnan(av) || err > allowed) {
      const double excess = std::isnan(av) ? INFINITY : err - allowed;
      if (worst < 0 || excess > worst_excess) {
        worst_excess = excess;
        worst_error = std::isnan(av) ? NAN : err;
        worst = static_cast<int64_t>(k);
      }
    }
  }
  if (worst < 0) return "";
  const double allowed = tol.atol + tol.rtol * std::fabs(e[static_cast<size_t>(worst)]);
  return str_cat(name, " max error ", worst_error, " at ", index_string(expected.shape(), worst), " (tolerance ",
                 allowed, "; got ", a[static_cast<size_t>(worst)], ", expected ", e[static_cast<size_t>(worst)], ")");
}

struct CaseOutcome {
  bool passed = false;
  bool not_implemented = false;
  std::string message;
};

CaseOutcome run_case(const Fixture& f) {
  CaseOutcome outcome;
  auto it = registry().find(f.model + "/" + f.mode);
  if (it == registry().end()) {
    outcome.not_implemented = true;
    outcome.message = str_cat("not implemented: ", f.model, "/", f.mode);
    return outcome;
  }
  CaseContext ctx(f);
  Outputs outputs;
  try {
    outputs = it->second(ctx);
  } catch (const NotImplemented& e) {
    outcome.not_implemented = true;
    outcome.message = str_cat("not implemented: ", e.what());
    return outcome;
  }
  if (!f.differentiated_outputs.empty()) {
    std::vector<Variable> roots;
    std::vector<Tensor> grads;
    for (const std::string& k : f.differentiated_outputs) {
      auto out = outputs.find(k);
      if (out == outputs.end()) throw Error(str_cat("differentiated output '", k, "' was not produced"));
      if (!out->second.requires_grad()) continue;  // no path from any input with a gradient
      roots.push_back(out->second);
      grads.push_back(f.tensors.at("grad_output." + k).to(out->second.value().device()));
    }
    if (!roots.empty()) backward(roots, grads);
  }
  const bool stochastic = f.raw.value("stochastic", false);
  std::vector<std::string> failures;
  for (const auto& [key, expected] : f.expected) {
    if (stochastic) {
      const auto& cmp = f.raw["compare"];
      if (!cmp.contains(key) || !cmp[key].is_object()) continue;  // e.g. z: one random draw
    }
    Tensor actual;
    if (key.rfind("grad.", 0) == 0) {
      const std::string leaf = key.substr(5);
      auto l = ctx.leaves().find(leaf);
      if (l == ctx.leaves().end()) {
        failures.push_back(str_cat(key, " not produced (no input '", leaf, "' was used)"));
        continue;
      }
      actual = l->second.grad().defined() ? l->second.grad() : zeros(l->second.shape());
    } else {
      auto out = outputs.find(key);
      if (out == outputs.end()) {
        failures.push_back(str_cat(key, " not produced"));
        continue;
      }
      actual = out->second.value();
      if (actual.device() != case_device()) {
        failures.push_back(
            str_cat(key, " is on ", device_name(actual.device()), ", not on ", device_name(case_device())));
        continue;
      }
    }
    const std::string message = compare(key, actual, expected, f.tolerance_for(key));
    if (!message.empty()) failures.push_back(message);
  }
  outcome.passed = failures.empty();
  for (size_t k = 0; k < failures.size(); ++k) outcome.message += (k ? "; " : "") + failures[k];
  return outcome;
}

// The models whose every op has a CUDA path (the cuda conformance run takes only these).
bool has_cuda_path(const std::string& model) {
  static const char* const kModels[] = {"lif",
                                        "lif_box",
                                        "li",
                                        "li_box",
                                        "lsnn",
                                        "iaf",
                                        "lif_refrac",
                                        "lif_ex",
                                        "lif_adex",
                                        "lif_adex_refrac",
                                        "izhikevich",
                                        "coba_lif",
                                        "exp_filter",
                                        "encoder_constant_current_lif",
                                        "network_linear_lif_linear_li"};
  for (const char* m : kModels) {
    if (model == m) return true;
  }
  return false;
}

std::vector<std::string> list_fixtures(const std::string& dir) {
  std::vector<std::string> files;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return files;
  while (dirent* entry = readdir(d)) {
    const std::string name = entry->d_name;
    if (name.size() > 5 && name.compare(name.size() - 5, 5, ".json") == 0) files.push_back(dir + "/" + name);
  }
  closedir(d);
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace
}  // namespace conformance
}  // namespace norse

int main(int argc, char** argv) {
  using namespace norse::conformance;
  std::string dir, anchor;
  bool on_cuda = false;
  for (int k = 1; k < argc; ++k) {
    const std::string arg = argv[k];
    if (arg == "--device=cuda") {
      on_cuda = true;
    } else {
      anchor = arg;
    }
  }
  if (on_cuda) {
    std::string reason;
    if (!norse::testing::gpu_available(&reason)) {
      std::printf("SKIPPED conformance on cuda: no CUDA device: %s\nNORSE_TEST_SUMMARY passed=0 failed=0 skipped=1\n",
                  reason.c_str());
      return 0;
    }
    case_device() = norse::Device::kCUDA;
    std::printf("conformance on cuda (%s)\n", norse::testing::gpu_kind());
  }
  if (const char* env = std::getenv("NORSE_CONFORMANCE_DIR"); env != nullptr && env[0] != '\0') {
    dir = env;
  } else if (!anchor.empty()) {
    // The argument is a file inside the fixture folder (tests/conformance/fixtures/README.md).
    const size_t slash = anchor.rfind('/');
    dir = slash == std::string::npos ? std::string(".") : anchor.substr(0, slash);
  }
  std::printf("conformance fixtures: %s\n", dir.c_str());
  const std::vector<std::string> files = list_fixtures(dir);
  if (files.empty()) {
    std::printf(
        "FAIL no fixtures found in '%s' (expected tests/conformance/fixtures, or "
        "NORSE_CONFORMANCE_DIR)\n0 passed, 1 failed\nNORSE_TEST_SUMMARY passed=0 failed=1 skipped=0\n",
        dir.c_str());
    return 1;
  }
  int passed = 0, failed = 0, not_implemented = 0;
  std::map<std::string, int> pending_by_owner;
  for (const std::string& path : files) {
    std::string name = path.substr(path.rfind('/') + 1);
    name = name.substr(0, name.size() - 5);
    CaseOutcome outcome;
    try {
      const Fixture f = load_fixture(path);
      name = f.name;
      if (on_cuda && !has_cuda_path(f.model)) {
        std::printf("---- %s: not run on cuda (%s has no CUDA path)\n", name.c_str(), f.model.c_str());
        continue;
      }
      outcome = run_case(f);
      if (outcome.not_implemented) ++pending_by_owner[owner_of(f.model)];
    } catch (const std::exception& e) {
      outcome.passed = false;
      outcome.message = std::string("error: ") + e.what();
    }
    if (outcome.passed) {
      ++passed;
      std::printf("PASS %s\n", name.c_str());
    } else {
      ++failed;
      if (outcome.not_implemented) ++not_implemented;
      std::printf("FAIL %s: %s\n", name.c_str(), outcome.message.c_str());
    }
  }
  std::printf("\n%d passed, %d failed\n", passed, failed);
  if (not_implemented > 0) {
    std::printf("of the failed, %d are not implemented yet:\n", not_implemented);
    for (const auto& [owner, count] : pending_by_owner) std::printf("  %3d  %s\n", count, owner.c_str());
  }
  const int real_failures = failed - not_implemented;
  std::printf("NORSE_TEST_SUMMARY passed=%d failed=%d skipped=%d\n", passed, real_failures, not_implemented);
  return real_failures == 0 ? 0 : 1;
}
