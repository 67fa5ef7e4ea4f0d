import { expect, test } from '@jupyterlab/galata';
import * as path from 'path';

import { installAndVerify, LOCAL_INDEX, realKernels } from './utils';

/**
 * A real uv: the kernel's venv was made by uv and has no pip
 * (scripts/make-install-envs.sh, install-uv). The plan's cell is
 * `!uv pip install --python <kernel python> ...` on the local index
 * (127.0.0.1:8971, served by playwright.config), and the loop ends Verified.
 * uv reads no configuration (UV_NO_CONFIG): the cell's index is its only one.
 */
const REPO = path.resolve(__dirname, '..', '..');
const INDEX = LOCAL_INDEX;
const PYTHON = `${REPO}/build/install-envs/install-uv/bin/python`;

test.use(realKernels());
test.describe.configure({ retries: 0 });

test('a uv venv without pip: the uv cell installs from the local index and ends Verified', async ({
  page
}) => {
  await page.notebook.createNew('uv.ipynb', { kernel: 'install-uv' });
  const panel = await installAndVerify(page, {
    cell: new RegExp(
      `^!\\S*/uv pip install --python ${PYTHON.replace(/[.+]/g, '\\$&')} ` +
        `torch==2\\.13\\.0\\+cpu --index-url ${INDEX}/cpu$`
    ),
    env: 'install-uv',
    afterInsert: panel =>
      expect(panel.locator('.jp-TorchDoctor-facts')).toContainText('uv')
  });
  const install = panel.locator('.jp-TorchDoctor-install');
  await expect(install.locator('tbody tr').first()).toHaveText(
    /torch\s*—\s*2\.13\.0\+cpu\s*2\.13\.0\+cpu/
  );
  await expect(panel.locator('.jp-TorchDoctor-verdict')).toHaveText(
    '✓ Right build'
  );
  // uv's own report stays in the notebook: it installed from the cell's index.
  await expect(page.locator('.jp-OutputArea-output').last()).toContainText(
    /Installed \d+ packages?/
  );
  await expect(page.locator('.jp-OutputArea-output').last()).toContainText(
    '+ torch==2.13.0+cpu'
  );
});
