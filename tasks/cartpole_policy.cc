#include "tasks/cartpole_policy.h"

#include <chrono>
#include <cmath>
#include <deque>
#include <limits>

#include "models/encoders.h"
#include "models/optim.h"
#include "tasks/cartpole_env.h"

namespace norse {
namespace cartpole {
namespace {

using Clock = std::chrono::steady_clock;

void check_options(const PolicyOptions& o) {
  NORSE_CHECK(o.hidden >= 1, InvalidArgument, "SpikingPolicy", "argument 'hidden' must be >= 1, got ", o.hidden);
  NORSE_CHECK(o.seq_length >= 1, InvalidArgument, "SpikingPolicy", "argument 'seq_length' must be >= 1, got ",
              o.seq_length);
  NORSE_CHECK(std::isfinite(o.input_scale), InvalidArgument, "SpikingPolicy",
              "argument 'input_scale' must be finite, got ", o.input_scale);
  NORSE_CHECK(o.dropout >= 0.0f && o.dropout < 1.0f, InvalidArgument, "SpikingPolicy",
              "argument 'dropout' must be in [0, 1), got ", o.dropout);
}

// Seeds of the run's independent random streams.
uint64_t stream_seed(uint64_t seed, uint64_t stream) { return seed * 4 + stream; }

}  // namespace

SpikingPolicy::SpikingPolicy(const PolicyOptions& options, Generator& init)
    : options_((check_options(options), options)),
      lif_(8, options.hidden, init, lif::Params{}),
      readout_(options.hidden, 2, init) {}

Tensor SpikingPolicy::draw_dropout_mask(int64_t batch, Generator& gen) const {
  const float keep = 1.0f - options_.dropout;
  return mul(bernoulli({options_.seq_length, batch, options_.hidden}, keep, gen), 1.0f / keep);
}

Variable SpikingPolicy::log_probs(const Tensor& observations, const Tensor& dropout_mask) {
  NORSE_CHECK(observations.dim() == 2 && observations.size(1) == 4, ShapeError, "SpikingPolicy",
              "argument 'observations' must be [B, 4], got ", shape_to_string(observations.shape()));
  const int64_t b = observations.size(0);
  const Shape mask_shape{options_.seq_length, b, options_.hidden};
  NORSE_CHECK(!dropout_mask.defined() || dropout_mask.shape() == mask_shape, ShapeError, "SpikingPolicy",
              "argument 'dropout_mask' must be ", shape_to_string(mask_shape), ", got ",
              shape_to_string(dropout_mask.shape()));
  const Tensor scaled = mul(observations, options_.input_scale);
  const Tensor currents = concat({relu(scaled), relu(neg(scaled))}, 1);  // [B, 8]: positive, negative parts
  const Variable input_spikes = encode::constant_current_lif_encode(Variable(currents), options_.seq_length);
  Variable z = lif_.forward(input_spikes).z;  // [T, B, hidden]
  if (dropout_mask.defined()) z = z * Variable(dropout_mask);
  nn::LayerState state;
  const Variable v = readout_.forward(z, state);  // [T, B, 2]
  return log_softmax(max(v, 0).values, 1);
}

std::vector<nn::NamedParameter> SpikingPolicy::named_parameters() {
  std::vector<nn::NamedParameter> out = {{"lif.input_weights", &lif_.input_weights()},
                                         {"lif.recurrent_weights", &lif_.recurrent_weights()}};
  for (auto& [name, p] : readout_.named_parameters()) out.emplace_back("readout." + name, p);
  return out;
}

std::vector<float> normalized_returns(const std::vector<float>& rewards, float gamma) {
  const size_t n = rewards.size();
  std::vector<float> returns(n);
  double acc = 0.0;
  for (size_t k = n; k-- > 0;) {
    acc = rewards[k] + gamma * acc;
    returns[k] = static_cast<float>(acc);
  }
  if (n == 0) return returns;
  double mean = 0.0;
  for (float r : returns) mean += r;
  mean /= static_cast<double>(n);
  double var = 0.0;
  for (float r : returns) var += (r - mean) * (r - mean);
  const double std = n > 1 ? std::sqrt(var / static_cast<double>(n - 1)) : 0.0;  // torch.std: unbiased
  const double eps = std::numeric_limits<float>::epsilon();
  for (float& r : returns) r = static_cast<float>((r - mean) / (std + eps));
  return returns;
}

TrainResult train(const TrainConfig& c, const std::function<void(const EpisodeLog&)>& progress) {
  NORSE_CHECK(c.episodes >= 1, InvalidArgument, "cartpole", "--episodes must be >= 1, got ", c.episodes);
  NORSE_CHECK(c.gamma >= 0.0f && c.gamma <= 1.0f, InvalidArgument, "cartpole", "--gamma must be in [0, 1], got ",
              c.gamma);
  NORSE_CHECK(c.learning_rate > 0.0f, InvalidArgument, "cartpole", "--learning_rate must be > 0, got ",
              c.learning_rate);
  Generator init(stream_seed(c.seed, 0)), env_gen(stream_seed(c.seed, 1)), action_gen(stream_seed(c.seed, 2)),
      dropout_gen(stream_seed(c.seed, 3));
  SpikingPolicy policy(c.policy, init);
  optim::AdamOptions adam_options;
  adam_options.lr = c.learning_rate;
  optim::Adam adam(policy.named_parameters(), adam_options);
  CartPoleEnv env;
  TrainResult result;
  std::deque<float> last100;
  double sum100 = 0.0;
  float running = 10.0f;
  const auto start = Clock::now();
  std::vector<float> observations, rewards;
  std::vector<Tensor> masks;
  std::vector<int64_t> actions;
  for (int64_t episode = 1; episode <= c.episodes; ++episode) {
    observations.clear();
    rewards.clear();
    masks.clear();
    actions.clear();
    std::array<float, 4> obs = env.reset(env_gen);
    policy.train(true);
    for (;;) {
      const Tensor o = from_vector({obs[0], obs[1], obs[2], obs[3]}, {1, 4});
      const Tensor mask = policy.draw_dropout_mask(1, dropout_gen);
      float p_left;
      {
        NoGradGuard no_grad;
        p_left = std::exp(policy.log_probs(o, mask).value().data()[0]);
      }
      const int action = action_gen.uniform() < p_left ? 0 : 1;  // a Categorical draw
      observations.insert(observations.end(), obs.begin(), obs.end());
      masks.push_back(mask);
      actions.push_back(action);
      const StepResult s = env.step(action);
      rewards.push_back(s.reward);
      obs = s.observation;
      if (s.terminated || s.truncated) break;
    }
    // REINFORCE on the whole episode as one batch.
    const int64_t steps = static_cast<int64_t>(actions.size());
    const std::vector<float> returns = normalized_returns(rewards, c.gamma);
    Tensor weights = zeros({steps, 2});  // G_t at the action taken, 0 at the other
    for (int64_t t = 0; t < steps; ++t)
      weights.at({t, actions[static_cast<size_t>(t)]}) = returns[static_cast<size_t>(t)];
    adam.zero_grad();
    const Variable lp = policy.log_probs(from_vector(observations, {steps, 4}), concat(masks, 1));
    const Variable loss = -sum(lp * Variable(weights));
    loss.backward();
    adam.check_finite(loss, str_cat("cartpole: episode ", episode));
    adam.step();

    EpisodeLog log;
    log.episode = episode;
    log.episode_return = 0.0f;
    for (float r : rewards) log.episode_return += r;
    last100.push_back(log.episode_return);
    sum100 += log.episode_return;
    if (last100.size() > 100) {
      sum100 -= last100.front();
      last100.pop_front();
    }
    log.mean_return_100 = static_cast<float>(sum100 / static_cast<double>(last100.size()));
    running = 0.05f * log.episode_return + 0.95f * running;
    log.norse_running = running;
    log.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    result.episodes.push_back(log);
    if (progress) progress(log);
    if (c.solved_return > 0.0f && last100.size() == 100 && log.mean_return_100 >= c.solved_return) {
      result.solved_at = episode;
      break;
    }
  }
  return result;
}

}  // namespace cartpole
}  // namespace norse
