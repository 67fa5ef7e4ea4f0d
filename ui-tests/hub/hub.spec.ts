import { expect, test, type Page } from '@playwright/test';

/**
 * A real JupyterHub (scripts/hub.sh): jupyterhub and configurable-http-proxy,
 * SimpleLocalProcessSpawner, a shared password. alice logs in, her
 * single-user server starts, and the extension works under /user/alice/.
 * Plain Playwright: Galata's page fixture expects a JupyterLab at every
 * page.goto, and the first page here is the hub's login form.
 */

const HUB = process.env.HUB_URL || 'http://127.0.0.1:18947';
const PASSWORD = process.env.HUB_PASSWORD || 'alice-hub-pass';

/** The kernels running on alice's single-user server, by id. */
async function kernels(page: Page): Promise<string[]> {
  const r = await page.request.get(`${HUB}/user/alice/api/kernels`);
  expect(r.ok()).toBe(true);
  return ((await r.json()) as { id: string }[]).map(k => k.id).sort();
}

test('alice logs in, her notebook is probed, Probe all leaves no kernel', async ({
  page
}) => {
  await page.goto(`${HUB}/hub/login`);
  await page.getByLabel('Username:').fill('alice');
  await page.getByLabel('Password:', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // The hub spawns her server and sends her to JupyterLab.
  await page.waitForURL(/\/user\/alice\/lab/, { timeout: 90_000 });
  await page.waitForFunction(
    () => !!(window as any).jupyterapp?.started,
    null,
    {
      timeout: 60_000
    }
  );
  await page.evaluate(() => (window as any).jupyterapp.started);

  // A notebook on the torch-cpu kernel, made by JupyterLab's own command.
  await page.evaluate(() =>
    (window as any).jupyterapp.commands.execute('notebook:create-new', {
      kernelName: 'torch-cpu'
    })
  );
  await expect(page).toHaveURL(/\/user\/alice\/lab/);
  const status = page.locator('.jp-TorchDoctor-statusItem');
  await expect(status).toHaveText('torch 2.13.0+cpu · no GPU', {
    timeout: 90_000
  });
  await status.click();
  const panel = page.locator('#jp-TorchDoctor-panel');
  await expect(panel.locator('.jp-TorchDoctor-verdict')).toHaveText(
    '✓ Right build'
  );
  await expect(panel.locator('.jp-TorchDoctor-facts')).toContainText(
    '2.13.0+cpu (pip)'
  );

  // Probe all kernels: each kernelspec headless, then shut down.
  const before = await kernels(page);
  expect(before).toHaveLength(1);
  const results = (await page.evaluate(() =>
    (window as any).jupyterapp.commands.execute(
      'jupyterlab-torch-doctor:probe-all'
    )
  )) as { kernelName: string; kind: string; badge: string }[];
  expect(results).toContainEqual(
    expect.objectContaining({ kernelName: 'torch-cpu', kind: 'report' })
  );
  expect(results.every(r => r.kind === 'report')).toBe(true);
  // Only the notebook's kernel is left on the single-user server.
  await expect.poll(() => kernels(page), { timeout: 30_000 }).toEqual(before);
});
