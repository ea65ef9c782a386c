# Sourced by ci/setup.sh and ci/test.sh: where the LibTorch 2.x build's Python lives.
#   pip_torch_version   the version ci/pip-torch.txt pins, e.g. 2.15.0
#   pip_torch_venv      its virtual environment, outside the source tree:
#                       $GCBENCH_TORCH_VENV, else ~/.cache/gcbench/torch-<version>
#   pip_torch_python    that environment's python, which the build asks for its LibTorch
pip_torch_requirements="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/pip-torch.txt"
pip_torch_version="$(sed -n 's/^torch==\([0-9][0-9.]*\)$/\1/p' "$pip_torch_requirements")"
if [ -z "$pip_torch_version" ]; then
  echo "ci/pip-torch.txt pins no torch version (a line torch==X.Y.Z)" >&2
  exit 2
fi
pip_torch_venv="${GCBENCH_TORCH_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/gcbench/torch-$pip_torch_version}"
pip_torch_python="$pip_torch_venv/bin/python"
