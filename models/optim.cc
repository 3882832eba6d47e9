#include "models/optim.h"

#include "kernels/adam.h"

#include <cmath>

namespace norse {
namespace optim {

namespace {
constexpr double kPi = 3.14159265358979323846;

void check_finite_nonneg(const char* op, const char* name, float value) {
  NORSE_CHECK(std::isfinite(value) && value >= 0.0f, InvalidArgument, op, "argument '", name,
              "' must be finite and >= 0, got ", value);
}

// Finds `name` in a saved state list; throws IoError naming what is missing or mismatched.
const Tensor& find_state(const char* op, const std::vector<std::pair<std::string, Tensor>>& state,
                         const std::string& name, const Shape& shape) {
  for (const auto& [key, value] : state) {
    if (key != name) continue;
    NORSE_CHECK(value.shape() == shape, IoError, op, "optimizer state '", name, "' has shape ",
                shape_to_string(value.shape()), ", expected ", shape_to_string(shape));
    return value;
  }
  throw IoError(str_cat(op, ": optimizer state '", name, "' is missing"));
}
}  // namespace

Optimizer::Optimizer(std::vector<nn::NamedParameter> params, float lr) : params_(std::move(params)), lr_(lr) {
  check_finite_nonneg("Optimizer", "lr", lr);
  for (const auto& [name, p] : params_) {
    NORSE_CHECK(p != nullptr && p->defined(), InvalidArgument, "Optimizer", "parameter '", name, "' is undefined");
  }
}

void Optimizer::zero_grad() {
  for (auto& [name, p] : params_) {
    (void)name;
    p->zero_grad();
  }
}

void Optimizer::check_finite(const Variable& loss, const std::string& step) const {
  const NonFiniteElement bad_loss = loss.defined() ? first_non_finite(loss.value()) : NonFiniteElement{};
  for (const auto& [name, p] : params_) {
    if (!p->grad().defined()) continue;
    const NonFiniteElement bad = first_non_finite(p->grad());
    if (!bad.found()) continue;
    throw NonFiniteError(str_cat(step, ": ", bad_loss.found() ? "the loss is not finite (" : "the loss is finite but ",
                                 bad_loss.found() ? str_cat(bad_loss.value, ") and ") : "",
                                 "the gradient of parameter '", name, "' is ", bad.value, " at flat index ", bad.index,
                                 " (the first parameter affected); stopped before the optimizer step. Look for NaN "
                                 "or inf in the input, lower the learning rate, or rerun with anomaly detection "
                                 "(AnomalyModeGuard, the tasks' --detect_anomaly) to find the op"));
  }
  NORSE_CHECK(!bad_loss.found(), NonFiniteError, step, "the loss is not finite (", bad_loss.value,
              ") although every gradient is; stopped before the optimizer step");
}

void Optimizer::set_lr(float lr) {
  check_finite_nonneg("Optimizer::set_lr", "lr", lr);
  lr_ = lr;
}

// --- SGD ----------------------------------------------------------------------------------------

SGD::SGD(std::vector<nn::NamedParameter> params, SGDOptions options)
    : Optimizer(std::move(params), options.lr), options_(options), momentum_(params_.size()) {
  check_finite_nonneg("SGD", "momentum", options.momentum);
  check_finite_nonneg("SGD", "weight_decay", options.weight_decay);
  NORSE_CHECK(!options.nesterov || (options.momentum > 0.0f && options.dampening == 0.0f), InvalidArgument, "SGD",
              "Nesterov momentum requires momentum > 0 and dampening = 0");
}

void SGD::step() {
  NoGradGuard no_grad;
  for (size_t k = 0; k < params_.size(); ++k) {
    Variable& p = *params_[k].second;
    if (!p.grad().defined()) continue;
    Tensor g = p.grad();
    if (options_.weight_decay != 0.0f) g = add(g, mul(p.value(), options_.weight_decay));
    if (options_.momentum != 0.0f) {
      Tensor& buf = momentum_[k];
      if (!buf.defined()) {
        buf = g.clone();
      } else {
        buf = add(mul(buf, options_.momentum), mul(g, 1.0f - options_.dampening));
      }
      g = options_.nesterov ? add(g, mul(buf, options_.momentum)) : buf;
    }
    axpy_(p.mutable_value(), -lr_, g);
  }
}

std::vector<std::pair<std::string, Tensor>> SGD::state() const {
  std::vector<std::pair<std::string, Tensor>> out;
  for (size_t k = 0; k < params_.size(); ++k) {
    if (momentum_[k].defined()) out.emplace_back(params_[k].first + ".momentum_buffer", momentum_[k].clone());
  }
  return out;
}

void SGD::load_state(const std::vector<std::pair<std::string, Tensor>>& state) {
  for (size_t k = 0; k < params_.size(); ++k) {
    const std::string name = params_[k].first + ".momentum_buffer";
    bool present = false;
    for (const auto& entry : state) present = present || entry.first == name;
    momentum_[k] = present ? find_state("SGD::load_state", state, name, params_[k].second->shape()).clone() : Tensor();
  }
}

// --- Adam ---------------------------------------------------------------------------------------

Adam::Adam(std::vector<nn::NamedParameter> params, AdamOptions options)
    : Optimizer(std::move(params), options.lr), options_(options), m_(params_.size()), v_(params_.size()) {
  NORSE_CHECK(options.beta1 >= 0.0f && options.beta1 < 1.0f && options.beta2 >= 0.0f && options.beta2 < 1.0f,
              InvalidArgument, "Adam", "betas must be in [0, 1), got ", options.beta1, " and ", options.beta2);
  check_finite_nonneg("Adam", "eps", options.eps);
  check_finite_nonneg("Adam", "weight_decay", options.weight_decay);
}

void Adam::step() {
  NoGradGuard no_grad;
  ++step_;
  const double bc1 = 1.0 - std::pow(static_cast<double>(options_.beta1), static_cast<double>(step_));
  const double bc2 = 1.0 - std::pow(static_cast<double>(options_.beta2), static_cast<double>(step_));
  const float step_size = static_cast<float>(lr_ / bc1);
  const float bc2_sqrt = static_cast<float>(std::sqrt(bc2));
  const float b1 = options_.beta1, b2 = options_.beta2, eps = options_.eps, wd = options_.weight_decay;
  for (size_t k = 0; k < params_.size(); ++k) {
    Variable& p = *params_[k].second;
    if (!p.grad().defined()) continue;
    Tensor& value = p.mutable_value();
    const Device device = value.device();
    if (!m_[k].defined()) {
      m_[k] = zeros(p.shape(), device);
      v_[k] = zeros(p.shape(), device);
    }
    NORSE_CHECK(value.is_contiguous(), InvalidArgument, "Adam::step", "parameter '", params_[k].first,
                "' is not contiguous");
    NORSE_CHECK(p.grad().device() == device && m_[k].device() == device, DeviceError, "Adam::step", "parameter '",
                params_[k].first, "' is on ", device_name(device), " but its gradient or state is on ",
                device_name(p.grad().device() != device ? p.grad().device() : m_[k].device()),
                " (move the model with Module::to before creating the optimizer)");
    const Tensor g = p.grad().contiguous();
    kernels::AdamStepArgs args;
    args.param = value.device_data();
    args.exp_avg = m_[k].device_data();
    args.exp_avg_sq = v_[k].device_data();
    args.grad = g.device_data();
    args.n = value.numel();
    args.step_size = step_size;
    args.bias_correction2_sqrt = bc2_sqrt;
    args.beta1 = b1;
    args.beta2 = b2;
    args.eps = eps;
    args.weight_decay = wd;
    if (device == Device::kCUDA) {
      const kernels::CudaAdamStep cuda = kernels::cuda_adam_step();
      NORSE_CHECK(cuda != nullptr, DeviceError, "Adam::step", "parameter '", params_[k].first,
                  "' is on cuda but this program does not link the CUDA Adam kernel (build with --config=cuda and "
                  "depend on //kernels:adam_cuda)");
      cuda(args);
    } else {
      kernels::adam_step_cpu(args);
    }
  }
}

std::vector<std::pair<std::string, Tensor>> Adam::state() const {
  std::vector<std::pair<std::string, Tensor>> out = {{"step", scalar_tensor(static_cast<float>(step_))}};
  for (size_t k = 0; k < params_.size(); ++k) {
    if (!m_[k].defined()) continue;
    out.emplace_back(params_[k].first + ".exp_avg", m_[k].clone());
    out.emplace_back(params_[k].first + ".exp_avg_sq", v_[k].clone());
  }
  return out;
}

void Adam::load_state(const std::vector<std::pair<std::string, Tensor>>& state) {
  step_ = static_cast<int64_t>(find_state("Adam::load_state", state, "step", {}).item());
  for (size_t k = 0; k < params_.size(); ++k) {
    const std::string base = params_[k].first;
    bool present = false;
    for (const auto& entry : state) present = present || entry.first == base + ".exp_avg";
    if (!present) {
      m_[k] = Tensor();
      v_[k] = Tensor();
      continue;
    }
    // The moments live where the parameter does (a checkpoint's tensors are on the host).
    const Device device = params_[k].second->value().device();
    m_[k] = find_state("Adam::load_state", state, base + ".exp_avg", params_[k].second->shape()).to(device).clone();
    v_[k] = find_state("Adam::load_state", state, base + ".exp_avg_sq", params_[k].second->shape()).to(device).clone();
  }
}

// --- utilities ------------------------------------------------------------------------------------

float clip_grad_norm(const std::vector<nn::NamedParameter>& params, float max_norm) {
  NORSE_CHECK(std::isfinite(max_norm) && max_norm > 0.0f, InvalidArgument, "clip_grad_norm",
              "argument 'max_norm' must be finite and > 0, got ", max_norm);
  double total = 0.0;
  for (const auto& [name, p] : params) {
    (void)name;
    if (!p->grad().defined()) continue;
    const std::vector<float> g = p->grad().to_vector();
    for (float x : g) total += static_cast<double>(x) * x;
  }
  const float norm = static_cast<float>(std::sqrt(total));
  const float coef = max_norm / (norm + 1e-6f);
  if (coef < 1.0f) {
    for (const auto& [name, p] : params) {
      (void)name;
      if (p->grad().defined()) p->mutable_grad() = mul(p->grad(), coef);
    }
  }
  return norm;
}

StepLR::StepLR(float base_lr, int64_t step_size, float gamma)
    : LRSchedule([base_lr, step_size, gamma](int64_t epoch) {
        return base_lr *
               static_cast<float>(std::pow(static_cast<double>(gamma), static_cast<double>(epoch / step_size)));
      }) {
  NORSE_CHECK(step_size >= 1, InvalidArgument, "StepLR", "argument 'step_size' must be >= 1, got ", step_size);
}

CosineAnnealingLR::CosineAnnealingLR(float base_lr, int64_t t_max, float eta_min)
    : LRSchedule([base_lr, t_max, eta_min](int64_t epoch) {
        const double phase = kPi * static_cast<double>(epoch) / static_cast<double>(t_max);
        return static_cast<float>(eta_min + (base_lr - eta_min) * (1.0 + std::cos(phase)) / 2.0);
      }) {
  NORSE_CHECK(t_max >= 1, InvalidArgument, "CosineAnnealingLR", "argument 't_max' must be >= 1, got ", t_max);
}

}  // namespace optim
}  // namespace norse
