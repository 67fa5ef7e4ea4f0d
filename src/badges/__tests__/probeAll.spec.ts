/**
 * "Probe all kernels" against a real server: real kernels started headless,
 * a kernelspec that dies at start and one that never answers. No kernel may
 * be left running.
 */
import { KernelManager } from '@jupyterlab/services';
import { JupyterServer } from '@jupyterlab/testing/lib/start_jupyter_server';

import { DEFAULT_SETTINGS } from '../../settings';
import { envPython, startServer } from '../../__tests__/realServer';
import { badgeOf } from '../badge';
import { probeAll } from '../probeAll';

jest.setTimeout(180_000);

const server = new JupyterServer();
let kernels: KernelManager;

beforeAll(async () => {
  const python = envPython('no-torch');
  await startServer(server, {
    'pa-torch-cpu': { env: 'torch-cpu', displayName: 'torch cpu' },
    'pa-no-torch': { env: 'no-torch', displayName: 'no torch' },
    'pa-dies': {
      argv: [python, '-c', 'import sys; sys.exit(3)'],
      displayName: 'dies at start'
    },
    'pa-hangs': {
      argv: [python, '-c', 'import time; time.sleep(600)'],
      displayName: 'never answers'
    }
  });
  kernels = new KernelManager();
  await kernels.ready;
}, 120_000);

afterAll(async () => {
  await kernels.shutdownAll();
  kernels.dispose();
  await server.shutdown();
});

it('probes each kernelspec 2 at a time, gives every failure a badge, and leaves no kernel running', async () => {
  const names = ['pa-torch-cpu', 'pa-dies', 'pa-no-torch', 'pa-hangs'];
  const progress: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const startNew = kernels.startNew.bind(kernels);
  // Count kernels alive at once through the manager the function uses.
  const counting = Object.create(kernels) as KernelManager;
  counting.startNew = async (...args) => {
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    const kernel = await startNew(...args);
    kernel.disposed.connect(() => inFlight--);
    return kernel;
  };
  const records = await probeAll(counting, names, {
    settings: DEFAULT_SETTINGS,
    perKernelMs: 30_000,
    onProgress: (done, total, r) =>
      progress.push(`${done}/${total} ${r.kernelName}`)
  });
  expect(records.map(r => r.kernelName)).toEqual(names);
  expect(progress).toHaveLength(4);
  expect(maxInFlight).toBeLessThanOrEqual(2);

  const badges = Object.fromEntries(
    records.map(r => [r.kernelName, badgeOf(r)])
  );
  expect(badges['pa-torch-cpu']).toMatchObject({
    fit: 'ok',
    text: '✓ 2.13.0+cpu'
  });
  expect(badges['pa-no-torch']).toMatchObject({ fit: 'no-torch' });
  // The server restarts a dying kernel a few times before it calls it dead,
  // so this ends as "died at start" or as a timeout: a failure either way.
  expect(badges['pa-dies'].fit).toBe('failed');
  expect(badges['pa-hangs']).toMatchObject({
    fit: 'failed',
    text: '✗ timed out'
  });

  // Nothing left running, as the server sees it.
  await kernels.refreshRunning();
  expect(Array.from(kernels.running())).toEqual([]);
});
