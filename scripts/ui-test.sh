#!/usr/bin/env bash
# Galata UI tests on Debian's chromium against a real JupyterLab server.
# Expects the extension installed in develop mode in .venv (make ui-test does).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
# GALATA_LOCK=FILE: wait for that lock first (a machine shared with other
# Galata runs); the wait is printed, and counts in the part's time.
if [ -n "${GALATA_LOCK:-}" ] && [ -z "${GALATA_LOCKED:-}" ]; then
  echo "$(basename "$0"): waiting for $GALATA_LOCK"
  waited=$SECONDS
  exec 9>>"$GALATA_LOCK"
  flock 9
  echo "$(basename "$0"): waited $((SECONDS - waited)) s for $GALATA_LOCK"
  export GALATA_LOCKED=1
fi
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export PATH="$PWD/.venv/bin:$PATH"
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"

if [ ! -x "$CHROMIUM" ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "ui-test: installing Debian's chromium with apt-get"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
  elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1; then
    echo "ui-test: installing Debian's chromium with sudo apt-get"
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
  else
    echo "ui-test: Chromium is required at $CHROMIUM; install it (apt-get install chromium) or set CHROMIUM_PATH." >&2
    exit 1
  fi
fi

T=scripts/timed.sh
scripts/make-test-envs.sh
# Kernels of the probe and badge tests, registered in .venv.
build/test-envs/torch-cpu/bin/python -m ipykernel install --prefix .venv --name torch-cpu \
  --display-name "Python (torch 2.13.0+cpu)" >/dev/null
build/test-envs/no-torch/bin/python -m ipykernel install --prefix .venv --name no-torch \
  --display-name "Python (no torch)" >/dev/null
# The README's picture: the CUDA 13 build on this GPU-less machine (docs.spec.ts).
if [ -x build/test-envs/torch-cu130/bin/python ]; then
  build/test-envs/torch-cu130/bin/python -m ipykernel install --prefix .venv --name torch-cu130 \
    --display-name "Python (torch 2.14.1+cu130)" >/dev/null
fi
# The install tests change their kernels' environments: make them afresh.
$T ui-test/install-envs scripts/make-install-envs.sh
# The local PyTorch index the install tests use (served by Playwright).
$T ui-test/local-index "${PYTHON:-python3}" scripts/local-index.py build build/local-index

cd ui-tests
if [ ! -f node_modules/.installed ] || [ package-lock.json -nt node_modules/.installed ]; then
  ../$T ui-test/npm-ci npm ci --no-audit --no-fund
  touch node_modules/.installed
fi
# A clean pip, as on a user's machine: only the index the cell names. The
# kernels' own index (PIP_INDEX_URL, which the live check reads as its second
# source beside the PyTorch index) is the local one: tests talk only to
# 127.0.0.1. The gateway's kernels live in a namespace with no other route.
# The gateway suite below runs even when this one fails; the exit status
# reports both.
rc=0
# What the later suites start, stopped on every exit path.
stops=()
cleanup() { for c in "${stops[@]}"; do $c || true; done; }
trap cleanup EXIT
trap 'exit 130' INT TERM
CI="${CI:-1}" ../$T ui-test/galata env -u PIP_FIND_LINKS -u PIP_EXTRA_INDEX_URL \
  PIP_INDEX_URL=http://127.0.0.1:8971/cpu/ npx playwright test "$@" || rc=$?

# Kernels on another host: JupyterLab under /user/alice/, every kernel behind
# the Jupyter Kernel Gateway of a "GPU host" in a network namespace
# (scripts/gateway.sh; needs root). GATEWAY_TESTS=0 skips it.
if [ "${GATEWAY_TESTS:-1}" != 0 ] && [ $# = 0 ]; then
  cd ..
  $T ui-test/gateway-setup scripts/gateway.sh setup
  # Stopped on every exit path (the trap above).
  stops+=("$ROOT/scripts/gateway.sh stop")
  GATEWAY_URL=$(scripts/gateway.sh start | tail -1)
  export GATEWAY_URL
  cd ui-tests
  CI="${CI:-1}" ../$T ui-test/galata-gateway env -u PIP_FIND_LINKS -u PIP_EXTRA_INDEX_URL -u PIP_INDEX_URL \
    npx playwright test -c playwright.gateway.config.js || rc=$?
fi

# A real JupyterHub: alice logs in and works under /user/alice/
# (scripts/hub.sh: jupyterhub, configurable-http-proxy, local spawner,
# 127.0.0.1 only). HUB_TESTS=0 skips it.
if [ "${HUB_TESTS:-1}" != 0 ] && [ $# = 0 ]; then
  cd "$ROOT"
  $T ui-test/hub-setup scripts/hub.sh setup
  stops+=("$ROOT/scripts/hub.sh stop")
  HUB_URL=$(scripts/hub.sh start | tail -1)
  export HUB_URL
  cd ui-tests
  CI="${CI:-1}" ../$T ui-test/galata-hub npx playwright test -c playwright.hub.config.js || rc=$?
fi
exit $rc
