// The cart-pole task: a spiking policy learns to balance the pole with REINFORCE.
//
//   bazel run -c opt //tasks:cartpole
//   bazel run -c opt //tasks:cartpole -- --help
//
// Prints every 10th episode's return and the running means, writes returns.csv to
// --output_dir, and ends with `running_return=<mean return of the last 100 episodes>`.
#include <sys/stat.h>
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>

#include "core/core.h"
#include "plot/plot.h"
#include "tasks/cartpole_policy.h"
#include "tasks/checkpoint.h"
#include "tasks/run_util.h"

int main(int argc, char** argv) {
  norse::cartpole::TrainConfig c;
  std::string output_dir = "cartpole_output";
  int threads = 0;
  int64_t log_every = 10;
  bool plots = true;
  CLI::App app{"norse-cpp cart-pole task: a spiking policy trained with REINFORCE on CartPole-v1."};
  app.set_version_flag("--version", norse::tasks::version_line());
  app.add_option("--episodes", c.episodes, "episodes at most")->check(CLI::PositiveNumber)->capture_default_str();
  app.add_option("--learning_rate", c.learning_rate, "Adam learning rate")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--gamma", c.gamma, "discount factor")->check(CLI::Range(0.0f, 1.0f))->capture_default_str();
  app.add_option("--hidden", c.policy.hidden, "recurrent LIF neurons")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--seq_length", c.policy.seq_length, "time steps per decision")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--dropout", c.policy.dropout, "dropout probability")
      ->check(CLI::Range(0.0f, 0.99f))
      ->capture_default_str();
  app.add_option("--solved_return", c.solved_return, "stop when the 100-episode mean return reaches it (0: never)")
      ->capture_default_str();
  app.add_option("--seed", c.seed, "seed of initialisation, environment and sampling")->capture_default_str();
  app.add_option("--log_every", log_every, "print every N-th episode")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--output_dir", output_dir, "where returns.csv (and the return curve) go")->capture_default_str();
  app.add_flag("--plots,!--no_plots", plots,
               "draw the return curve with the solved threshold into --output_dir (default on)");
  app.add_option("--threads", threads, "CPU threads (0: all)")->check(CLI::NonNegativeNumber)->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  try {
    if (threads > 0) norse::set_num_threads(threads);
    output_dir = norse::tasks::user_path(output_dir);
    std::printf(
        "cartpole task: hidden=%lld seq_length=%lld dropout=%g lr=%g gamma=%g episodes<=%lld seed=%llu threads=%d\n",
        static_cast<long long>(c.policy.hidden), static_cast<long long>(c.policy.seq_length), c.policy.dropout,
        c.learning_rate, c.gamma, static_cast<long long>(c.episodes), static_cast<unsigned long long>(c.seed),
        norse::num_threads());
    std::fflush(stdout);
    auto progress = [&](const norse::cartpole::EpisodeLog& e) {
      if (e.episode % log_every != 0) return;
      std::printf("episode %lld return %.0f mean100 %.1f norse_running %.1f (%s)\n", static_cast<long long>(e.episode),
                  e.episode_return, e.mean_return_100, e.norse_running,
                  norse::tasks::format_duration(e.seconds).c_str());
      std::fflush(stdout);
    };
    const norse::cartpole::TrainResult r = norse::cartpole::train(c, progress);
    ::mkdir(output_dir.c_str(), 0755);
    std::string csv = "episode,return,mean_return_100,norse_running,seconds\n";
    char line[128];
    for (const auto& e : r.episodes) {
      std::snprintf(line, sizeof(line), "%lld,%.0f,%.2f,%.2f,%.2f\n", static_cast<long long>(e.episode),
                    e.episode_return, e.mean_return_100, e.norse_running, e.seconds);
      csv += line;
    }
    norse::tasks::write_file_atomically(output_dir + "/returns.csv", csv);
    const auto& last = r.episodes.back();
    if (r.solved_at > 0) {
      std::printf("solved: the mean return of episodes %lld..%lld is %.1f >= %.0f\n",
                  static_cast<long long>(r.solved_at - 99), static_cast<long long>(r.solved_at), last.mean_return_100,
                  c.solved_return);
    } else if (c.solved_return > 0.0f) {
      std::printf("not solved within %lld episodes\n", static_cast<long long>(last.episode));
    } else {
      std::printf("ran all %lld episodes (--solved_return=0: no early stop)\n", static_cast<long long>(last.episode));
    }
    std::printf("episodes=%lld seconds=%.0f returns: %s/returns.csv\n", static_cast<long long>(last.episode),
                last.seconds, output_dir.c_str());
    if (plots) {
      norse::plot::Series episode_return, mean100;
      episode_return.label = "episode return";
      mean100.label = "mean of the last 100";
      for (const auto& e : r.episodes) {
        episode_return.add(static_cast<double>(e.episode), e.episode_return);
        mean100.add(static_cast<double>(e.episode), e.mean_return_100);
      }
      norse::plot::LineOptions o;
      o.title = "cart-pole: returns of the spiking policy";
      o.x_label = "episode";
      o.y_label = "return";
      if (c.solved_return > 0.0f) o.hlines = {{c.solved_return, "solved"}};
      const std::string path = output_dir + "/cartpole_returns.png";
      norse::plot::line_plot(path, {episode_return, mean100}, o);
      std::printf("plot: %s\n", path.c_str());
    }
    std::printf("running_return=%.2f\n", last.mean_return_100);
    return 0;
  } catch (const norse::Error& e) {
    std::fprintf(stderr, "cartpole: %s\n", e.what());
    return 1;
  }
}
