#!/usr/bin/env bash
# Install the built wheel into a fresh venv with node removed from PATH, and
# check that JupyterLab finds and loads the prebuilt extension (as the
# extension template's isolated CI job does).
set -euo pipefail
export PIP_RETRIES="${PIP_RETRIES:-0}"
PYTHON="${1:-python3}"
DIST="${2:-dist}"
wheel=$(ls "$DIST"/jupyterlab_torch_doctor-*.whl)
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

"$PYTHON" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install -q "jupyterlab==${JUPYTERLAB_VERSION:-4.6.4}" "$wheel"

export PATH="$work/venv/bin:$work/bin"
if command -v node >/dev/null; then
  echo "isolation check: node is still on PATH" >&2
  exit 1
fi
cd "$work"
jupyter labextension list 2>&1 | tee "$work/list.txt"
grep -qiE "jupyterlab-torch-doctor v[0-9.]+ .*enabled.*OK" "$work/list.txt" || {
  echo "isolation check: jupyterlab-torch-doctor is not listed as enabled OK" >&2
  exit 1
}
python -m jupyterlab_torch_doctor --version
python -m jupyterlab.browser_check --no-browser-test --ServerApp.allow_root=True
echo "isolation check: passed (wheel $(basename "$wheel"), no node on PATH)"
