/**
 * Startup benchmark: time from navigation to JupyterLab's app.restored,
 * with this extension enabled and disabled, in one session of two servers
 * (the second with a page_config that disables it). Loads alternate between
 * the two so that drift hits both. Prints medians and the ratio; asserts
 * nothing. Target: ratio ≤ 1.03.
 *
 *   npm run bench:startup   (needs make develop, ui-tests' npm ci, chromium)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const require = createRequire(join(ROOT, 'ui-tests', 'package.json'));
const { chromium } = require('playwright');

const ROUNDS = Number(process.env.ROUNDS ?? 10);
const BIN = join(ROOT, '.venv', 'bin');

function startServer(port, configDir) {
  const root = mkdtempSync(join(tmpdir(), 'td-startup-'));
  const args = [
    'lab',
    '--no-browser',
    `--port=${port}`,
    '--ServerApp.token=',
    '--ServerApp.password=',
    '--ServerApp.disable_check_xsrf=True',
    `--ServerApp.root_dir=${root}`,
    `--LabApp.workspaces_dir=${root}`,
    '--LabApp.expose_app_in_browser=True',
    '--ServerApp.allow_root=True'
  ];
  const env = { ...process.env, PATH: `${BIN}:${process.env.PATH}` };
  if (configDir) {
    env.JUPYTER_CONFIG_DIR = configDir;
  }
  const proc = spawn(join(BIN, 'jupyter'), args, { env, stdio: 'ignore' });
  return proc;
}

async function waitFor(url) {
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(url)).ok) {
        return;
      }
    } catch {
      // not up yet
    }
    await new Promise(r => setTimeout(r, 500));
  }
  throw new Error(`${url} did not come up`);
}

/** Milliseconds from navigation start to app.restored, in a fresh page. */
async function restoredAt(browser, url) {
  const page = await browser.newPage();
  // Catch window.jupyterapp as JupyterLab sets it, before it starts.
  await page.addInitScript(() => {
    let app;
    Object.defineProperty(window, 'jupyterapp', {
      configurable: true,
      get: () => app,
      set: value => {
        app = value;
        value.restored.then(() => (window.__restored = performance.now()));
      }
    });
  });
  await page.goto(url);
  await page.waitForFunction(() => window.__restored !== undefined, null, {
    timeout: 120_000
  });
  const [t, plugins] = await page.evaluate(() => [
    window.__restored,
    window.jupyterapp.hasPlugin('jupyterlab-torch-doctor:plugin')
  ]);
  await page.close();
  return { t, plugins };
}

const median = xs => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const disabledDir = mkdtempSync(join(tmpdir(), 'td-config-'));
mkdirSync(join(disabledDir, 'labconfig'));
writeFileSync(
  join(disabledDir, 'labconfig', 'page_config.json'),
  JSON.stringify({ disabledExtensions: { 'jupyterlab-torch-doctor': true } })
);
const servers = [startServer(8931, null), startServer(8932, disabledDir)];
let browser;
try {
  await Promise.all([
    waitFor('http://127.0.0.1:8931/lab'),
    waitFor('http://127.0.0.1:8932/lab')
  ]);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu']
  });
  const on = [];
  const off = [];
  // One warm-up each: the first load fills caches.
  for (let i = -1; i < ROUNDS; i++) {
    const a = await restoredAt(browser, 'http://127.0.0.1:8931/lab?reset');
    const b = await restoredAt(browser, 'http://127.0.0.1:8932/lab?reset');
    if (!a.plugins || b.plugins) {
      throw new Error('the extension is not enabled on one and disabled on the other');
    }
    if (i >= 0) {
      on.push(a.t);
      off.push(b.t);
    }
  }
  const mOn = median(on);
  const mOff = median(off);
  console.log(`startup to app.restored, ${ROUNDS} loads each, alternating:`);
  console.log(`  extension enabled:  median ${mOn.toFixed(0)} ms (${on.map(x => x.toFixed(0)).join(', ')})`);
  console.log(`  extension disabled: median ${mOff.toFixed(0)} ms (${off.map(x => x.toFixed(0)).join(', ')})`);
  console.log(`  ratio enabled/disabled: ${(mOn / mOff).toFixed(3)} (target ≤ 1.03)`);
} finally {
  await browser?.close();
  servers.forEach(s => s.kill());
}
