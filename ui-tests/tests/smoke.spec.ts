import { expect, test } from '@jupyterlab/galata';

test.use({ autoGoto: false });

test('activates once, without console errors, and adds its sidebar tab', async ({
  page
}) => {
  const logs: string[] = [];
  const errors: string[] = [];
  page.on('console', message => {
    logs.push(message.text());
    if (message.type() === 'error') {
      errors.push(message.text());
    }
  });
  page.on('pageerror', error => errors.push(String(error)));

  await page.goto();

  // Activated once (one tab below) and quiet: no console lines of its own.
  expect(logs.filter(s => /torch.?doctor/i.test(s))).toEqual([]);
  expect(errors).toEqual([]);

  const tab = page.locator(
    '.jp-SideBar.jp-mod-right .lm-TabBar-tab[data-id="jp-TorchDoctor-panel"]'
  );
  await expect(tab).toHaveCount(1);
  await expect(tab).toHaveAttribute('title', 'Torch Doctor');

  await tab.click();
  const panel = page.locator('#jp-TorchDoctor-panel');
  await expect(panel).toBeVisible();
  await expect(
    panel.getByRole('heading', { name: 'Torch Doctor' })
  ).toBeVisible();
  await expect(panel.getByRole('status')).toHaveText(
    'Open a notebook or console with a Python kernel to probe it.'
  );
});
