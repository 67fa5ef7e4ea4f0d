#!/usr/bin/env bash
# Build the kernel environments the tests probe, from the local wheel store:
#   torch-cpu      torch 2.13.0+cpu, numpy and ipykernel (a healthy CPU build)
#   torch-cu130    torch 2.14.1 (the PyPI CUDA 13 build) with its nvidia packages
#   cu130-broken   torch 2.14.1 installed --no-deps: the CUDA libraries are missing
#   no-torch       ipykernel only
# Each is made once; delete build/test-envs to start again.
set -euo pipefail
export PIP_RETRIES="${PIP_RETRIES:-0}" PIP_DISABLE_PIP_VERSION_CHECK=1
PYTHON="${PYTHON:-python3}"
ROOT="${TEST_ENVS:-build/test-envs}"
mkdir -p "$ROOT"

# pip warns about every missing folder of the local store's index: noise.
pip_q() { "$@" 2>&1 | { grep -v 'neither a file nor a directory' || true; }; }

make_env() {
  local name=$1; shift
  local dir="$ROOT/$name"
  if [ -f "$dir/.ready" ]; then return 0; fi
  local start=$SECONDS
  rm -rf "$dir"
  "$PYTHON" -m venv "$dir"
  pip_q "$dir/bin/python" -m pip install -q ipykernel
  "$@" "$dir/bin/python"
  touch "$dir/.ready"
  echo "test env $name: ready ($((SECONDS - start)) s)"
}

pure_deps="filelock sympy networkx jinja2 fsspec typing-extensions setuptools"

cpu() { pip_q "$1" -m pip install -q "torch==2.13.0+cpu" numpy; }
cu130() {
  pip_q "$1" -m pip install -q --no-deps "torch==2.14.1"
  # Everything torch requires, except cuda-bindings, which the store lacks.
  local reqs
  mapfile -t reqs < <("$1" - <<'PY'
import importlib.metadata as m, re
for r in m.requires("torch") or []:
    name = re.split(r"[ ;<>=!~\[]", r, 1)[0]
    if "extra ==" not in r and name != "cuda-bindings":
        print(r.split(";")[0].strip())
PY
)
  pip_q "$1" -m pip install -q "${reqs[@]}" numpy pillow
  pip_q "$1" -m pip install -q --no-deps "torchvision==0.29.1"
}
broken() { pip_q "$1" -m pip install -q --no-deps "torch==2.14.1"; pip_q "$1" -m pip install -q $pure_deps; }
none() { :; }

make_env no-torch none
make_env torch-cpu cpu
make_env cu130-broken broken
if [ "${SKIP_CUDA_ENV:-0}" != 1 ]; then
  make_env torch-cu130 cu130
fi
