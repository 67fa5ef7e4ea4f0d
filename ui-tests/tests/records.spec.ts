import {
  expect,
  galata,
  test,
  type IJupyterLabPageFixture
} from '@jupyterlab/galata';

import { putNotebook } from './utils';

/**
 * One record per kernel, in a real browser against real kernels, a real
 * `%pip install` from the local index on 127.0.0.1:8971 (its /slow-N/
 * prefix delays each wheel by N seconds, so the test acts while pip
 * downloads) and an index on 127.0.0.1:8972 that accepts and never answers.
 */
const INDEX = 'http://127.0.0.1:8971';
const HANG = 'http://127.0.0.1:8972/whl';
const cellFor = (base: string) =>
  `%pip install torch==2.13.0+cpu --index-url ${base}/cpu`;

const settings = (extra: { [key: string]: unknown }) => ({
  ...galata.DEFAULT_SETTINGS,
  'jupyterlab-torch-doctor:plugin': { packages: ['torch'], ...extra }
});

test.use({ kernels: null, sessions: null });
// The install tests change their kernels' environments: no retry.
test.describe.configure({ mode: 'serial', retries: 0 });
// pip, a restart and a deep check: minutes on a loaded 2-core machine.
test.setTimeout(300_000);

async function openPanel(page: IJupyterLabPageFixture) {
  await page.sidebar.openTab('jp-TorchDoctor-panel');
  return page.locator('#jp-TorchDoctor-panel');
}

const isEnabled = (page: IJupyterLabPageFixture, id: string) =>
  page.evaluate(
    id => (window as any).jupyterapp.commands.isEnabled(id),
    `jupyterlab-torch-doctor:${id}`
  );

async function startInstall(
  page: IJupyterLabPageFixture,
  cell: string,
  env: string
) {
  const panel = await openPanel(page);
  const plan = panel.locator('.jp-TorchDoctor-plan').first();
  await expect(plan.locator('.jp-TorchDoctor-cell')).toHaveText(cell, {
    timeout: 60_000
  });
  await plan.getByRole('button', { name: 'Insert Install Cell' }).click();
  await panel.getByRole('button', { name: 'Run Install…' }).click();
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog).toContainText(`install-envs/${env}/bin/python`);
  await dialog.getByRole('button', { name: 'Run Install' }).click();
  const install = panel.locator('.jp-TorchDoctor-install');
  await expect(install).toHaveAttribute('data-step', 'running');
  return { panel, install };
}

test.describe('an install bound to its kernel', () => {
  test.use({ mockSettings: settings({ indexBaseUrl: `${INDEX}/slow-8` }) });

  test('finishes Verified while the user works in another notebook', async ({
    page,
    request,
    tmpPath
  }) => {
    await putNotebook(request, `${tmpPath}/b.ipynb`, 'torch-cpu');
    await putNotebook(request, `${tmpPath}/a.ipynb`, 'install-records');
    await page.notebook.open('b.ipynb');
    const panel = await openPanel(page);
    await expect(panel.locator('.jp-TorchDoctor-verdict')).toHaveText(
      '✓ Right build',
      { timeout: 60_000 }
    );
    await page.notebook.open('a.ipynb');
    const { install } = await startInstall(
      page,
      cellFor(`${INDEX}/slow-8`),
      'install-records'
    );

    // B during A's pip: B's own record, undisturbed, and not busy.
    await page.activity.activateTab('b.ipynb');
    await expect(panel.locator('.jp-TorchDoctor-kernel')).toContainText(
      'torch 2.13.0+cpu'
    );
    await expect(panel.locator('.jp-TorchDoctor-install')).toHaveCount(0);
    expect(await isEnabled(page, 'insert-install-cell')).toBe(true);
    // A's pip ends while B is shown: JupyterLab asks to restart A's kernel.
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText('Restart', { timeout: 180_000 });
    await expect(dialog).toContainText('a.ipynb');
    await dialog
      .getByRole('button', { name: 'Confirm Kernel Restart' })
      .click();
    await expect(panel.locator('.jp-TorchDoctor-install')).toHaveCount(0);
    await expect(panel.locator('.jp-TorchDoctor-verdict')).toHaveText(
      '✓ Right build'
    );

    // Back to A: verified on its own kernel; Insert is enabled again.
    await page.activity.activateTab('a.ipynb');
    await expect(install).toHaveAttribute('data-step', 'verified', {
      timeout: 120_000
    });
    await expect(panel.locator('.jp-TorchDoctor-verdict')).toHaveText(
      '✓ Right build'
    );
    expect(await isEnabled(page, 'insert-install-cell')).toBe(true);
    expect(await isEnabled(page, 'run-install')).toBe(false);
  });
});

