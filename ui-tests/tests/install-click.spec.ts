import { expect, galata, test } from '@jupyterlab/galata';

/**
 * Benchmark, not a test: click to Verified with one installer (#21), run by
 * benchmarks/install-click.sh with BENCH_INSTALLER=pip or uv on a fresh
 * copy of install-auto (a pip-made venv, cold caches) and the local index
 * at full speed. Prints the panel's phases, the wall time from the click on
 * Run Install to Verified, and the kernel's own restart time through the
 * server's REST API (no extension involved), to compare with the panel's
 * restart phase. Skipped unless BENCH_INSTALLER is set.
 */
const INSTALLER = process.env.BENCH_INSTALLER ?? '';
const INDEX = 'http://127.0.0.1:8971';

test.use({
  kernels: null,
  sessions: null,
  mockSettings: {
    ...galata.DEFAULT_SETTINGS,
    'jupyterlab-torch-doctor:plugin': {
      indexBaseUrl: INDEX,
      packages: ['torch'],
      installer: INSTALLER || 'auto'
    }
  }
});
test.describe.configure({ retries: 0 });

test('click to verified', async ({ page }) => {
  test.skip(!['pip', 'uv'].includes(INSTALLER), 'BENCH_INSTALLER=pip|uv');
  test.setTimeout(600_000);
  await page.notebook.createNew('bench.ipynb', { kernel: 'install-auto' });
  await page.sidebar.openTab('jp-TorchDoctor-panel');
  const panel = page.locator('#jp-TorchDoctor-panel');
  const plan = panel.locator('.jp-TorchDoctor-plan').first();
  await expect(plan.locator('.jp-TorchDoctor-cell')).toHaveText(
    INSTALLER === 'uv' ? /^!\S*\/uv pip install/ : /^%pip install/,
    { timeout: 60_000 }
  );
  await plan.getByRole('button', { name: 'Insert Install Cell' }).click();
  await panel.getByRole('button', { name: 'Run Install…' }).click();
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog).toContainText('install-auto');
  const click = Date.now();
  await dialog.getByRole('button', { name: 'Run Install' }).click();
  await expect(dialog).toContainText('Restart', { timeout: 300_000 });
  await dialog.getByRole('button', { name: 'Confirm Kernel Restart' }).click();
  const install = panel.locator('.jp-TorchDoctor-install');
  await expect(install).toHaveAttribute('data-step', 'verified', {
    timeout: 300_000
  });
  const total = (Date.now() - click) / 1000;
  const timings = await install
    .locator('.jp-TorchDoctor-installTimings')
    .textContent();

  // The kernel's own restart: a second kernel of the same spec (the same
  // environment, torch now installed), restarted through the REST API.
  const started = await page.request.post('/api/kernels', {
    data: { name: 'install-auto' }
  });
  const { id } = await started.json();
  const bare: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = Date.now();
    const r = await page.request.post(`/api/kernels/${id}/restart`);
    expect(r.ok()).toBe(true);
    bare.push((Date.now() - t0) / 1000);
  }
  await page.request.delete(`/api/kernels/${id}`);
  bare.sort((a, b) => a - b);
  console.log(
    `click-to-verified ${INSTALLER}: ${timings} · click to verified ${total.toFixed(1)} s · bare restart ${bare[1].toFixed(2)} s`
  );
});
