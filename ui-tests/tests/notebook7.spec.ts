import { expect, test } from '@jupyterlab/galata';

import { putNotebook } from './utils';

test.use({ autoGoto: false });

/**
 * Jupyter Notebook 7 (7.6.3) loads the same labextension: the panel works
 * on its notebook page, which has no status bar.
 */
test('works in Jupyter Notebook 7', async ({
  page,
  request,
  tmpPath,
  baseURL
}) => {
  const path = `${tmpPath}/nb7.ipynb`;
  await putNotebook(request, path, 'torch-cpu');
  // A plain page: Galata's page helpers expect JupyterLab's URLs.
  const nb7 = await page.context().newPage();
  const errors: string[] = [];
  nb7.on('pageerror', error => errors.push(`${error}\n${error.stack}`));
  await nb7.goto(`${baseURL}/notebooks/${path}`);
  await nb7.waitForSelector('.jp-NotebookPanel');
  await nb7.waitForFunction(() =>
    (window as any).jupyterapp?.commands.hasCommand(
      'jupyterlab-torch-doctor:open-panel'
    )
  );
  await nb7.evaluate(() =>
    (window as any).jupyterapp.commands.execute(
      'jupyterlab-torch-doctor:open-panel'
    )
  );
  const panel = nb7.locator('#jp-TorchDoctor-panel');
  await expect(panel.locator('.jp-TorchDoctor-facts')).toContainText(
    '2.13.0+cpu (pip)',
    { timeout: 60_000 }
  );
  await expect(panel.locator('.jp-TorchDoctor-verdict')).toHaveText(
    '✓ Right build'
  );
  // Notebook 7's notebook page has no status bar: no item, no error.
  await expect(nb7.locator('.jp-TorchDoctor-statusItem')).toHaveCount(0);
  // Notebook 7.6.3 itself throws "reading 'schema'" from its shortcuts
  // plugin on this page, with this extension disabled too (checked by hand);
  // errors raised from this extension's code are what must not happen.
  expect(errors.filter(e => e.includes('jupyterlab-torch-doctor'))).toEqual([]);
  await nb7.close();
});
