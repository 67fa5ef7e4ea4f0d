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
#   install-uv       made by uv, without pip: the plan's `uv pip install` cell
#   install-preview  ipykernel and tiny fixture wheels: one pins torch==2.14.1 (the
#                    confirm dialog's plan preview names the pin the plan breaks),
#                    two are cuDNN for CUDA 12 and 13 (the CUDA libraries section)
#   install-auto     made by pip, no pip setting uv would not read: the `auto`
#                    installer's uv cell (`make-install-envs.sh install-auto`: only it)
#   gpu-install      (only with the argument gpu-install) the install kernel of
#                    the remote "GPU host", scripts/gateway.sh
# Their kernels read no pip configuration (PIP_CONFIG_FILE=/dev/null), so
# pip sees only the index the install cell names, as on a user's machine.
#
# Each is a copy of a ready test environment (scripts/make-test-envs.sh):
# no-torch for "ipykernel only", cu130-broken for the CUDA build without its
# libraries. A copied venv works when run as bin/python; the scripts in bin/
# get their new path in the first line. Copying takes seconds where six
# `pip install` runs took a minute or more.
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_RETRIES="${PIP_RETRIES:-0}" PIP_DISABLE_PIP_VERSION_CHECK=1
PYTHON="${PYTHON:-python3}"
ROOT=build/install-envs
pip_q() { "$@" 2>&1 | { grep -v 'neither a file nor a directory' || true; }; }

TEST_ENVS="${TEST_ENVS:-build/test-envs}"

