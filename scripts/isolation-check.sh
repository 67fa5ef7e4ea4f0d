#!/usr/bin/env bash
# Install the built wheel into a fresh venv next to one JupyterLab release,
# with node removed from PATH, and check that JupyterLab finds and loads the
# prebuilt extension (as the extension template's isolated CI job does).
#
#   scripts/isolation-check.sh PYTHON DIST VENV "jupyterlab==X" ["notebook==Y"]
#
# VENV is made afresh and kept (the compatibility smoke runs Galata on it).
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_RETRIES="${PIP_RETRIES:-0}"
PYTHON="${1:-python3}"
DIST="${2:-dist}"
VENV="${3:?venv directory}"
shift 3
SPECS=("$@")
[ ${#SPECS[@]} -gt 0 ] || SPECS=("jupyterlab==${JUPYTERLAB_VERSION:-4.6.4}")
wheel=$(ls "$DIST"/jupyterlab_torch_doctor-*.whl)
UV="$PWD/.venv/bin/uv"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A PATH with every system tool except Node.js and its package managers.
mkdir -p "$work/bin"
for dir in /usr/local/bin /usr/bin /bin; do
  for f in "$dir"/*; do
    name=$(basename "$f")
    case "$name" in node | nodejs | npm | npx | corepack | yarn | jlpm) continue ;; esac
    [ -e "$work/bin/$name" ] || ln -s "$f" "$work/bin/$name"
  done
done

rm -rf "$VENV"
# uv: the same resolution as pip, in seconds once its cache is warm.
"$UV" venv -q --python "$PYTHON" "$VENV"
"$UV" pip install -q --python "$VENV/bin/python" "${SPECS[@]}" ipykernel "$wheel"
VENV=$(cd "$VENV" && pwd)

export PATH="$VENV/bin:$work/bin"
if command -v node >/dev/null; then
  echo "isolation check: node is still on PATH" >&2
  exit 1
fi
cd "$work"
lab=$(jupyter lab --version)
jupyter labextension list 2>&1 | tee "$work/list.txt"
grep -qiE "jupyterlab-torch-doctor v[0-9.]+ .*enabled.*OK" "$work/list.txt" || {
  echo "isolation check: jupyterlab-torch-doctor is not listed as enabled OK next to JupyterLab $lab" >&2
  exit 1
}
if grep -qi "not compatible" "$work/list.txt"; then
  echo "isolation check: JupyterLab $lab says an extension is not compatible" >&2
  exit 1
fi
# No server extension of its own: the list must load, and name none of ours failing.
jupyter server extension list 2>&1 | tee "$work/server.txt"
if grep -iE "torch.?doctor" "$work/server.txt" | grep -qiE "X|error|fail"; then
  echo "isolation check: a server extension of jupyterlab_torch_doctor fails" >&2
  exit 1
fi
python -m jupyterlab_torch_doctor --version
python -m jupyterlab.browser_check --no-browser-test --ServerApp.allow_root=True
echo "isolation check: passed (wheel $(basename "$wheel"), JupyterLab $lab, no node on PATH)"
