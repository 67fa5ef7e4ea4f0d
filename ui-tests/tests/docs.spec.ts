import { expect, galata, test } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';

/**
 * The README's picture: the panel and the status item on a wrong-build
 * kernel (torch 2.14.1+cu130, the CUDA 13 build, on this machine without an
 * NVIDIA GPU). UPDATE_DOCS=1 writes it to docs/screenshot.png; otherwise it
 * goes to the test's output folder only.
 */
test.skip(
  !fs.existsSync(
    path.resolve(__dirname, '../../build/test-envs/torch-cu130/bin/python')
  ),
  'no torch-cu130 test environment (SKIP_CUDA_ENV=1)'
);

// The picture shows the public index's cell; the live check stays off so
// the kernel never asks that index (tests talk to this machine only).
test.use({
  mockSettings: {
    ...galata.DEFAULT_SETTINGS,
    'jupyterlab-torch-doctor:plugin': { liveIndexCheck: false }
  }
});

test('the README screenshot: panel and status item on a wrong-build kernel', async ({
  page
}, testInfo) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.notebook.createNew('train.ipynb', { kernel: 'torch-cu130' });
  await page.notebook.setCell(
    0,
    'code',
    'import torch\nmodel = torch.nn.Linear(8, 2).to("cuda")'
  );
  await page.sidebar.openTab('jp-TorchDoctor-panel');
  const panel = page.locator('#jp-TorchDoctor-panel');
  await expect(panel.locator('.jp-TorchDoctor-verdict')).toHaveText(
    '⚠ Works, could be better',
    { timeout: 60_000 }
  );
  const status = page.locator('.jp-TorchDoctor-statusItem');
  await expect(status).toContainText('torch 2.14.1+cu130');
  await expect(panel.locator('.jp-TorchDoctor-plan').first()).toBeVisible({
    timeout: 60_000
  });
  // The file browser closed: the notebook, the panel and the status bar.
  await page.sidebar.close('left');
  const out = process.env.UPDATE_DOCS
    ? path.resolve(__dirname, '../../docs/screenshot.png')
    : testInfo.outputPath('screenshot.png');
  await page.screenshot({ path: out });
  expect(fs.statSync(out).size).toBeGreaterThan(10_000);
});
