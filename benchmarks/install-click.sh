#!/usr/bin/env bash
# Click to Verified, pip against uv (#21): the CPU install of torch 2.13.0+cpu
# from the local index at full speed, on a fresh copy of the install-auto
# kernel's pip-made venv each run (scripts/make-install-envs.sh install-auto;
# cold pip and uv caches), driven in Chromium by
# ui-tests/tests/install-click.spec.ts with the installer setting pip or uv.
# Pair by pair, the order alternating. Prints each run, the medians of the
# phases (install, restart, deep check), the uv/pip ratio, and the panel's
# restart phase against the kernel's own restart to ready (benchmarks/kernel-restart.py,
# jupyter_client, no JupyterLab, no extension).
#   npm run bench:install [-- runs]     (after make develop; default 3 pairs)
# Holds the Galata lock (/tmp/galata.lock) while it runs.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${GALATA_LOCKED:-}" ]; then
  exec env GALATA_LOCKED=1 flock /tmp/galata.lock "$0" "$@"
fi
RUNS="${1:-3}"
export PATH="$PWD/.venv/bin:$PATH" PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
"${PYTHON:-python3}" scripts/local-index.py build build/local-index >/dev/null
out=$(mktemp)
run() {
  scripts/make-install-envs.sh install-auto >/dev/null
  (cd ui-tests && CI=1 BENCH_INSTALLER="$1" env -u PIP_FIND_LINKS -u PIP_EXTRA_INDEX_URL \
    -u PIP_INDEX_URL npx playwright test tests/install-click.spec.ts --retries 0 2>&1) \
    | grep -o 'click-to-verified .*' | tee -a "$out" || echo "run with $1 did not finish" >&2
}
for i in $(seq "$RUNS"); do
  if [ $((i % 2)) = 1 ]; then run pip; run uv; else run uv; run pip; fi
done
# The kernel's own restart, to ready, with torch installed (the last run's env).
.venv/bin/python benchmarks/kernel-restart.py install-auto 5 | tee -a "$out"
"${PYTHON:-python3}" - "$out" <<'PY'
import re, statistics, sys
rows = {"pip": [], "uv": []}
for line in open(sys.argv[1]):
    m = re.match(r"click-to-verified (pip|uv): (pip|uv) ([\d.]+) s · restart ([\d.]+) s · "
                 r"verification ([\d.]+) s · click to verified ([\d.]+) s · bare restart ([\d.]+) s", line)
    if m:
        rows[m[1]].append([float(x) for x in m.groups()[2:]])
if not rows["pip"] or not rows["uv"]:
    sys.exit("no pair finished")
med = {k: [statistics.median(r[i] for r in v) for i in range(5)] for k, v in rows.items()}
for k in ("pip", "uv"):
    inst, rst, ver, total, bare = med[k]
    print(f"{k}: {len(rows[k])} runs (medians): install {inst:.1f} s · restart {rst:.2f} s · "
          f"deep check {ver:.1f} s · click to verified {total:.1f} s")
print(f"uv/pip click to verified: {med['uv'][3] / med['pip'][3]:.2f} (goal <= 0.40); "
      f"install phase alone: {med['uv'][0] / med['pip'][0]:.2f}")
rst = statistics.median([r[1] for v in rows.values() for r in v])
own = [float(m[1]) for m in (re.search(r"median ([\d.]+) s", l) for l in open(sys.argv[1])
                              if l.startswith("kernel restart")) if m]
if own:
    print(f"restart: the panel's phase {rst:.2f} s; the kernel's own restart to ready "
          f"(jupyter_client, no JupyterLab) {own[0]:.2f} s: ratio {rst / own[0]:.2f} (goal <= 1.10)")
PY
rm -f "$out"
