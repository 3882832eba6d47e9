#!/usr/bin/env bash
# Runs allreduce_benchmark as one rank with 2 threads and as `mpirun -np 2` ranks with one
# thread each (same run, same machine: the ratio is what docs/distributed.md records).
# SKIPPED with the reason where MPI is missing.
set -uo pipefail
bench=$1
mpi_found=$2
if [ "$mpi_found" != 1 ] || ! command -v mpirun >/dev/null; then
  echo "SKIPPED allreduce_benchmark: no MPI in this build or no mpirun on PATH"
  echo "NORSE_TEST_SUMMARY passed=0 failed=0 skipped=1"
  exit 0
fi
export OMPI_MCA_btl_vader_single_copy_mechanism=none OMPI_MCA_btl=self,vader
echo "== 1 rank x 2 threads"
OMP_NUM_THREADS=2 "$bench" || exit 1
echo "== 2 ranks x 1 thread"
OMP_NUM_THREADS=1 timeout 600 mpirun --allow-run-as-root --oversubscribe -np 2 "$bench" || exit 1
