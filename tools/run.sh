#!/usr/bin/env bash
# The project's main job, as README's Quick start gives it: the MNIST task with its defaults
# (Norse's spiking ConvNet on the bundled 8000/2000 MNIST subset). Installs what is missing
# first. The binary is built for this CPU (--config=native: -march=native), since it runs
# where it is built; extra arguments go to the task (try --help).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash tools/setup.sh
exec bazel run --config=native //tasks:mnist -- "$@"
