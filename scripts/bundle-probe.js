/**
 * Run scripts/bundle-probe.py with the first Python found: $PYTHON, the
 * project's .venv, python3, python. The bundler needs only the standard library.
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const venv = path.join(
  root,
  '.venv',
  process.platform === 'win32' ? 'Scripts/python.exe' : 'bin/python'
);
const candidates = [process.env.PYTHON, venv, 'python3', 'python'].filter(
  c => c && (!path.isAbsolute(c) || fs.existsSync(c))
);
for (const python of candidates) {
  const r = spawnSync(
    python,
    [path.join(__dirname, 'bundle-probe.py'), ...process.argv.slice(2)],
    { stdio: 'inherit' }
  );
  if (r.error && r.error.code === 'ENOENT') {
    continue;
  }
  process.exit(r.status ?? 1);
}
console.error('bundle-probe: no Python found (set PYTHON)');
process.exit(1);
