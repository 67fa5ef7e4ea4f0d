import { expect, test } from '@jupyterlab/galata';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { installAndVerify, LOCAL_INDEX, realKernels } from './utils';

/**
 * Keep the verified build: verify → Protect → the user's own `%pip install`
 * of another torch is refused by a real pip → the panel explains it →
 * Unprotect → the same install succeeds. The kernel install-protect is made
 * afresh by scripts/make-install-envs.sh; its pip reads its environment's
 * config. "Another version" is the tiny fixture wheel torch 2.12.0+cpu that
 * scripts/local-index.py adds to the local index.
 */
const INDEX = LOCAL_INDEX;
const CPU_CELL = `%pip install torch==2.13.0+cpu --index-url ${INDEX}/cpu`;
const OTHER = `%pip install torch==2.12.0+cpu --index-url ${INDEX}/cpu`;

test.use(realKernels());
test.describe.configure({ mode: 'serial', retries: 0 });

/** pip's user and system config files: Protect must leave them as they were. */
function outsideFiles(): { [file: string]: string | null } {
  const home = os.homedir();
  const files = [
    path.join(home, '.config', 'pip', 'pip.conf'),
    path.join(home, '.pip', 'pip.conf'),
    '/etc/pip.conf',
    '/etc/xdg/pip/pip.conf'
  ];
  return Object.fromEntries(
    files.map(f => [
      f,
      fs.existsSync(f)
        ? crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex')
        : null
    ])
  );
}

test('protect a verified build; pip refuses another torch, explained; unprotect lets it in', async ({
  page
}) => {
  const before = outsideFiles();
  await page.notebook.createNew('protect.ipynb', { kernel: 'install-protect' });
  // Verify: the install loop as in install.spec.ts.
  const panel = await installAndVerify(page, {
    cell: CPU_CELL,
    env: 'install-protect'
  });
  const dialog = page.locator('.jp-Dialog');

  // Protect: a visible cell, run after the confirmation.
  const protect = panel.locator('.jp-TorchDoctor-protect');
  await protect.getByRole('button', { name: 'Protect This Build…' }).click();
  await expect(dialog).toContainText('install-protect/pip.conf');
  await expect(dialog).toContainText('torch-doctor-constraints.txt');
  await dialog.getByRole('button', { name: 'Protect', exact: true }).click();
  await expect(protect).toHaveAttribute('data-protected', 'true', {
    timeout: 60_000
  });
  await expect(protect).toContainText('keeps torch==2.13.0+cpu');
  await expect(page.locator('.jp-TorchDoctor-statusItem')).toContainText(
    'protected'
  );
  const cells = await page.notebook.getCellCount();
  expect(await page.notebook.getCellTextInput(cells - 1)).toContain(
    '_torch_doctor_protection("protect", ["torch==2.13.0+cpu"])'
  );
  // A setting of the user's own under the [install] header Protect made:
  // Unprotect must leave it, and its header (pip fails on a headerless file).
  const conf = path.resolve(
    __dirname,
    '..',
    '..',
    'build',
    'install-envs',
    'install-protect',
    'pip.conf'
  );
  expect(fs.readFileSync(conf, 'utf-8')).toMatch(/^\[install\]\nconstraint = /);
  fs.appendFileSync(conf, 'timeout = 60\n');

  // The user's own install of another torch: pip refuses it.
  await page.notebook.addCell('code', OTHER);
  const pipCell = (await page.notebook.getCellCount()) - 1;
  await page.notebook.runCell(pipCell);
  await expect(
    page.locator('.jp-Cell').nth(pipCell).locator('.jp-OutputArea')
  ).toContainText(
    // pip joins every constraint on torch (this machine's own caps too).
    /The user requested \(constraint\) torch\S*==2\.13\.0\+cpu/,
    { timeout: 60_000 }
  );
  const status = protect.locator('.jp-TorchDoctor-protectStatus');
  await expect(status).toHaveAttribute('data-action', 'refused');
  await expect(protect).toContainText(
    /The cell asked for torch==2\.12\.0\+cpu; the protection allows torch\S*==2\.13\.0\+cpu\./
  );
  await expect(protect).toContainText('or unprotect first');

  // Unprotect, the same way; then the same install goes through.
  await protect.getByRole('button', { name: 'Unprotect…' }).click();
  await dialog.getByRole('button', { name: 'Unprotect', exact: true }).click();
  await expect(status).toHaveAttribute('data-step', 'done', {
    timeout: 60_000
  });
  await expect(status).toHaveAttribute('data-action', 'unprotect');
  await expect(protect).toHaveAttribute('data-protected', 'false');
  expect(fs.readFileSync(conf, 'utf-8')).toBe('[install]\ntimeout = 60\n');
  await page.notebook.runCell(pipCell);
  await expect(
    page.locator('.jp-Cell').nth(pipCell).locator('.jp-OutputArea')
  ).toContainText('Successfully installed torch-2.12.0+cpu', {
    timeout: 60_000
  });

  // Nothing outside the environment changed.
  expect(outsideFiles()).toEqual(before);
});
