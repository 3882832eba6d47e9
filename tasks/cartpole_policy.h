// The cart-pole task's spiking policy and its REINFORCE training (norse/task/cartpole.py,
// Policy + finish_episode, itself after PyTorch's reinforce example):
//
//   observation [B, 4] -> relu(+50 x), relu(-50 x) -> [B, 8] constant currents
//   -> LIF constant-current encoder (40 steps, Norse's LIF defaults) -> [40, B, 8] spikes
//   -> recurrent LIF layer, 128 neurons (SuperSpike, alpha 100) -> dropout (p 0.5)
//   -> LILinearCell(128, 2) -> max over time of the read-out voltage -> softmax over the two actions
//
// The policy keeps no state between environment steps (Norse starts every step from the
// initial neuron state), so an episode is acted step by step without the tape, and then
// re-evaluated as ONE batch (all of the episode's observations, with the dropout masks drawn
// while acting) to get the log-probabilities of the actions taken and their gradient.
// REINFORCE: returns G_t = sum_k gamma^k r_{t+k}, normalised to zero mean and unit (unbiased)
// standard deviation (+ float epsilon), loss = -sum_t log pi(a_t | s_t) G_t, one Adam step per
// episode.
#ifndef NORSE_TASKS_CARTPOLE_POLICY_H_
#define NORSE_TASKS_CARTPOLE_POLICY_H_

#include <array>
#include <functional>
#include <string>
#include <vector>

#include "core/core.h"
#include "models/lif.h"
#include "models/neuron_layers.h"

namespace norse {
namespace cartpole {

struct PolicyOptions {
  int64_t hidden = 128;
  int64_t seq_length = 40;
  float input_scale = 50.0f;
  float dropout = 0.5f;
};

class SpikingPolicy : public nn::Module {
 public:
  SpikingPolicy(const PolicyOptions& options, Generator& init);
  // observations [B, 4]; dropout_mask [T, B, hidden] of 0 and 1 / (1 - p), or undefined for
  // none. Returns log-probabilities [B, 2].
  Variable log_probs(const Tensor& observations, const Tensor& dropout_mask);
  // A mask for `batch` observations (PyTorch's dropout: keep with 1 - p, scale by 1 / (1 - p)).
  Tensor draw_dropout_mask(int64_t batch, Generator& gen) const;
  std::vector<nn::NamedParameter> named_parameters() override;
  const PolicyOptions& options() const { return options_; }

 private:
  PolicyOptions options_;
  lif::LIFRecurrent lif_;
  nn::LILinearCell readout_;
};

// Discounted returns of one episode, normalised as Norse does (a single step gives 0).
std::vector<float> normalized_returns(const std::vector<float>& rewards, float gamma);

struct TrainConfig {
  PolicyOptions policy;
  int64_t episodes = 1000;  // at most
  float gamma = 0.99f;
  float learning_rate = 1e-3f;   // 1e-2 solves faster (146 episodes) but then collapses (README)
  float solved_return = 195.0f;  // stop once the mean return of the last 100 episodes reaches it (0: never)
  uint64_t seed = 1234;
};

struct EpisodeLog {
  int64_t episode = 0;  // 1-based
  float episode_return = 0.0f;
  float mean_return_100 = 0.0f;  // mean over the last (up to) 100 episodes
  float norse_running = 0.0f;    // Norse's running reward: 0.05 * return + 0.95 * previous (from 10)
  double seconds = 0.0;
};

struct TrainResult {
  std::vector<EpisodeLog> episodes;
  int64_t solved_at = 0;  // episode at which mean_return_100 first reached solved_return, 0: never
};

TrainResult train(const TrainConfig& config, const std::function<void(const EpisodeLog&)>& progress = {});

}  // namespace cartpole
}  // namespace norse

#endif  // NORSE_TASKS_CARTPOLE_POLICY_H_
