#!/usr/bin/env bash
# The layout of every C++ and CUDA source in the repository is .clang-format's.
#
#   bash tools/format.sh          rewrites the files that differ
#   bash tools/format.sh --check  changes nothing; lists the files that differ and exits 1 if any
#
# clang-format 14 (Debian 12's `clang-format`); another version may lay out a few lines otherwise.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
check=0
[ "${1:-}" = "--check" ] && check=1
command -v clang-format >/dev/null || { echo "format: clang-format not found (apt-get install clang-format)" >&2; exit 2; }
mapfile -t files < <(git ls-files '*.cc' '*.h' '*.cu' '*.cuh')
differ=()
for f in "${files[@]}"; do
  if ! clang-format "$f" | cmp -s - "$f"; then differ+=("$f"); fi
done
if [ "$check" -eq 1 ]; then
  if [ ${#differ[@]} -gt 0 ]; then
    echo "format: ${#differ[@]} of ${#files[@]} files are not laid out as .clang-format says (bash tools/format.sh fixes them):"
    printf '  %s\n' "${differ[@]}"
    exit 1
  fi
  echo "format: all ${#files[@]} C++/CUDA sources follow .clang-format"
  exit 0
fi
[ ${#differ[@]} -gt 0 ] && clang-format -i "${differ[@]}"
echo "format: rewrote ${#differ[@]} of ${#files[@]} files"
