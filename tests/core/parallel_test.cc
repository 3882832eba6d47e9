// parallel_for and parallel_for_weighted: every index exactly once, in contiguous chunks, one per
// thread; the weighted split gives the threads about equal weight, not equal counts.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <utility>
#include <vector>

#include "core/parallel.h"

using namespace norse;

namespace {
// The chunks a loop handed out, sorted by begin.
template <class Loop>
std::vector<std::pair<int64_t, int64_t>> chunks_of(Loop&& loop) {
  std::mutex m;
  std::vector<std::pair<int64_t, int64_t>> chunks;
  loop([&](int64_t begin, int64_t end) {
    std::lock_guard<std::mutex> lock(m);
    chunks.emplace_back(begin, end);
  });
  std::sort(chunks.begin(), chunks.end());
  return chunks;
}

void require_cover(const std::vector<std::pair<int64_t, int64_t>>& chunks, int64_t n) {
  int64_t next = 0;
  for (const auto& [begin, end] : chunks) {
    REQUIRE(begin == next);
    REQUIRE(end > begin);
    next = end;
  }
  REQUIRE(next == n);
}
}  // namespace

TEST_CASE("parallel_for_weighted covers [0, n) once and balances the weight", "[parallel]") {
  const ThreadCountGuard two(2);
  for (const int64_t n : {1, 2, 3, 17, 512}) {
    CAPTURE(n);
    // Rising work (a spike train's samples: later time steps spike more).
    const auto rising = [](int64_t i) { return i * i; };
    const auto chunks = chunks_of([&](auto&& f) { parallel_for_weighted(n, rising, f); });
    require_cover(chunks, n);
    if (n >= 17 && num_threads() == 2) {
      REQUIRE(chunks.size() == 2);
      int64_t first = 0, second = 0;
      for (int64_t i = chunks[0].first; i < chunks[0].second; ++i) first += rising(i);
      for (int64_t i = chunks[1].first; i < chunks[1].second; ++i) second += rising(i);
      // The cut lies where the prefix first reaches half the total: the first half overshoots it
      // by less than the last item before the cut, so the halves differ by less than twice it.
      REQUIRE(std::abs(first - second) < 2 * rising(chunks[0].second - 1));
      REQUIRE(chunks[0].second - chunks[0].first > chunks[1].second - chunks[1].first);  // not equal counts
    }
    // All weights zero: equal counts, still a cover.
    require_cover(chunks_of([&](auto&& f) {
                    parallel_for_weighted(
                        n, [](int64_t) { return int64_t{0}; }, f);
                  }),
                  n);
    // One heavy item at the front: the other thread takes everything after it.
    const auto front = [](int64_t i) { return i == 0 ? int64_t{1000000} : int64_t{1}; };
    const auto heavy = chunks_of([&](auto&& f) { parallel_for_weighted(n, front, f); });
    require_cover(heavy, n);
    if (n >= 2 && num_threads() == 2) REQUIRE(heavy[0].second == 1);
  }
}

TEST_CASE("parallel_for_weighted inside a parallel loop runs serially", "[parallel]") {
  const ThreadCountGuard two(2);
  std::vector<int64_t> inner_chunks(4, 0);
  parallel_for(4, 1, [&](int64_t begin, int64_t end) {
    for (int64_t k = begin; k < end; ++k) {
      parallel_for_weighted(
          10, [](int64_t i) { return i; }, [&](int64_t, int64_t) { ++inner_chunks[k]; });
    }
  });
  for (const int64_t c : inner_chunks) REQUIRE(c == 1);
}
