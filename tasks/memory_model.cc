#include "tasks/memory_model.h"

#include <cmath>

namespace norse {
namespace memory {
namespace {

lsnn::Params memory_lsnn_params(const NetworkOptions& o) {
  lsnn::Params p;
  p.v_th = Variable(scalar_tensor(o.v_th));
  p.tau_adapt_inv = Variable(scalar_tensor(1.0f / o.tau_adapt));
  p.beta = Variable(scalar_tensor(o.beta));
  return p;
}

lif::Params memory_lif_params(const NetworkOptions& o) {
  lif::Params p;
  p.v_th = Variable(scalar_tensor(o.v_th));
  return p;
}

}  // namespace

MemoryNetwork::MemoryNetwork(int64_t input_features, const NetworkOptions& options, Generator& init)
    : options_(options),
      input_features_(input_features),
      hidden_(options.hidden > 0 ? options.hidden : input_features) {
  const std::string& m = options.neuron_model;
  NORSE_CHECK(m == "lsnn" || m == "lif" || m == "lsnnlif" || m == "iaf_box", InvalidArgument, "MemoryNetwork",
              "argument 'neuron_model' must be lsnn, lif, lsnnlif or iaf_box, got ", m);
  NORSE_CHECK(std::isfinite(options.v_th) && std::isfinite(options.beta) && std::isfinite(options.tau_adapt) &&
                  options.tau_adapt > 0.0f,
              InvalidArgument, "MemoryNetwork",
              "v_th, beta must be finite and tau_adapt finite and > 0, got v_th = ", options.v_th,
              ", beta = ", options.beta, ", tau_adapt = ", options.tau_adapt);
  NORSE_CHECK(input_features >= 1, InvalidArgument, "MemoryNetwork", "argument 'input_features' must be >= 1, got ",
              input_features);
  NORSE_CHECK(m != "lsnnlif" || hidden_ % 2 == 0, InvalidArgument, "MemoryNetwork",
              "neuron_model lsnnlif splits the hidden layer in halves: 'hidden' must be even, got ", hidden_);
  // Norse builds the LIF half before the LSNN half.
  if (m == "lif" || m == "lsnnlif") {
    lif_ = std::make_unique<nn::LIFRecurrent>(input_features, m == "lif" ? hidden_ : hidden_ / 2, init,
                                              memory_lif_params(options), false, options.dt);
  }
  if (m == "lsnn" || m == "lsnnlif") {
    lsnn_ = std::make_unique<nn::LSNNRecurrent>(input_features, m == "lsnn" ? hidden_ : hidden_ / 2, init,
                                                memory_lsnn_params(options), false, options.dt);
  }
  if (m == "iaf_box") {
    // NIR's neurons only (--export_nir): IAF recurrent, then Linear and an LIBox read-out.
    iaf::Params p;
    p.v_th = Variable(scalar_tensor(options.v_th));
    // LIBox has no synaptic current, which in LILinearCell multiplies the steady drive by
    // 1 / (dt * tau_syn_inv) = 5: the read-out starts with 5x the weights.
    auto readout = std::make_shared<nn::Linear>(hidden_, 2, init, false);
    readout->weight = Variable(mul(readout->weight.value(), 5.0f), true);
    box_ = std::make_unique<nn::SequentialState>();
    box_->add(std::make_shared<nn::IAFRecurrent>(input_features, hidden_, init, p, false, options.dt))
        .add(std::make_shared<nn::Lift>(readout))
        .add(std::make_shared<nn::LIBox>(li_box::Params{}, options.dt));
    return;
  }
  readout_ = std::make_unique<nn::LILinearCell>(hidden_, 2, init, li::Params{}, options.dt);
}

NetworkOutput MemoryNetwork::forward(const Tensor& input) {
  NORSE_CHECK(input.dim() == 3 && input.size(2) == input_features_, ShapeError, "MemoryNetwork",
              "argument 'input' must be [T, B, ", input_features_, "], got ", shape_to_string(input.shape()));
  const Variable x(input);
  if (box_) {
    std::vector<nn::LayerState> states;  // every sequence starts at the default state
    std::vector<Variable> outputs;
    const Variable readout = box_->forward(x, states, &outputs);
    return {readout, outputs[0]};
  }
  std::vector<Variable> populations;
  for (nn::StatefulLayer* layer : std::initializer_list<nn::StatefulLayer*>{lif_.get(), lsnn_.get()}) {
    nn::LayerState state;  // every sequence starts at the default state
    if (layer) populations.push_back(layer->forward(x, state));
  }
  const Variable spikes = populations.size() == 1 ? populations[0] : concat(populations, 2);
  nn::LayerState state;
  return {readout_->forward(spikes, state), spikes};
}

std::vector<nn::NamedParameter> MemoryNetwork::named_parameters() {
  if (box_) return box_->named_parameters();
  std::vector<nn::NamedParameter> out;
  if (lif_) {
    for (auto& [name, p] : lif_->named_parameters()) out.emplace_back("lif." + name, p);
  }
  if (lsnn_) {
    for (auto& [name, p] : lsnn_->named_parameters()) out.emplace_back("lsnn." + name, p);
  }
  for (auto& [name, p] : readout_->named_parameters()) out.emplace_back("readout." + name, p);
  return out;
}

LossResult memory_loss(const NetworkOutput& out, const StoreRecallBatch& batch, const StoreRecallOptions& data,
                       const LossOptions& options) {
  const int64_t periods = data.periods(), length = data.seq_length;
  const int64_t b = batch.labels.size(1);
  NORSE_CHECK(out.readout.dim() == 3 && out.readout.size(0) == periods * length && out.readout.size(1) == b &&
                  out.readout.size(2) == 2,
              ShapeError, "memory_loss", "read-out must be [", periods * length, ", ", b, ", 2], got ",
              shape_to_string(out.readout.shape()));
  NORSE_CHECK(options.loss == "norse" || options.loss == "ce", InvalidArgument, "memory_loss",
              "argument 'loss' must be norse or ce, got ", options.loss);
  LossResult r;
  r.recalls = static_cast<int64_t>(sum(batch.mask).item());
  NORSE_CHECK(r.recalls > 0, InvalidArgument, "memory_loss", "the batch has no recall period");
  const Variable means = mean(reshape(out.readout, {periods, length, b, 2}), {1});  // [P, B, 2]
  const Device device = out.readout.value().device();  // labels and mask go where the network ran
  const Variable labels(batch.labels.to(device));
  const Variable mask(batch.mask.reshape({periods, b, 1}).to(device));
  Variable task;
  if (options.loss == "norse") {
    // binary_cross_entropy_with_logits(p, y) = log(1 + e^p) - p y; p in [0, 1], so no overflow.
    const Variable p = softmax(means, 2);
    task = sum((log(exp(p) + 1.0f) - p * labels) * mask) / static_cast<float>(2 * r.recalls);
  } else {
    task = -sum(log_softmax(means, 2) * labels * mask) / static_cast<float>(r.recalls);
  }
  const float target = options.regularization_target / static_cast<float>(length * data.seq_repetitions);
  const Variable rate = mean(out.spikes, {0, 1});
  const Variable reg = sum(pow(rate - target, 2.0f)) * options.regularization_factor;
  r.total = task + reg;
  r.spike_rate = mean(out.spikes.value()).item();
  r.task = task.item();
  r.regularization = reg.item();
  const Tensor m = means.value().to(Device::kCPU).contiguous();
  for (int64_t j = 0; j < periods * b; ++j) {
    if (batch.mask.data()[j] == 0.0f) continue;
    const int64_t predicted = m.data()[2 * j + 1] > m.data()[2 * j] ? 1 : 0;
    const int64_t stored = batch.labels.data()[2 * j + 1] > 0.5f ? 1 : 0;
    r.correct += predicted == stored ? 1 : 0;
  }
  return r;
}

}  // namespace memory
}  // namespace norse
