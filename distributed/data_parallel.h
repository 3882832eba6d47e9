// Data-parallel training: every rank holds the whole model, trains on its shard of each global
// batch, and the gradients are averaged over the ranks before the optimizer steps, so every rank
// takes the same step as one process training on the whole global batch would.
//
//   dist::World world;                                   // MPI when launched by mpirun
//   dist::DataParallel dp(world.communicator(), net.named_parameters());  // rank 0's values
//   for each global batch [b, e):
//     const dist::Shard s = dist::shard(b, e, world.rank(), world.size());
//     adam.zero_grad();
//     Variable loss = criterion(net.forward(inputs[s]), targets[s]);    // the shard's mean
//     const float global_loss = dp.backward(loss, s.count(), e - b);    // backward + averaging
//     adam.step();                                                       // same on every rank
//
// Overlap. Parameters are packed, in reverse order of registration (the order backward
// finishes them), into buckets of about `bucket_bytes`. backward() watches the tape
// (GradReadyScope): the moment every parameter of a bucket has its final gradient, the bucket is
// copied into its buffer and its all-reduce starts, while backward goes on with the earlier
// layers. Buckets start in index order on every rank (MPI needs the same collective order
// everywhere). Buffers are allocated once and reused every step.
//
// Averaging. Rank r's gradient is the mean over its shard; it is weighted by
// shard_size / global_batch before the sum, so shards of different sizes (a global batch that
// does not divide by the rank count, the last batch of an epoch) give exactly the global mean.
// A parameter that no rank got a gradient for stays without one (the optimizers skip it, as in a
// single process); each bucket carries a flag per parameter for that, and the last one carries
// the weighted loss, so the global mean loss costs no extra message.
#ifndef NORSE_DISTRIBUTED_DATA_PARALLEL_H_
#define NORSE_DISTRIBUTED_DATA_PARALLEL_H_

#include <string>
#include <unordered_map>
#include <vector>

#include "core/autograd.h"
#include "distributed/communicator.h"
#include "models/module.h"

namespace norse {
namespace dist {

struct DataParallelOptions {
  // Bucket size. Smaller buckets start sooner (more overlap) but each collective has a latency.
  int64_t bucket_bytes = int64_t{1} << 20;
  // false: all buckets start after backward has finished (no overlap; for measuring it).
  bool overlap = true;
};

// Where the time of the last step went (seconds, this rank).
struct StepTiming {
  double backward = 0.0;  // inside backward(), packing and starting buckets included
  double wait = 0.0;      // after backward, waiting for the all-reduces (communication not hidden)
  double unpack = 0.0;    // copying the averaged gradients back
};

class DataParallel {
 public:
  // Broadcasts rank 0's parameter values to every rank (so all start equal) after checking that
  // every rank registered the same parameters (count, sizes, names); throws DistributedError
  // naming the difference otherwise. The parameters must live on comm.device().
  DataParallel(Communicator& comm, std::vector<nn::NamedParameter> params, DataParallelOptions options = {});

  // loss.backward(), with the parameters' gradients averaged over the ranks as described above.
  // `loss` is the mean over this rank's `local_count` items of a global batch of `global_count`.
  // Returns the global batch's mean loss (the same on every rank).
  float backward(const Variable& loss, int64_t local_count, int64_t global_count);
  // For a rank whose shard of this global batch is empty: it takes part with zero gradients.
  float backward_without_data(int64_t global_count);

  // Copies rank 0's parameter values to every rank (also done by the constructor).
  void broadcast_parameters();

  int64_t parameter_count() const;  // floats in all parameters
  int64_t bytes_per_step() const;   // bytes each rank all-reduces per step (gradients + flags + loss)
  int64_t bucket_count() const { return static_cast<int64_t>(buckets_.size()); }
  const StepTiming& last_step() const { return timing_; }
  Communicator& communicator() { return comm_; }

 private:
  struct Bucket {
    std::vector<size_t> params;    // indices into params_, in backward's order
    std::vector<int64_t> offsets;  // where each one's gradient starts in `buffer`
    int64_t flags = 0;             // where the flags start
    Tensor buffer;                 // [gradients..., one flag per parameter..., (last bucket) loss]
    int64_t pending = 0;           // parameters whose gradient is not final yet in this step
    bool started = false;
  };

  float run_step(const Variable* loss, float local_loss, int64_t local_count, int64_t global_count);
  void on_gradient_ready(const Variable& leaf);
  void start_ready_buckets();
  void start_bucket(Bucket& bucket);
  void unpack(Bucket& bucket);

  Communicator& comm_;
  std::vector<nn::NamedParameter> params_;
  DataParallelOptions options_;
  std::vector<Bucket> buckets_;
  std::vector<size_t> bucket_of_;                     // per parameter
  std::unordered_map<const void*, size_t> index_of_;  // Variable::identity() -> parameter
  size_t next_bucket_ = 0;                            // the next to start (index order)
  float weight_ = 1.0f, local_loss_ = 0.0f;
  StepTiming timing_;
};

}  // namespace dist
}  // namespace norse

#endif  // NORSE_DISTRIBUTED_DATA_PARALLEL_H_