# copy_env SOURCE DIR: a venv copy that runs as DIR/bin/python. Hard links
# where the file system allows (pip replaces files, it never writes into
# them, so the shared source stays as it was), else a plain copy.
copy_env() {
  local src dest=$2
  src=$(cd "$1" && pwd -P)
  rm -rf "$dest"
  mkdir -p "$(dirname "$dest")"
  cp -al "$src" "$dest" 2>/dev/null || { rm -rf "$dest"; cp -a "$src" "$dest"; }
  rm -f "$dest/.ready"
  local abs
  abs=$(cd "$dest" && pwd)
  # Entry-point scripts name their interpreter by absolute path.
  grep -lZ "^#!$src/bin/python" "$dest"/bin/* 2>/dev/null \
    | xargs -0 -r sed -i "1s|^#!$src/|#!$abs/|"
  # Other venvs' own paths (activate scripts) are not used by the tests.
}

make_env() {
  local name=$1 display=$2 source=$3; shift 3
  local dir="$ROOT/$name" start=$SECONDS
  copy_env "$TEST_ENVS/$source" "$dir"
  "$@" "$dir/bin/python"
  "$dir/bin/python" -m ipykernel install --prefix .venv --name "$name" \
    --display-name "$display" >/dev/null 2>&1
  # One retry, so that an unreachable index says so in pip's output.
  .venv/bin/python - "$name" <<'PY'
import json, os, sys
path = os.path.join(".venv", "share", "jupyter", "kernels", sys.argv[1], "kernel.json")
spec = json.load(open(path))
# PIP_TRUSTED_HOST is a pip setting uv would not read: it keeps these kernels on
# %pip under the `auto` installer whether or not uv is on their PATH (#21).
spec["env"] = {"PIP_CONFIG_FILE": os.devnull, "PIP_RETRIES": "1", "PIP_TRUSTED_HOST": "127.0.0.1"}
json.dump(spec, open(path, "w"), indent=1)
PY
  echo "install env $name: ready ($((SECONDS - start)) s)"
}

# install-auto: a venv made by pip (a copy of no-torch) whose kernel sees no pip
# setting that uv would not read, so the `auto` installer picks uv (on the
# kernel's PATH: .venv/bin/uv). The kernel starts through `env -u` so that the
# server's own PIP_* settings (this machine's PIP_CERT, PIP_FIND_LINKS) do not
# reach it; both installers start with a cold cache (Galata installer.spec.ts,
# benchmarks/install-click.sh).
make_auto_env() {
  local dir="$ROOT/install-auto" start=$SECONDS
  copy_env "$TEST_ENVS/no-torch" "$dir"
  "$dir/bin/python" -m ipykernel install --prefix .venv --name install-auto \
    --display-name "Python (install: auto)" >/dev/null 2>&1
  .venv/bin/python - <<'PY'
import json, os
path = os.path.join(".venv", "share", "jupyter", "kernels", "install-auto", "kernel.json")
spec = json.load(open(path))
unset = []
for name in ("INDEX_URL", "EXTRA_INDEX_URL", "FIND_LINKS", "NO_INDEX", "CONSTRAINT", "CERT",
             "CLIENT_CERT", "TRUSTED_HOST", "PROXY"):
    unset += ["-u", "PIP_" + name]
spec["argv"] = ["/usr/bin/env", *unset, *spec["argv"]]
spec["env"] = {"PIP_CONFIG_FILE": os.devnull, "PIP_RETRIES": "1", "PIP_NO_CACHE_DIR": "1",
               "UV_NO_CONFIG": "1", "UV_NO_CACHE": "1", "UV_LINK_MODE": "copy"}
json.dump(spec, open(path, "w"), indent=1)
PY
  echo "install env install-auto: ready ($((SECONDS - start)) s)"
}

if [ "${1:-}" = install-auto ]; then
  make_auto_env
  exit 0
fi

none() { :; }

# `make-install-envs.sh gpu-install`: only the install kernel of the remote
# "GPU host" (scripts/gateway.sh registers it with the gateway, not here).
if [ "${1:-}" = gpu-install ]; then
  copy_env "$TEST_ENVS/no-torch" "$ROOT/gpu-install"
  echo "install env gpu-install: ready"
  exit 0
fi

make_env install-fresh "Python (install: fresh)" no-torch none
# torch 2.14.1 (the CUDA build) --no-deps and its pure-Python requirements.
make_env install-switch "Python (install: switch)" cu130-broken none
make_env install-fail "Python (install: fail)" no-torch none
make_env install-console "Python (install: console)" no-torch none
make_env install-records "Python (install: records)" no-torch none
make_env install-restart "Python (install: restart)" no-torch none
make_env install-protect "Python (install: protect)" no-torch none
# A package that pins torch==2.14.1 (scripts/fixture_wheel.py, not a real one): the fresh
# plan's torch 2.13.0+cpu would break it, and the preview must say so. Nothing is installed.
# Two fixture cuDNN distributions, for CUDA 12 and 13: the panel's "CUDA libraries" section.
preview_fixture() {
  local w=build/install-envs/wheels f=scripts/fixture_wheel.py
  PIP_CONFIG_FILE=/dev/null "$1" -m pip install -q --no-deps --no-index \
    "$(.venv/bin/python $f $w torch-companion 1.0 "torch==2.14.1")" \
    "$(.venv/bin/python $f $w nvidia-cudnn-cu12 9.28.0.42)" \
    "$(.venv/bin/python $f $w nvidia-cudnn-cu13 9.26.0.51)"
}
make_env install-preview "Python (install: preview)" no-torch preview_fixture
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

# install-uv: a venv made by uv (its pyvenv.cfg names uv), without pip. The
# packages of no-torch (ipykernel and its requirements) less pip are linked
# in, so nothing is downloaded; the test's uv cell installs torch from the
# local index only.
make_uv_env() {
  local dir="$ROOT/install-uv" start=$SECONDS src site
  local uv="${UV:-$(command -v uv || echo .venv/bin/uv)}"
  src=$(cd "$TEST_ENVS/no-torch" && pwd -P)
  rm -rf "$dir"
  "$uv" venv -q --python "$(readlink -f "$src/bin/python")" "$dir"
  site=$("$dir/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  for f in "$src"/lib/python3*/site-packages/*; do
    case "$(basename "$f")" in pip | pip-*.dist-info | _distutils_hack | distutils-precedence.pth) continue ;; esac
    cp -al "$f" "$site/" 2>/dev/null || cp -a "$f" "$site/"
  done
  if "$dir/bin/python" -c 'import pip' 2>/dev/null; then
    echo "install env install-uv: pip is importable" >&2
    return 1
  fi
  "$dir/bin/python" -m ipykernel install --prefix .venv --name install-uv \
    --display-name "Python (install: uv)" >/dev/null 2>&1
  .venv/bin/python - <<'PY'
import json, os
path = os.path.join(".venv", "share", "jupyter", "kernels", "install-uv", "kernel.json")
spec = json.load(open(path))
# uv reads no configuration either; it must find torch on the cell's index only.
spec["env"] = {"PIP_CONFIG_FILE": os.devnull, "UV_NO_CONFIG": "1"}
json.dump(spec, open(path, "w"), indent=1)
PY
  echo "install env install-uv: ready ($((SECONDS - start)) s)"
}
make_uv_env
make_auto_env
