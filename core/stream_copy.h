// Copies into memory that will not be read again soon, past the caches: a large output written
// once (a neuron loop's spikes, saved record and input gradient, tens of MB each). An ordinary
// store first reads its cache line from memory (read for ownership); where every store of a loop
// misses, those reads and their latency bound the loop (the ConvNet4 conv1 LIF loop ran at a
// third of the copy bandwidth). Streaming stores write whole lines without reading them.
#ifndef NORSE_CORE_STREAM_COPY_H_
#define NORSE_CORE_STREAM_COPY_H_

#include <cstdint>

namespace norse {

// Arrays of at least this many bytes are worth streaming: twice the L2 caches of a 2-core
// machine of this project's size; smaller ones are likely read back from the cache soon.
constexpr int64_t kStreamingBytes = int64_t{8} << 20;

// Whether an output of `bytes` is streamed (>= kStreamingBytes). Call it before the threads that
// will call copy_streaming: it also reads the CPU features (core/cpu_features.h), which throws
// InvalidArgument for a bad NORSE_CPU_AVX512 / NORSE_CPU_AVX2, and an exception cannot leave a
// parallel_for.
bool worth_streaming(int64_t bytes);

// dst[0, n) = src[0, n) with non-temporal stores where the CPU has them (x86-64), else a copy.
void copy_streaming(const float* src, int64_t n, float* dst);

// Orders this thread's streaming stores before its later stores (call once after a run of
// copy_streaming, before other threads may read what it wrote).
void streaming_fence();

}  // namespace norse

#endif  // NORSE_CORE_STREAM_COPY_H_
