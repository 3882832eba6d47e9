// The MNIST task trained data-parallel (run by //tests/tasks:mnist_mpi_test under mpirun -np 2)
// against the same task in one process: the batch losses of the first K steps must agree to
// float tolerance. Prints "CHECK ...: ok" or "CHECK ...: FAILED ..." on rank 0.
//
// Usage: mnist_mpi_check MODEL STEPS
#include <cmath>
#include <cstdio>
#include <string>

#include "distributed/communicator.h"
#include "tasks/idx.h"
#include "tasks/mnist_train.h"

int main(int argc, char** argv) {
  using namespace norse;
  const std::string model = argc > 1 ? argv[1] : "fc";
  const int64_t steps = argc > 2 ? std::stoll(argv[2]) : 4;
  dist::World world;
  try {
    const data::Dataset train_set = data::load_mnist("tasks/data/mnist", "train");
    const data::Dataset test_set = data::load_mnist("tasks/data/mnist", "t10k");
    mnist::TrainConfig config;
    config.network.model = model;
    config.epochs = 1;
    config.batch_size = 7;  // split 4 + 3 over two ranks
    config.train_limit = 7 * steps;
    config.test_limit = 64;
    config.plots = false;
    const mnist::TrainResult parallel = mnist::train(config, train_set, test_set, {}, &world.communicator());
    if (!world.is_root()) return 0;
    const mnist::TrainResult single = mnist::train(config, train_set, test_set);
    double worst = 0;
    for (size_t k = 0; k < single.batch_losses.size(); ++k) {
      const double a = parallel.batch_losses[k], b = single.batch_losses[k];
      std::printf("step %zu: %d ranks %.7f, one process %.7f\n", k + 1, world.size(), a, b);
      worst = std::max(worst, std::fabs(a - b) / std::max(1.0, std::fabs(b)));
    }
    const bool ok = parallel.batch_losses.size() == single.batch_losses.size() && worst <= 1e-5;
    std::printf("CHECK mnist_%s_loss: %s (%zu steps, largest relative difference %.3g, limit 1e-5)\n", model.c_str(),
                ok ? "ok" : "FAILED", single.batch_losses.size(), worst);
    std::printf("test accuracy: %d ranks %.4f, one process %.4f\n", world.size(), parallel.test_accuracy,
                single.test_accuracy);
    return ok ? 0 : 1;
  } catch (const Error& e) {
    std::fprintf(stderr, "rank %d: %s\n", world.rank(), e.what());
    world.abort(3);
  }
}
