#!/usr/bin/env bash
# The kernels the Galata install tests change, made afresh on every run and
# registered in .venv:
#   install-fresh    ipykernel only: "fresh install"
#   install-switch   torch 2.14.1 (the CUDA build) without its CUDA libraries:
#                    "switch builds" to +cpu on this GPU-less machine
#   install-fail     ipykernel only: the "unreachable index" test
#   install-console  ipykernel only: the install from a console
#   install-records  ipykernel only: an install that finishes while the user
#                    works in another notebook
#   install-restart  ipykernel only: a restart while pip runs
#   install-protect  ipykernel only: verify, Protect, a refused install, Unprotect
# Their kernels read no pip configuration (PIP_CONFIG_FILE=/dev/null), so
# pip sees only the index the install cell names, as on a user's machine.
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_RETRIES="${PIP_RETRIES:-0}" PIP_DISABLE_PIP_VERSION_CHECK=1
PYTHON="${PYTHON:-python3}"
ROOT=build/install-envs
pip_q() { "$@" 2>&1 | { grep -v 'neither a file nor a directory' || true; }; }

make_env() {
  local name=$1 display=$2; shift 2
  local dir="$ROOT/$name"
  rm -rf "$dir"
  "$PYTHON" -m venv "$dir"
  pip_q "$dir/bin/python" -m pip install -q ipykernel
  "$@" "$dir/bin/python"
  "$dir/bin/python" -m ipykernel install --prefix .venv --name "$name" \
    --display-name "$display" >/dev/null 2>&1
  # One retry, so that an unreachable index says so in pip's output.
  .venv/bin/python - "$name" <<'PY'
import json, os, sys
path = os.path.join(".venv", "share", "jupyter", "kernels", sys.argv[1], "kernel.json")
spec = json.load(open(path))
spec["env"] = {"PIP_CONFIG_FILE": os.devnull, "PIP_RETRIES": "1"}
json.dump(spec, open(path, "w"), indent=1)
PY
  echo "install env $name: ready"
}

none() { :; }
cuda_no_libs() {
  pip_q "$1" -m pip install -q --no-deps "torch==2.14.1"
  pip_q "$1" -m pip install -q filelock sympy networkx jinja2 fsspec typing-extensions setuptools \
    | { grep -v -e "dependency resolver" -e " requires " || true; }
}

make_env install-fresh "Python (install: fresh)" none
make_env install-switch "Python (install: switch)" cuda_no_libs
make_env install-fail "Python (install: fail)" none
make_env install-console "Python (install: console)" none
make_env install-records "Python (install: records)" none
make_env install-restart "Python (install: restart)" none
make_env install-protect "Python (install: protect)" none
# PIP_CONFIG_FILE=/dev/null would switch off every config file, the per-environment one
# that Protect writes too: this kernel's pip reads an empty file in its place (so no user
# config either), then the environment's own.
.venv/bin/python - "$ROOT/install-protect" <<'PY'
import json, os, sys
env = os.path.abspath(sys.argv[1])
open(os.path.join(env, "empty-pip.conf"), "w").close()
path = os.path.join(".venv", "share", "jupyter", "kernels", "install-protect", "kernel.json")
spec = json.load(open(path))
spec["env"]["PIP_CONFIG_FILE"] = os.path.join(env, "empty-pip.conf")
json.dump(spec, open(path, "w"), indent=1)
PY