test.describe('a restart during pip', () => {
  test.use({ mockSettings: settings({ indexBaseUrl: `${INDEX}/slow-30` }) });

  test('ends interrupted and keeps pip’s output', async ({ page }) => {
    await page.notebook.createNew('restart.ipynb', {
      kernel: 'install-restart'
    });
    const { install } = await startInstall(
      page,
      cellFor(`${INDEX}/slow-30`),
      'install-restart'
    );
    const output = page.locator('.jp-OutputArea-output').last();
    await expect(output).toContainText('Collecting torch', {
      timeout: 60_000
    });
    // The user restarts the kernel while pip waits for the wheel.
    // Not awaited: the command resolves only once its dialog is answered.
    await page.evaluate(() => {
      void (window as any).jupyterapp.commands.execute('kernelmenu:restart');
    });
    await page
      .locator('.jp-Dialog')
      .getByRole('button', { name: 'Confirm Kernel Restart' })
      .click();
    await expect(install).toHaveAttribute('data-step', 'interrupted', {
      timeout: 60_000
    });
    await expect(install).toContainText('restarted or died while pip ran');
    await expect(output).toContainText('Collecting torch');
    expect(await isEnabled(page, 'run-install')).toBe(true);
  });
});

test.describe('a restart from another tab or the REST API during pip', () => {
  test.use({ mockSettings: settings({ indexBaseUrl: `${INDEX}/slow-30` }) });

  test('ends interrupted, and the verdict is probed again', async ({
    page
  }) => {
    await page.notebook.createNew('elsewhere.ipynb', {
      kernel: 'install-restart'
    });
    const { install } = await startInstall(
      page,
      cellFor(`${INDEX}/slow-30`),
      'install-restart'
    );
    const output = page.locator('.jp-OutputArea-output').last();
    await expect(output).toContainText('Collecting torch', {
      timeout: 60_000
    });
    // The status bar says when the shown verdict was probed.
    const item = page.locator('.jp-TorchDoctor-statusItem');
    const probedAt = async () =>
      /Probed at ([^.\n]+)\./.exec(
        (await item.getAttribute('title')) ?? ''
      )?.[1];
    const before = await probedAt();
    expect(before).toBeTruthy();
    const id = await page.evaluate(
      () =>
        (window as any).jupyterapp.shell.currentWidget.sessionContext.session
          .kernel.id
    );
    // Another client restarts the kernel: this page gets no "restarting",
    // and the pip cell's reply never comes.
    const res = await page.request.post(`/api/kernels/${id}/restart`);
    expect(res.ok()).toBe(true);
    await expect(install).toHaveAttribute('data-step', 'interrupted', {
      timeout: 60_000
    });
    await expect(install).toContainText('restarted or died while pip ran');
    expect(await isEnabled(page, 'run-install')).toBe(true);
    // The verdict is the new process's: probed again after the restart.
    await expect
      .poll(
        async () => {
          const now = await probedAt();
          return now && now !== before ? 'probed again' : now;
        },
        { timeout: 60_000 }
      )
      .toBe('probed again');
  });
});

