import { expect, galata, test } from '@jupyterlab/galata';
import * as path from 'path';

/**
 * The `auto` installer (#21) in a venv made by pip: the kernel sees no pip
 * setting that uv would not read (scripts/make-install-envs.sh,
 * install-auto) and uv is on its PATH, so the plan's cell is
 * `!uv pip install --python <kernel python> ...`. The local index streams
 * each wheel at 20 MB/s (its /rate-20/ path), so the panel's progress bar
 * moves while uv downloads; the loop ends Verified. uv sees JupyterLab's
 * JPY_SESSION_NAME and draws one bar of packages: the panel counts them.
 */
const REPO = path.resolve(__dirname, '..', '..');
const INDEX = 'http://127.0.0.1:8971/rate-20';
const PYTHON = `${REPO}/build/install-envs/install-auto/bin/python`;

test.use({
  kernels: null,
  sessions: null,
  mockSettings: {
    ...galata.DEFAULT_SETTINGS,
    'jupyterlab-torch-doctor:plugin': {
      indexBaseUrl: INDEX,
      packages: ['torch']
    }
  }
});
test.describe.configure({ retries: 0 });

test('auto: uv in a pip-made venv, a moving progress bar, Verified', async ({
  page
}) => {
  await page.notebook.createNew('auto.ipynb', { kernel: 'install-auto' });
  await page.sidebar.openTab('jp-TorchDoctor-panel');
  const panel = page.locator('#jp-TorchDoctor-panel');
  const plan = panel.locator('.jp-TorchDoctor-plan').first();
  await expect(plan.locator('.jp-TorchDoctor-cell')).toHaveText(
    new RegExp(
      `^!\\S*/uv pip install --python ${PYTHON.replace(/[.+]/g, '\\$&')} ` +
        `torch==2\\.13\\.0\\+cpu --index-url ${INDEX}/cpu$`
    ),
    { timeout: 60_000 }
  );
  // The plan names the installer and why.
  await expect(plan.locator('.jp-TorchDoctor-planInstaller')).toHaveText(
    /^uv: faster than pip/
  );
  await plan.getByRole('button', { name: 'Insert Install Cell' }).click();
  await panel.getByRole('button', { name: 'Run Install…' }).click();
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog).toContainText('install-envs/install-auto/bin/python');

  // Every value and label the bar shows, as the panel redraws it.
  await page.evaluate(() => {
    const seen: { values: string[]; labels: string[] } = {
      values: [],
      labels: []
    };
    (window as any).__tdProgress = seen;
    setInterval(() => {
      const bar = document.querySelector(
        '#jp-TorchDoctor-panel [role="progressbar"]'
      );
      const v = bar?.getAttribute('aria-valuenow');
      if (v && seen.values[seen.values.length - 1] !== v) {
        seen.values.push(v);
      }
      const label = document.querySelector(
        '#jp-TorchDoctor-panel .jp-TorchDoctor-progressLabel'
      )?.textContent;
      if (label && !seen.labels.includes(label)) {
        seen.labels.push(label);
      }
    }, 100);
  });
  await dialog.getByRole('button', { name: 'Run Install' }).click();
  const bar = panel.locator('[role="progressbar"]');
  await expect(bar).toBeVisible({ timeout: 60_000 });

  await expect(dialog).toContainText('Restart', { timeout: 180_000 });
  const seen = await page.evaluate(() => (window as any).__tdProgress);
  await dialog.getByRole('button', { name: 'Confirm Kernel Restart' }).click();
  const install = panel.locator('.jp-TorchDoctor-install');
  await expect(install).toHaveAttribute('data-step', 'verified', {
    timeout: 120_000
  });
  await expect(install.locator('tbody tr').first()).toHaveText(
    /torch\s*—\s*2\.13\.0\+cpu\s*2\.13\.0\+cpu/
  );

  // The bar moved: values between 0 and 100 (uv counts 9 packages, torch
  // last), never back.
  const values = (seen.values as string[]).map(Number);
  console.log('progress values:', values.join(' '));
  console.log('progress labels:', (seen.labels as string[]).join(' | '));
  // How many steps the 100 ms samples catch depends on the machine's speed
  // (uv's bar counts packages, and the small ones come at once): at least
  // one value between the ends, then 100, never back.
  expect(values.filter(v => v > 0 && v < 100).length).toBeGreaterThanOrEqual(1);
  expect(values[values.length - 1]).toBe(100);
  values
    .slice(1)
    .forEach((v, i) => expect(v).toBeGreaterThanOrEqual(values[i]));
  expect(seen.labels).toContainEqual(
    expect.stringMatching(/^Downloading and preparing packages: \d of 9$/)
  );
  // uv's own report stays in the notebook.
  await expect(page.locator('.jp-OutputArea-output').last()).toContainText(
    '+ torch==2.13.0+cpu'
  );
});
