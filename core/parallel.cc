#include "core/parallel.h"

#include "core/error.h"

namespace norse {

int num_threads() {
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;
#endif
}

void set_num_threads(int threads) {
  NORSE_CHECK(threads >= 1, InvalidArgument, "set_num_threads", "argument 'threads' must be >= 1, got ", threads);
#ifdef _OPENMP
  omp_set_num_threads(threads);
#endif
}

}  // namespace norse
