#!/usr/bin/env bash
# Works on the JupyterLab users have (issue #19): the wheel in a fresh venv
# next to the oldest supported JupyterLab and next to the newest on PyPI.
# For each: scripts/isolation-check.sh (labextension list says OK, server
# extension list, no node), then a short Galata smoke (ui-tests/compat/).
#
#   scripts/compat-check.sh [DIST]
#
# The supported range is package.json's @jupyterlab/* ranges (^4.2.0):
# OLDEST names the floor; NEWEST is whatever PyPI serves today.
set -euo pipefail
cd "$(dirname "$0")/.."
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
DIST="${1:-dist}"
PYTHON="${PYTHON:-python3}"
T=scripts/timed.sh
OLDEST=("jupyterlab==${OLDEST_JUPYTERLAB:-4.2.0}" "notebook==${OLDEST_NOTEBOOK:-7.2.0}")
NEWEST=(jupyterlab notebook)
scripts/make-test-envs.sh >/dev/null
# Galata's own packages (as scripts/ui-test.sh; skipped when up to date).
if [ ! -f ui-tests/node_modules/.installed ] || [ ui-tests/package-lock.json -nt ui-tests/node_modules/.installed ]; then
  (cd ui-tests && ../$T ui-test/npm-ci npm ci --no-audit --no-fund && touch node_modules/.installed)
fi

rc=0
for which in oldest newest; do
  venv=build/compat-$which
  if [ "$which" = oldest ]; then specs=("${OLDEST[@]}"); else specs=("${NEWEST[@]}"); fi
  $T "compat/$which-install" scripts/isolation-check.sh "$PYTHON" "$DIST" "$venv" "${specs[@]}" \
    >"build/compat-$which.log" 2>&1 || { tail -30 "build/compat-$which.log"; echo "compat: $which: isolation check failed" >&2; rc=1; continue; }
  grep -E "jupyterlab-torch-doctor|isolation check" "build/compat-$which.log"
  # The probe's kernel: torch 2.13.0+cpu, registered in this venv only.
  build/test-envs/torch-cpu/bin/python -m ipykernel install --prefix "$venv" --name torch-cpu \
    --display-name "Python (torch 2.13.0+cpu)" >/dev/null 2>&1
  (
    cd ui-tests
    export PATH="$PWD/../$venv/bin:$PATH"
    CI="${CI:-1}" ../$T "compat/$which-galata" env -u PIP_FIND_LINKS -u PIP_EXTRA_INDEX_URL -u PIP_INDEX_URL \
      npx playwright test -c playwright.compat.config.js
  ) || { echo "compat: $which: Galata smoke failed" >&2; rc=1; }
done
exit $rc
