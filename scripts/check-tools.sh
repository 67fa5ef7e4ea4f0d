#!/usr/bin/env bash
# One-line messages for a missing or too old Node or Python.
set -u
PYTHON="${PYTHON:-python3}"
ok=0
if ! command -v node >/dev/null 2>&1; then
  echo "jupyterlab-torch-doctor: Node.js >= 20 is required, but 'node' is not on PATH." >&2
  ok=1
elif ! node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)'; then
  echo "jupyterlab-torch-doctor: Node.js >= 20 is required, found $(node --version)." >&2
  ok=1
elif ! command -v npm >/dev/null 2>&1; then
  echo "jupyterlab-torch-doctor: npm (shipped with Node.js >= 20) is required, but 'npm' is not on PATH." >&2
  ok=1
fi
if ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "jupyterlab-torch-doctor: Python >= 3.10 is required, but '$PYTHON' is not on PATH (set PYTHON=...)." >&2
  ok=1
elif ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)'; then
  echo "jupyterlab-torch-doctor: Python >= 3.10 is required, found $("$PYTHON" --version 2>&1) at $(command -v "$PYTHON")." >&2
  ok=1
elif ! "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  echo "jupyterlab-torch-doctor: Python's venv module is missing; on Debian/Ubuntu run: apt-get install python3-venv" >&2
  ok=1
fi
exit $ok
