#!/usr/bin/env bash
# The release checks of the extension template's flow (jupyter-releaser's
# check-release), as a script. jupyter-releaser 1.11.2's prep-git, which its
# other steps require, needs a remote it can fetch with --filter; with its
# checkout made by hand, build-python + check-python pass but take ~5 min.
# These steps do the same checks in ~80 s.
#
#   scripts/release-check.sh [OUT]     artefacts to OUT (default dist/)
#
#   1. a clean clone of HEAD (uncommitted changes are not in it);
#   2. `python -m build`: the sdist, its labextension built from source by
#      hatch-jupyter-builder (npm run build:prod), then the wheel from the
#      sdist (jupyter-releaser: build-python);
#   3. `twine check` on both (check-python);
#   4. `npm pack --dry-run`, listing the npm package (build-npm / check-npm);
#   5. one version in package.json, the sdist, the wheel, the wheel's
#      labextension and `python -m jupyterlab_torch_doctor --version`;
#   6. `pip install -e .`, `jupyter labextension develop`, `pip install -e .`
#      again, then a wheel: the stale install.json case of issue #19.
# The wheel then goes to scripts/isolation-check.sh (a fresh venv per
# JupyterLab version: labextension list, server extension list).
# Replaced from check-release: prep-git, the changelog and GitHub steps,
# and `npm ci` in the clone (its node_modules are hard links of this
# checkout's, which `npm ci` made from the same lockfile).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT="${1:-dist}"
case "$OUT" in /*) ;; *) OUT="$ROOT/$OUT" ;; esac
PYTHON="${PYTHON:-python3}"
BIN="$ROOT/.venv/bin"
T="$ROOT/scripts/timed.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "release check: $*" >&2; exit 1; }

git clone -q --no-local "$ROOT" "$work/clone"
cd "$work/clone"
[ -d "$ROOT/node_modules" ] || fail "run npm ci first (make setup)"
cp -al "$ROOT/node_modules" node_modules
# npm may rewrite its own bookkeeping: never through a hard link.
for f in node_modules/.package-lock.json node_modules/.installed; do
  [ ! -e "$f" ] || { cp --remove-destination "$ROOT/$f" "$f"; }
done

# 2. sdist, then the wheel from the sdist (isolated: build deps from PyPI).
$T release/build bash -c 'env PATH="$1:$PATH" "$1/python" -m build --outdir dist . >"$2" 2>&1' _ "$BIN" "$work/build.log" \
  || { tail -40 "$work/build.log"; fail "python -m build failed"; }
sdist=$(ls dist/*.tar.gz) wheel=$(ls dist/*.whl)
echo "release check: built $(basename "$sdist") and $(basename "$wheel")"
tar tzf "$sdist" >"$work/sdist.txt"
for f in jupyterlab_torch_doctor/labextension/package.json jupyterlab_torch_doctor/labextension/static/style.js \
  install.json package.json package-lock.json src/index.ts; do
  grep -qx "[^/]*/$f" "$work/sdist.txt" || fail "the sdist lacks $f"
done
if grep -qE '/(node_modules|\.venv|build)/' "$work/sdist.txt"; then fail "the sdist holds node_modules, .venv or build"; fi

# 3. twine check.
$T release/twine "$BIN/python" -m twine check --strict dist/*

# 4. The npm package (after the build: lib/ is there).
npm pack --dry-run --json 2>/dev/null >"$work/pack.json"
"$BIN/python" - "$work/pack.json" <<'EOF'
import json, sys
pack = json.load(open(sys.argv[1]))[0]
files = sorted(f["path"] for f in pack["files"])
print(f"release check: npm pack {pack['filename']}: {len(files)} files, {pack['size']} bytes")
for f in files:
    print("  " + f)
need = ["package.json", "lib/index.js", "lib/index.d.ts", "style/index.css", "style/index.js", "schema/plugin.json", "LICENSE", "README.md"]
missing = [f for f in need if f not in files]
bad = [f for f in files if f.startswith(("node_modules/", "jupyterlab_torch_doctor/", ".venv/"))]
if missing or bad:
    sys.exit(f"release check: npm package lacks {missing} or holds {bad[:5]}")
EOF

# 5. One version everywhere.
"$BIN/python" - "$sdist" "$wheel" <<'EOF'
import json, sys, tarfile, zipfile
from email.parser import Parser
from packaging.version import Version
npm = json.load(open("package.json"))["version"]
with tarfile.open(sys.argv[1]) as t:
    pkg = next(m for m in t.getmembers() if m.name.count("/") == 1 and m.name.endswith("/PKG-INFO"))
    sdist_v = Parser().parsestr(t.extractfile(pkg).read().decode())["Version"]
with zipfile.ZipFile(sys.argv[2]) as z:
    meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
    wheel_v = Parser().parsestr(z.read(meta).decode())["Version"]
    ext = next(n for n in z.namelist() if n.endswith("labextensions/jupyterlab-torch-doctor/package.json"))
    ext_v = json.loads(z.read(ext))["version"]
# hatch-nodejs-version turns a semver pre-release (1.0.0-rc.1) into PEP 440.
versions = {"package.json": str(Version(npm.replace("-", ""))), "sdist": sdist_v, "wheel": wheel_v,
            "wheel's labextension": str(Version(ext_v.replace("-", "")))}
print("release check: versions", versions)
if len(set(versions.values())) != 1:
    sys.exit("release check: the versions differ")
EOF

# 6. Editable install, develop link, editable install again, then a wheel.
# A venv of its own with the newest JupyterLab (uv: seconds, cached).
$T release/editable-venv "$BIN/uv" venv -q --seed --python "$PYTHON" "$work/ev"
$T release/editable-deps "$BIN/uv" pip install -q --python "$work/ev/bin/python" jupyterlab hatchling editables \
  hatch-jupyter-builder hatch-nodejs-version "jupyter-builder>=1.2.0,<2" build
ev() { env PATH="$work/ev/bin:$PATH" "$@"; }
ev pip install -q --no-build-isolation --no-deps -e . 2>&1 | { grep -v 'neither a file nor a directory' || true; }
ev jupyter labextension develop . --overwrite >/dev/null
ev pip install -q --no-build-isolation --no-deps -e . 2>&1 | { grep -v 'neither a file nor a directory' || true; }
[ ! -e jupyterlab_torch_doctor/labextension/install.json ] \
  || fail "the second pip install -e wrote install.json into the source build"
ev jupyter labextension list 2>&1 | grep -qE "jupyterlab-torch-doctor.*enabled.*OK" \
  || fail "the develop install is not listed as enabled OK"
rm -rf "$work/dist2"
ev python -m build --wheel --no-isolation --outdir "$work/dist2" . >"$work/build2.log" 2>&1 \
  || { tail -20 "$work/build2.log"; fail "the wheel after develop + pip install -e did not build"; }
echo "release check: pip install -e, labextension develop, pip install -e, wheel: OK"

mkdir -p "$OUT"
rm -f "$OUT"/jupyterlab_torch_doctor-*
cp "$sdist" "$wheel" "$OUT/"
echo "release check: passed; artefacts in $OUT/"
