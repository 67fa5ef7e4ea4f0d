import { expect, test } from '@jupyterlab/galata';

import {
  acceptRestart,
  insertPlan,
  installAndVerify,
  LOCAL_INDEX,
  realKernels,
  runConfirmed
} from './utils';

/**
 * The install loop end to end: a real `%pip install` from a local PEP 503
 * index on 127.0.0.1 (scripts/local-index.py, started by playwright.config),
 * a real restart and a real deep check. The kernels are made afresh by
 * scripts/make-install-envs.sh and read no pip configuration.
 */
const INDEX = LOCAL_INDEX;
const CPU_CELL = `%pip install torch==2.13.0+cpu --index-url ${INDEX}/cpu`;

// Restarts need real kernels and sessions, not Galata's mocks.
test.use(realKernels());
// The tests change their kernels' environments: a retry would not start
// from the same state, so none.
test.describe.configure({ mode: 'serial', retries: 0 });

test('fresh install: insert, run, restart, verified', async ({ page }) => {
  await page.notebook.createNew('fresh.ipynb', { kernel: 'install-fresh' });
  await page.notebook.setCell(0, 'code', 'x = 1');
  const panel = await installAndVerify(page, {
    cell: CPU_CELL,
    env: 'install-fresh',
    shows: ['Free disk'],
    afterInsert: async panel => {
      await expect(panel.locator('.jp-TorchDoctor-verdict')).toHaveText(
        'No torch'
      );
      // The cell is below the active one, exactly the plan's text; nothing ran.
      expect(await page.notebook.getCellCount()).toBe(2);
      expect(await page.notebook.getCellTextInput(0)).toBe('x = 1');
      expect(await page.notebook.getCellTextInput(1)).toBe(CPU_CELL);
      await expect(page.locator('.jp-InputPrompt').nth(1)).toHaveText('[ ]:');
    }
  });
  const install = panel.locator('.jp-TorchDoctor-install');
  await expect(install).toContainText('Verified');
  // benchmarks/install.sh reads this line.
  console.log(
    'install timings:',
    await install.locator('.jp-TorchDoctor-installTimings').textContent()
  );
  await expect(install.locator('tbody tr').first()).toHaveText(
    /torch\s*—\s*2\.13\.0\+cpu\s*2\.13\.0\+cpu/
  );
  await expect(panel.locator('.jp-TorchDoctor-verdict')).toHaveText(
    '✓ Right build'
  );
  // pip's output stays in the notebook as the record.
  await expect(page.locator('.jp-OutputArea-output').last()).toContainText(
    'Successfully installed'
  );
});

test('switch builds: the CUDA build becomes +cpu by an exact pin', async ({
  page
}) => {
  await page.notebook.createNew('switch.ipynb', { kernel: 'install-switch' });
  const panel = await installAndVerify(page, {
    cell: CPU_CELL,
    env: 'install-switch',
    shows: ['Free disk'],
    afterInsert: panel =>
      expect(panel.locator('.jp-TorchDoctor-verdict')).toHaveText(
        '⚠ Works, could be better'
      )
  });
  const install = panel.locator('.jp-TorchDoctor-install');
  await expect(install.locator('tbody tr').first()).toHaveText(
    /torch\s*2\.14\.1\+cu130\s*2\.13\.0\+cpu\s*2\.13\.0\+cpu/
  );
  // No "Requirement already satisfied" trap: pip replaced the build.
  await expect(page.locator('.jp-OutputArea-output').last()).toContainText(
    'Successfully uninstalled torch-2.14.1'
  );
});

test.describe('failure and cancel', () => {
  test.use(realKernels('http://127.0.0.1:9'));

  test('an unreachable index fails clearly; nothing restarts; output stays', async ({
    page
  }) => {
    await page.notebook.createNew('fail.ipynb', { kernel: 'install-fail' });
    await page.notebook.setCell(0, 'code', 'x = 41');
    await page.notebook.runCell(0);
    // The index is unreachable, so the plan is the offline snapshot's newest
    // CPU torch for this Python (2.15.0 as PyPI serves it).
    const cell =
      '%pip install torch==2.15.0+cpu --index-url http://127.0.0.1:9/cpu';
    const panel = await insertPlan(page, cell);

    // Cancel at the confirmation: nothing runs.
    await panel.getByRole('button', { name: 'Run Install…' }).click();
    await page
      .locator('.jp-Dialog')
      .getByRole('button', { name: 'Cancel' })
      .click();
    const install = panel.locator('.jp-TorchDoctor-install');
    await expect(install).toHaveAttribute('data-step', 'cancelled');
    await expect(page.locator('.jp-InputPrompt').nth(1)).toHaveText('[ ]:');

    await runConfirmed(page, panel, 'install-fail', ['Free disk']);
    await expect(install).toHaveAttribute('data-step', 'failed', {
      timeout: 120_000
    });
    await expect(install).toContainText('the kernel was not restarted');
    await expect(install).toContainText('could not be reached');
    await expect(page.locator('.jp-OutputArea-output').last()).toContainText(
      'Connection refused'
    );
    // The kernel kept its variables: it was not restarted.
    await page.notebook.addCell('code', 'print(x + 1)');
    const last = (await page.notebook.getCellCount()) - 1;
    expect(await page.notebook.getCellTextInput(last)).toBe('print(x + 1)');
    await page.notebook.runCell(last);
    await expect
      .poll(() => page.notebook.getCellTextOutput(last))
      .toEqual(['42\n']);
  });
});

test('a declined restart leaves verification pending, then verifies', async ({
  page
}) => {
  await page.notebook.createNew('pending.ipynb', { kernel: 'install-fail' });
  const panel = await insertPlan(page, CPU_CELL);
  await runConfirmed(page, panel, 'install-fail', ['Free disk']);
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog).toContainText('Restart', { timeout: 180_000 });
  await dialog.getByRole('button', { name: 'Cancel Kernel Restart' }).click();
  const install = panel.locator('.jp-TorchDoctor-install');
  await expect(install).toHaveAttribute('data-step', 'restart-pending');
  await expect(install).toContainText('Verification is pending a restart');

  await panel.getByRole('button', { name: 'Restart and Verify…' }).click();
  await acceptRestart(page);
  await expect(install).toHaveAttribute('data-step', 'verified', {
    timeout: 120_000
  });
});

test('in a console, the code is sent on run, then verified', async ({
  page
}) => {
  await page.evaluate(() =>
    (window as any).jupyterapp.commands.execute('console:create', {
      kernelPreference: { name: 'install-console' }
    })
  );
  await page.locator('.jp-CodeConsole').waitFor();
  const panel = await insertPlan(page, CPU_CELL);
  const install = panel.locator('.jp-TorchDoctor-install');
  await expect(install).toContainText('send the code to the console');
  // Nothing was sent yet.
  await expect(
    page.locator('.jp-CodeConsole .jp-OutputArea-output')
  ).toHaveCount(0);
  await runConfirmed(page, panel, 'install-console', ['Free disk']);
  await expect(page.locator('.jp-Dialog')).toContainText('Restart', {
    timeout: 180_000
  });
  // Before the restart (which clears a console), it holds the code that
  // ran and pip's output.
  const console_ = page.locator('.jp-CodeConsole');
  await expect(console_).toContainText('%pip install torch==2.13.0+cpu');
  await expect(console_).toContainText('Successfully installed');
  await acceptRestart(page);
  await expect(install).toHaveAttribute('data-step', 'verified', {
    timeout: 120_000
  });
});
