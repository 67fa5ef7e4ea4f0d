import { expect, test } from '@jupyterlab/galata';

// Probe all starts real kernels through the services; no Galata mocks.
test.use({ kernels: null, sessions: null });

/**
 * Launcher badges after "Probe all kernels": torch-cpu (torch 2.13.0+cpu)
 * and no-torch are kernelspecs made by scripts/ui-test.sh.
 */
test('probe all kernels badges the launcher cards', async ({
  page,
  request
}, testInfo) => {
  const card = (name: string) =>
    page.locator(
      `.jp-LauncherCard[data-category="Notebook"][title="${name}"] .jp-TorchDoctor-badge`
    );
  await expect(card('Python (torch 2.13.0+cpu)')).toHaveText('?');
  await expect(card('Python (torch 2.13.0+cpu)')).toHaveAttribute(
    'title',
    /Not probed yet/
  );

  await page.sidebar.openTab('jp-TorchDoctor-panel');
  await page
    .locator('#jp-TorchDoctor-panel')
    .getByRole('button', { name: 'Probe all kernels' })
    .click();
  await expect(card('Python (torch 2.13.0+cpu)')).toHaveText('✓ 2.13.0+cpu', {
    timeout: 120_000
  });
  await expect(card('Python (no torch)')).toHaveText('no torch', {
    timeout: 120_000
  });
  await expect(card('Python (torch 2.13.0+cpu)')).toHaveAttribute(
    'title',
    /right build.*Probed/
  );
  // Console cards get the same badge; the card's label stays visible.
  await expect(
    page.locator(
      '.jp-LauncherCard[data-category="Console"][title="Python (no torch)"] .jp-TorchDoctor-badge'
    )
  ).toHaveText('no torch');
  await expect(
    page
      .locator(
        '.jp-LauncherCard[data-category="Notebook"][title="Python (no torch)"] .jp-LauncherCard-label'
      )
      .first()
  ).toBeVisible();
  // The progress notification ends with the count.
  await expect(page.getByText(/^Probed \d+ kernels/).first()).toBeVisible({
    timeout: 120_000
  });

  await page
    .locator('.jp-Launcher')
    .first()
    .screenshot({ path: testInfo.outputPath('launcher-badges.png') });

  // Probe all shut down every kernel it started.
  // A kernel that started late is shut down as well, shortly after.
  await expect
    .poll(async () => (await request.get('/api/kernels')).json(), {
      timeout: 30_000
    })
    .toEqual([]);
});