test.describe('a kernel gone from the server', () => {
  test.use({ mockSettings: settings({ indexBaseUrl: INDEX }) });

  test('shut down mid-probe: the panel says the kernel is gone', async ({
    page
  }) => {
    await page.notebook.createNew('gone.ipynb', { kernel: 'no-torch' });
    const panel = await openPanel(page);
    const state = panel.locator('.jp-TorchDoctor-state');
    await expect(state).toHaveText(/^Probed at /, { timeout: 60_000 });
    // A long request, then Probe again: the probe waits behind it.
    await page.evaluate(() => {
      const app = (window as any).jupyterapp;
      app.shell.currentWidget.sessionContext.session.kernel.requestExecute({
        code: 'import time; time.sleep(120)'
      });
      void app.commands.execute('jupyterlab-torch-doctor:probe');
    });
    await expect(state).toHaveText(
      /Probing the kernel|Waiting for the kernel/,
      {
        timeout: 30_000
      }
    );
    const id = await page.evaluate(
      () =>
        (window as any).jupyterapp.shell.currentWidget.sessionContext.session
          .kernel.id
    );
    // Culled (or shut down from another tab) while it is probed.
    const res = await page.request.delete(`/api/kernels/${id}`);
    expect(res.status()).toBe(204);
    await expect(state).toHaveText(/^The kernel is gone from the server/, {
      timeout: 60_000
    });
    await expect(panel).not.toContainText('Open a notebook');
  });
});

test.describe('settings', () => {
  test.use({ mockSettings: settings({ indexBaseUrl: INDEX }) });

  test('a new index base URL changes the cell at once, without a probe', async ({
    page
  }) => {
    await page.notebook.createNew('settings.ipynb', { kernel: 'no-torch' });
    const panel = await openPanel(page);
    const cell = panel.locator('.jp-TorchDoctor-plan .jp-TorchDoctor-cell');
    await expect(cell.first()).toHaveText(cellFor(INDEX), { timeout: 60_000 });
    const state = panel.locator('.jp-TorchDoctor-state');
    const probedAt = await state.textContent();
    // Every text the state line shows from now on.
    await page.evaluate(() => {
      const node = document.querySelector('.jp-TorchDoctor-state')!;
      const seen: string[] = ((window as any).__tdStates = []);
      new MutationObserver(() => seen.push(node.textContent ?? '')).observe(
        node,
        { childList: true, characterData: true, subtree: true }
      );
    });

    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute('settingeditor:open', {
        query: 'Torch Doctor'
      })
    );
    // The form editor titles each field with a heading, its input follows.
    const field = page
      .getByRole('heading', { name: 'Index base URL', exact: true })
      .locator('xpath=following::input[1]');
    await field.fill(`${INDEX}/slow-1`);
    await field.press('Tab');
    await page.activity.activateTab('settings.ipynb');
    await expect(cell.first()).toHaveText(cellFor(`${INDEX}/slow-1`), {
      timeout: 15_000
    });
    // Still the first probe: nothing asked the kernel again.
    await expect(state).toHaveText(probedAt!);
    const seen: string[] = await page.evaluate(
      () => (window as any).__tdStates
    );
    expect(seen.filter(t => /Probing/.test(t))).toEqual([]);
  });
});

test.describe('an index that never answers', () => {
  test.use({
    mockSettings: settings({ indexBaseUrl: HANG, indexCheckTimeout: 30 })
  });

  test('does not hold the kernel; the plan says the index did not answer', async ({
    page
  }) => {
    await page.notebook.createNew('hang.ipynb', { kernel: 'no-torch' });
    const panel = await openPanel(page);
    const plan = panel.locator('.jp-TorchDoctor-plan').first();
    // The data plan is shown as soon as the probe lands; the check starts.
    await expect(plan.locator('.jp-TorchDoctor-cell')).toHaveText(
      /^%pip install torch==\S+ --index-url http:\/\/127\.0\.0\.1:8972\/whl\/cpu$/,
      { timeout: 60_000 }
    );
    await expect(panel.locator('.jp-TorchDoctor-live')).toHaveText(
      'Checking the index for these wheels…'
    );
    await page.notebook.setCell(0, 'code', 'print(6 * 7)');
    const started = Date.now();
    await page.notebook.runCell(0);
    await expect
      .poll(() => page.notebook.getCellTextOutput(0), { timeout: 30_000 })
      .toEqual(['42\n']);
    // The check, with its 30 s deadline, runs outside the kernel.
    expect(Date.now() - started).toBeLessThan(5_000);
    // Its requests time out (or the 30 s deadline passes): the panel says
    // why, the plan says so too.
    await expect(panel.locator('.jp-TorchDoctor-live')).toHaveText(
      /^The index did not answer.* The plans come from the release data\.$/,
      { timeout: 60_000 }
    );
    await expect(plan).toContainText('could not be reached to confirm torch');
  });
});
