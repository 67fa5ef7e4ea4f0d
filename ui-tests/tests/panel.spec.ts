import { expect, test } from '@jupyterlab/galata';

import { putNotebook } from './utils';

/**
 * The panel and the status item on real kernels: torch-cpu (torch
 * 2.13.0+cpu) and no-torch, on this GPU-less machine.
 */
test('the panel and status item follow the active notebook', async ({
  page,
  request,
  tmpPath
}) => {
  await putNotebook(request, `${tmpPath}/cpu.ipynb`, 'torch-cpu');
  await putNotebook(request, `${tmpPath}/bare.ipynb`, 'no-torch');
  await page.notebook.open('cpu.ipynb');
  const status = page.locator('.jp-TorchDoctor-statusItem');
  await expect(status).toHaveText('torch 2.13.0+cpu · no GPU', {
    timeout: 60_000
  });
  await page.notebook.open('bare.ipynb');
  await expect(status).toHaveText('no torch', { timeout: 60_000 });

  // A click on the status item opens the panel.
  await status.click();
  const panel = page.locator('#jp-TorchDoctor-panel');
  await expect(panel).toBeVisible();
  await expect(panel.locator('.jp-TorchDoctor-kernel')).toContainText(
    'Python (no torch)'
  );
  await expect(panel.locator('.jp-TorchDoctor-verdict')).toHaveText('No torch');

  // Back to the first notebook: both update, from the cached probe.
  await page.activity.activateTab('cpu.ipynb');
  await expect(status).toHaveText('torch 2.13.0+cpu · no GPU');
  await expect(panel.locator('.jp-TorchDoctor-kernel')).toContainText(
    'Python (torch 2.13.0+cpu)'
  );
  await expect(panel.locator('.jp-TorchDoctor-facts')).toContainText(
    '2.13.0+cpu (pip)'
  );
  await page.activity.activateTab('bare.ipynb');
  await expect(status).toHaveText('no torch');

  // Copy report: a plain-text report, announced by a notification.
  await panel.getByRole('button', { name: 'Copy report' }).click();
  await expect(
    page.locator('.jp-Notification-Toast-success').last()
  ).toContainText('Torch Doctor report copied.');
});

test('screenshots in the light and the dark theme', async ({
  page
}, testInfo) => {
  await page.notebook.createNew('themes.ipynb', { kernel: 'torch-cpu' });
  await page.sidebar.openTab('jp-TorchDoctor-panel');
  const panel = page.locator('#jp-TorchDoctor-panel');
  await expect(panel.locator('.jp-TorchDoctor-verdict')).toHaveText(
    '✓ Right build',
    { timeout: 60_000 }
  );
  const background = () =>
    panel.evaluate(node => getComputedStyle(node).backgroundColor);
  const light = await background();
  await panel.screenshot({ path: testInfo.outputPath('panel-light.png') });
  await page
    .locator('.jp-TorchDoctor-statusItem')
    .screenshot({ path: testInfo.outputPath('status-light.png') });

  await page.theme.setDarkTheme();
  await expect.poll(background).not.toBe(light);
  await panel.screenshot({ path: testInfo.outputPath('panel-dark.png') });
  await page
    .locator('.jp-TorchDoctor-statusItem')
    .screenshot({ path: testInfo.outputPath('status-dark.png') });
  await page.theme.setLightTheme();
});
