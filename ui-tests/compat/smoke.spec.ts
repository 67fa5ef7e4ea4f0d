import { expect, test } from '@jupyterlab/galata';

import { putNotebook } from '../tests/utils';

/**
 * The wheel next to one JupyterLab release (scripts/compat-check.sh): the
 * panel, the status item and one real probe on the torch-cpu kernel
 * (torch 2.13.0+cpu on this GPU-less machine), with the advice engine
 * loaded on the way (lazy.ts). Only Playwright, the contents API and
 * JupyterLab's own commands: Galata 5.6's notebook helpers ask more of an
 * older JupyterLab (createNew fails on 4.2.0).
 */
test('panel, status item and one probe', async ({ page, request, tmpPath }) => {
  const errors: string[] = [];
  page.on('pageerror', error => errors.push(String(error)));

  await putNotebook(request, `${tmpPath}/compat.ipynb`, 'torch-cpu');
  await page.evaluate(
    path => window.jupyterapp.commands.execute('docmanager:open', { path }),
    `${tmpPath}/compat.ipynb`
  );
  const status = page.locator('.jp-TorchDoctor-statusItem');
  await expect(status).toHaveText('torch 2.13.0+cpu · no GPU', {
    timeout: 90_000
  });

  await status.click();
  const panel = page.locator('#jp-TorchDoctor-panel');
  await expect(panel).toBeVisible();
  await expect(panel.locator('.jp-TorchDoctor-facts')).toContainText(
    '2.13.0+cpu (pip)'
  );
  await expect(panel.locator('.jp-TorchDoctor-verdict')).toHaveText(
    '✓ Right build'
  );
  await expect(panel.getByRole('status')).toContainText('Probed at');
  expect(errors).toEqual([]);
});
