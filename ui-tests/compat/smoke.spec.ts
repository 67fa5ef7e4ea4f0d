import { expect, test } from '@jupyterlab/galata';

/**
 * The wheel next to one JupyterLab release (scripts/compat-check.sh): the
 * panel, the status item and one real probe on the torch-cpu kernel
 * (torch 2.13.0+cpu on this GPU-less machine), with the advice engine
 * loaded on the way (lazy.ts).
 */
test('panel, status item and one probe', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', error => errors.push(String(error)));

  await page.notebook.createNew('compat.ipynb', { kernel: 'torch-cpu' });
  const status = page.locator('.jp-TorchDoctor-statusItem');
  await expect(status).toHaveText('torch 2.13.0+cpu · no GPU', {
    timeout: 60_000
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
