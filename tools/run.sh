#!/usr/bin/env bash
# The project's main job, as README's Quick start gives it. Until the MNIST task exists it runs
# the LIF demo (Norse's first example). Installs what is missing first.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash tools/setup.sh
exec bazel run //tasks:lif_demo -- "$@"
