#!/usr/bin/env bash
# Install benchmark: click to verified for the CPU install from the local
# index (the Galata "fresh install" test), split into pip, restart and
# verification as the panel measures them. Prints each run and the medians.
#   benchmarks/install.sh [runs]      (after make develop; default 3 runs)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-3}"
export PATH="$PWD/.venv/bin:$PATH" PIP_RETRIES=0 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
"${PYTHON:-python3}" scripts/local-index.py build build/local-index >/dev/null
out=$(mktemp)
for i in $(seq "$RUNS"); do
  scripts/make-install-envs.sh >/dev/null
  (cd ui-tests && CI=1 env -u PIP_FIND_LINKS -u PIP_EXTRA_INDEX_URL -u PIP_INDEX_URL \
    npx playwright test tests/install.spec.ts -g "fresh install" --retries 0 2>&1) \
    | grep -o 'install timings: .*' | tee -a "$out"
done
"${PYTHON:-python3}" - "$out" <<'PY'
import re, statistics, sys
rows = [dict((k, float(v)) for k, v in re.findall(r"(pip|restart|verification) ([\d.]+) s", l))
        for l in open(sys.argv[1])]
rows = [r for r in rows if len(r) == 3]
if not rows:
    sys.exit("no run finished")
med = {k: statistics.median(r[k] for r in rows) for k in ("pip", "restart", "verification")}
total = sum(med.values())
print(f"install, click to verified, {len(rows)} runs (medians): pip {med['pip']:.1f} s · "
      f"restart {med['restart']:.1f} s · verification {med['verification']:.1f} s · total {total:.1f} s")
print(f"  pip is {med['pip'] / total:.0%} of it; the extension's own steps (restart + deep check) {1 - med['pip'] / total:.0%}")
PY
rm -f "$out"
