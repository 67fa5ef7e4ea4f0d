#!/usr/bin/env bash
# Do the sources compile against the oldest packages package.json allows?
# The @jupyterlab/* ranges (^4.2.0 ...) are resolved to their lowest minor
# line (~4.2.0: the 4.2 line's last patch), @lumino/* to the exact floor, in
# build/floor (its own npm install, ~260 packages), then `tsc --noEmit` on
# src/. Not part of make test (a download of its own); run it when a range
# or an API in use changes. The runtime floor is scripts/compat-check.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
FLOOR=build/floor
mkdir -p "$FLOOR"
node - "$FLOOR/package.json" <<'EOF'
const fs = require('fs');
const pkg = require('./package.json');
const deps = {};
for (const [name, range] of Object.entries(pkg.dependencies)) {
  const v = range.replace(/^[\^~]/, '');
  deps[name] = name.startsWith('@lumino/') ? v : name.startsWith('@jupyterlab/') ? `~${v}` : range;
}
for (const name of ['typescript', '@types/semver', '@types/json-schema', '@types/node', '@types/react']) {
  deps[name] = pkg.devDependencies[name];
}
const lumino = Object.fromEntries(Object.entries(deps).filter(([n]) => n.startsWith('@lumino/')));
fs.writeFileSync(process.argv[2], JSON.stringify({ name: 'floor-check', private: true, dependencies: deps, overrides: lumino }, null, 2));
EOF
(cd "$FLOOR" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null)
rm -rf "$FLOOR/src" "$FLOOR/style"
node scripts/bundle-probe.js >/dev/null
cp -r src style "$FLOOR/"
sed 's/"types": \["jest"\]/"types": []/' tsconfig.json >"$FLOOR/tsconfig.json"
(cd "$FLOOR" && node -e '
  for (const n of ["@jupyterlab/application", "@jupyterlab/apputils", "@jupyterlab/services", "@lumino/widgets"])
    console.log(`floor: ${n} ${require(`${n}/package.json`).version}`);' && npx tsc --noEmit -p .)
echo "floor: src/ compiles against the oldest allowed packages"
