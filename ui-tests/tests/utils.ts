import {
  expect,
  galata,
  type IJupyterLabPageFixture
} from '@jupyterlab/galata';
import type { APIRequestContext, Locator } from '@playwright/test';

/** The local PEP 503 index playwright.config serves (scripts/local-index.py). */
export const LOCAL_INDEX = 'http://127.0.0.1:8971';

/**
 * Options for `test.use` of the specs that install or restart: real
 * kernels and sessions (not Galata's mocks), Torch Doctor on `indexBaseUrl`
 * managing torch only.
 */
export function realKernels(indexBaseUrl: string = LOCAL_INDEX) {
  return {
    kernels: null,
    sessions: null,
    mockSettings: {
      ...galata.DEFAULT_SETTINGS,
      'jupyterlab-torch-doctor:plugin': { indexBaseUrl, packages: ['torch'] }
    }
  };
}

/** Write an empty notebook bound to a kernelspec, through the contents API. */
export async function putNotebook(
  request: APIRequestContext,
  path: string,
  kernel: string
): Promise<void> {
  const response = await request.put(`/api/contents/${path}`, {
    data: {
      type: 'notebook',
      format: 'json',
      content: {
        cells: [],
        metadata: {
          kernelspec: { name: kernel, display_name: kernel, language: 'python' }
        },
        nbformat: 4,
        nbformat_minor: 5
      }
    }
  });
  expect(response.ok()).toBe(true);
}

/** Open the Torch Doctor panel; its locator. */
export async function openPanel(
  page: IJupyterLabPageFixture
): Promise<Locator> {
  await page.sidebar.openTab('jp-TorchDoctor-panel');
  return page.locator('#jp-TorchDoctor-panel');
}

/**
 * Wait for the first plan's cell (confirmed on the index: probes and the
 * live check take a while), insert it; the panel's locator.
 */
export async function insertPlan(
  page: IJupyterLabPageFixture,
  cell: string | RegExp
): Promise<Locator> {
  const panel = await openPanel(page);
  const plan = panel.locator('.jp-TorchDoctor-plan').first();
  await expect(plan.locator('.jp-TorchDoctor-cell')).toHaveText(cell, {
    timeout: 60_000
  });
  await plan.getByRole('button', { name: 'Insert Install Cell' }).click();
  await expect(panel.locator('.jp-TorchDoctor-install')).toHaveAttribute(
    'data-step',
    'inserted'
  );
  return panel;
}

/**
 * Click "Run Install…" and confirm. The dialog must name the kernel's
 * interpreter, `install-envs/<env>/bin/python`, and show each of `shows`.
 */
export async function runConfirmed(
  page: IJupyterLabPageFixture,
  panel: Locator,
  env: string,
  shows: string[] = []
): Promise<void> {
  await panel.getByRole('button', { name: 'Run Install…' }).click();
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog).toContainText(`install-envs/${env}/bin/python`);
  for (const text of shows) {
    await expect(dialog).toContainText(text);
  }
  await dialog.getByRole('button', { name: 'Run Install' }).click();
}

/** Wait for pip to finish and the restart offer; accept it. */
export async function acceptRestart(
  page: IJupyterLabPageFixture
): Promise<void> {
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog).toContainText('Restart', { timeout: 180_000 });
  await dialog.getByRole('button', { name: 'Confirm Kernel Restart' }).click();
}

/**
 * The install loop on the active notebook's kernel, as a user clicks it:
 * wait for the plan's `cell`, insert it, check it (`afterInsert`), run it
 * after the confirmation (which names `env`'s interpreter), accept the
 * restart, and wait for Verified. The panel's locator.
 */
export async function installAndVerify(
  page: IJupyterLabPageFixture,
  o: {
    cell: string | RegExp;
    env: string;
    /** What the confirmation shows besides the interpreter. */
    shows?: string[];
    /** Checks between the insert and the run. */
    afterInsert?: (panel: Locator) => Promise<void>;
  }
): Promise<Locator> {
  const panel = await insertPlan(page, o.cell);
  await o.afterInsert?.(panel);
  await runConfirmed(page, panel, o.env, o.shows);
  await acceptRestart(page);
  await expect(panel.locator('.jp-TorchDoctor-install')).toHaveAttribute(
    'data-step',
    'verified',
    { timeout: 120_000 }
  );
  return panel;
}
