/**
 * Startup benchmark: time from navigation to JupyterLab's app.restored,
 * with this extension enabled and disabled, in one session of two servers
 * (the second with a page_config that disables it). Loads alternate between
 * the two so that drift hits both. Prints medians and the ratio, and the
 * extension's files the page had fetched by app.restored (the eager chunk
 * and what it needs; bytes as served, uncompressed); asserts nothing.
 * Target: ratio ≤ 1.02, eager JavaScript < 60 kB.
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
// STARTUP_BIN: another venv's JupyterLab (a baseline checkout's, say).
const BIN = process.env.STARTUP_BIN ?? join(ROOT, '.venv', 'bin');

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
  // This extension's files as the network served them (uncompressed
  // bytes), before app.restored.
  const fetched = [];
  const restoredYet = () =>
    page.evaluate(() => window.__restored !== undefined);
  page.on('requestfinished', async request => {
    if (!request.url().includes('/jupyterlab-torch-doctor/static/')) {
      return;
    }
    const response = await request.response();
    const body = await response?.body().catch(() => null);
    if (body && !(await restoredYet().catch(() => true))) {
      fetched.push([request.url().split('/').pop().split('?')[0], body.length]);
    }
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
  return { t, plugins, ours: fetched };
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
const PORT = Number(process.env.STARTUP_PORT ?? 8931);
const ON = `http://127.0.0.1:${PORT}/lab`;
const OFF = `http://127.0.0.1:${PORT + 1}/lab`;
const servers = [startServer(PORT, null), startServer(PORT + 1, disabledDir)];
let browser;
let files = [];
try {
  await Promise.all([waitFor(ON), waitFor(OFF)]);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu']
  });
  const on = [];
  const off = [];
  // One warm-up each: the first load fills caches.
  for (let i = -1; i < ROUNDS; i++) {
    const a = await restoredAt(browser, `${ON}?reset`);
    const b = await restoredAt(browser, `${OFF}?reset`);
    // The first load's list: later loads come from the browser's cache.
    if (i < 0) {
      files = a.ours;
    }
    if (!a.plugins || b.plugins) {
      throw new Error(
        'the extension is not enabled on one and disabled on the other'
      );
    }
    if (i >= 0) {
      on.push(a.t);
      off.push(b.t);
    }
  }
  const mOn = median(on);
  const mOff = median(off);
  console.log(`startup to app.restored, ${ROUNDS} loads each, alternating:`);
  console.log(
    `  extension enabled:  median ${mOn.toFixed(0)} ms (${on.map(x => x.toFixed(0)).join(', ')})`
  );
  console.log(
    `  extension disabled: median ${mOff.toFixed(0)} ms (${off.map(x => x.toFixed(0)).join(', ')})`
  );
  console.log(
    `  ratio enabled/disabled: ${(mOn / mOff).toFixed(3)} (target ≤ 1.02)`
  );
  const js = files.filter(([name]) => name.endsWith('.js'));
  const bytes = js.reduce((n, [, size]) => n + size, 0);
  console.log(
    `this extension's JavaScript fetched by app.restored (first load): ${bytes} bytes`
  );
  for (const [name, size] of js) {
    console.log(`  ${name} ${size}`);
  }
} finally {
  await browser?.close();
  servers.forEach(s => s.kill());
}
