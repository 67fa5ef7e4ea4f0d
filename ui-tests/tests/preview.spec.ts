import { expect, test } from '@jupyterlab/galata';

import { LOCAL_INDEX, realKernels } from './utils';

/**
 * The plan preview in the confirm dialog: pip's real dry run, in a job of
 * the kernel's interpreter, against the local index on 127.0.0.1. The kernel
 * (scripts/make-install-envs.sh install-preview) holds a fixture package that
 * pins torch==2.14.1, so the preview must name the pin the plan breaks.
 * Nothing is installed: the dialog is cancelled.
 */
const INDEX = LOCAL_INDEX;
const CELL = `%pip install torch==2.13.0+cpu --index-url ${INDEX}/cpu`;

test.use(realKernels());

test('the confirm dialog shows what the install would change and which pin it breaks', async ({
  page
}) => {
  await page.notebook.createNew('preview.ipynb', { kernel: 'install-preview' });
  await page.sidebar.openTab('jp-TorchDoctor-panel');
  const panel = page.locator('#jp-TorchDoctor-panel');
  const plan = panel.locator('.jp-TorchDoctor-plan').first();
  await expect(plan.locator('.jp-TorchDoctor-cell')).toHaveText(CELL, {
    timeout: 60_000
  });
  await plan.getByRole('button', { name: 'Insert Install Cell' }).click();
  await panel.getByRole('button', { name: 'Run Install…' }).click();
  const dialog = page.locator('.jp-Dialog');
  const preview = dialog.locator('.jp-TorchDoctor-preview');
  await expect(preview).toBeVisible();
  await expect(preview).toHaveAttribute('data-state', 'ok', {
    timeout: 60_000
  });
  await expect(
    preview.locator('li[data-kind="install"]').first()
  ).toBeVisible();
  await expect(preview).toContainText('torch 2.13.0+cpu (new)');
  await expect(preview.locator('.jp-TorchDoctor-previewBreak')).toHaveText(
    'torch-companion 1.0 needs torch==2.14.1; this plan installs 2.13.0+cpu.'
  );
  const text = await preview
    .locator('.jp-TorchDoctor-previewText')
    .first()
    .textContent();
  console.log(`preview in the dialog: ${text}`);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(panel.locator('.jp-TorchDoctor-install')).toContainText(
    'nothing ran'
  );
});

test('the CUDA libraries section shows the clash and inserts its fix cell without running it', async ({
  page
}) => {
  await page.notebook.createNew('cuda.ipynb', { kernel: 'install-preview' });
  await page.notebook.setCell(0, 'code', 'x = 1');
  await page.sidebar.openTab('jp-TorchDoctor-panel');
  const panel = page.locator('#jp-TorchDoctor-panel');
  const section = panel.locator('details.jp-TorchDoctor-cudaLibs');
  await expect(section).toHaveAttribute('data-severity', 'warning', {
    timeout: 60_000
  });
  await expect(section).toHaveAttribute('open', '');
  await expect(section.locator('> summary')).toHaveText(
    'CUDA libraries: 2 problems'
  );
  const first = section.locator('.jp-TorchDoctor-finding').first();
  await expect(first.locator('summary')).toContainText(
    'Libraries for CUDA 12 and 13 are installed side by side'
  );
  await first.locator('summary').click();
  await expect(first.locator('.jp-TorchDoctor-cell')).toHaveText(
    '%pip uninstall -y nvidia-cudnn-cu12'
  );
  await first.getByRole('button', { name: 'Insert Fix Cell' }).click();
  await expect.poll(() => page.notebook.getCellCount()).toBe(2);
  expect(await page.notebook.getCellTextInput(0)).toBe('x = 1');
  expect(await page.notebook.getCellTextInput(1)).toBe(
    '%pip uninstall -y nvidia-cudnn-cu12'
  );
  // Inserted, not run.
  await expect(page.locator('.jp-InputPrompt').nth(1)).toHaveText('[ ]:');
});
