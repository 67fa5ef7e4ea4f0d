import { expect, test } from '@jupyterlab/galata';

/**
 * The real probe, end to end: a notebook on the torch-cpu kernel
 * (torch 2.13.0+cpu, no GPU on this machine).
 */
test('probes the notebook kernel silently and shows the real build', async ({
  page
}) => {
  await page.notebook.createNew('probe.ipynb', { kernel: 'torch-cpu' });
  await page.notebook.setCell(0, 'code', 'x = 1');
  await page.notebook.runCell(0);
  const cells = await page.notebook.getCellCount();

  await page.sidebar.openTab('jp-TorchDoctor-panel');
  const panel = page.locator('#jp-TorchDoctor-panel');
  const facts = panel.locator('.jp-TorchDoctor-facts');
  await expect(facts).toContainText('2.13.0+cpu (pip)', { timeout: 60_000 });
  await expect(facts).toContainText('NVIDIA driver');
  await expect(facts).toContainText('none found');
  await expect(panel.getByRole('status')).toContainText('Probed at');
  // torch 2.13.0+cpu on a machine without GPU: the right build.
  await expect(panel.locator('.jp-TorchDoctor-verdict')).toHaveText(
    '✓ Right build'
  );
  await expect(panel.locator('.jp-TorchDoctor-summary')).toContainText(
    'right build'
  );

  // The deep check runs from the panel's toolbar, in a subprocess.
  await panel.getByRole('button', { name: 'Deep check' }).click();
  await expect(facts).toContainText('torch imports · cpu ✓', {
    timeout: 90_000
  });

  // The probes left no trace in the notebook: same cells, execution count 1.
  expect(await page.notebook.getCellCount()).toBe(cells);
  await expect(page.locator('.jp-InputPrompt').first()).toHaveText('[1]:');
});
