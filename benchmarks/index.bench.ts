/**
 * Index-check benchmark: the live check with both sources (the PyTorch index
 * of each plan and PyPI, the user's PIP_INDEX_URL) in one job through a real
 * ipykernel, against the local release-day index on 127.0.0.1 (real core
 * metadata of the 2.14.1/2.15.0 trio). Prints the median of 10 per situation;
 * asserts nothing about time (target ≤ 2 s).
 *
 *   npx jest -c benchmarks/jest.config.js benchmarks/index.bench.ts
 */
import { KernelManager, type Kernel } from '@jupyterlab/services';
import { JupyterServer } from '@jupyterlab/testing/lib/start_jupyter_server';

import { merge } from '../src/__tests__/canned';
import { startServer } from '../src/__tests__/realServer';
import {
  RTX4090,
  startReleaseDayIndex,
  type IReleaseDayIndex
} from '../src/__tests__/releaseDayIndex';
import { advise } from '../src/advice/engine';
import { indexQueries } from '../src/advice/live';
import { checkIndex } from '../src/probe/indexCheck';
import { probeKernel } from '../src/probe/runner';
import type { IProbeReport } from '../src/report/types';
import { median, ms } from './stats';

const RUNS = 10;
const server = new JupyterServer();
const lines: string[] = [];
let local: IReleaseDayIndex;
let kernel: Kernel.IKernelConnection;
let manager: KernelManager;
let report: IProbeReport;

beforeAll(async () => {
  local = await startReleaseDayIndex();
  await startServer(server, { 'bench-no-torch': { env: 'no-torch' } });
  manager = new KernelManager();
  await manager.ready;
  kernel = await manager.startNew({ name: 'bench-no-torch' });
  await kernel.info;
  await kernel.requestExecute({
    code: `import os; os.environ['PIP_INDEX_URL'] = '${local.base}/pypi/simple'`,
    silent: true
  }).done;
  const probe = await probeKernel(kernel, { timeoutMs: 60_000 });
  report = (probe as { report: IProbeReport }).report;
});

afterAll(async () => {
  await kernel?.shutdown();
  manager?.dispose();
  await server.shutdown();
  local?.close();
  process.stdout.write('\n' + lines.join('\n') + '\n');
});

it.each([
  ['GPU-less kernel (cpu plan)', {}],
  [
    'RTX 4090, driver 580 (cu132 plan)',
    {
      deep: null,
      nvidia: RTX4090
    }
  ]
])('index job with both sources: %s', async (name, patch) => {
  const r = merge(report, patch);
  const queries = indexQueries(
    advise(r, { indexBaseUrl: `${local.base}/whl` })
  );
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const out = await checkIndex(kernel, queries, { deadlineS: 20 });
    times.push(performance.now() - t0);
    expect(out.kind).toBe('ok');
  }
  const sources = new Set(queries.map(q => q.index)).size;
  lines.push(
    `${name}: ${queries.length} queries on ${sources} indexes, median of ${RUNS} ${ms(median(times))} (min ${ms(Math.min(...times))}, max ${ms(Math.max(...times))})`
  );
});
