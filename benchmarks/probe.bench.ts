/**
 * Probe benchmark: quick probe and deep check through the real services API
 * against real ipykernels, compared with `python -c "import torch; torch.cuda.is_available()"`.
 *
 *   npm run bench:probe        (after scripts/make-test-envs.sh)
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';

import { KernelManager, type Kernel } from '@jupyterlab/services';
import { JupyterServer } from '@jupyterlab/testing/lib/start_jupyter_server';

import { envPython, startServer } from '../src/__tests__/realServer';
import { buildRequest, packedSource } from '../src/probe/code';
import { probeKernel } from '../src/probe/runner';
import { median, ms, timeIt } from './stats';

const QUICK_RUNS = 20;
const DEEP_RUNS = 5;

const envs = ['torch-cpu', 'torch-cu130'].filter(e =>
  fs.existsSync(envPython(e))
);
const server = new JupyterServer();
const lines: string[] = [];

beforeAll(async () => {
  const kernels: { [name: string]: { env: string } } = {};
  envs.forEach(env => (kernels[env] = { env }));
  await startServer(server, kernels);
});

afterAll(async () => {
  await server.shutdown();
  process.stdout.write('\n' + lines.join('\n') + '\n');
});

function baseline(python: string, runs: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = spawnSync(python, [
      '-c',
      'import torch; torch.cuda.is_available()'
    ]);
    out.push(performance.now() - t);
    if (r.status !== 0) {
      throw new Error(String(r.stderr));
    }
  }
  return out;
}

async function bareRoundTrip(kernel: Kernel.IKernelConnection): Promise<void> {
  await kernel.requestExecute({
    code: 'pass',
    silent: true,
    store_history: false
  }).done;
}

/** The bytes of each request the front end sends (code of the execute request). */
function requestSizes(): string[] {
  const bytes = (code: string) => Buffer.byteLength(code, 'utf-8');
  const queries = ['torch', 'torchvision', 'torchaudio'].map(project => ({
    index: 'https://download.pytorch.org/whl/cpu',
    project
  }));
  const start = (kind: 'index' | 'nvidia' | 'deep', args: object) =>
    bytes(
      buildRequest('job', {
        op: 'start',
        kind,
        child: packedSource(`${kind}-job`),
        args,
        deadline_s: 10
      })
    );
  return [
    `request bytes: quick probe ${bytes(buildRequest('quick', {}))}` +
      ` · job poll ${bytes(buildRequest('job', { op: 'poll', id: 'torch-doctor-job-abcd1234' }))}` +
      ` · index job start (3 queries) ${start('index', { queries, timeout: 3 })}` +
      ` · nvidia job start ${start('nvidia', { needs: ['nvml'], cmd_timeout: 3, nvcc: null })}` +
      ` · deep job start ${start('deep', {})}`
  ];
}

it('measures the probe', async () => {
  const manager = new KernelManager();
  await manager.ready;
  lines.push(
    'jupyterlab-torch-doctor probe benchmark (medians; no GPU on this machine unless stated)'
  );
  lines.push(...requestSizes());
  lines.push(
    `quick probe: ${QUICK_RUNS} runs; deep check and baseline: ${DEEP_RUNS} runs`
  );
  for (const env of envs) {
    const python = envPython(env);
    const kernel = await manager.startNew({ name: env });
    await kernel.info;
    for (let i = 0; i < 3; i++) {
      await probeKernel(kernel, { timeoutMs: 60_000 });
    }
    const bare = median(await timeIt(QUICK_RUNS, () => bareRoundTrip(kernel)));
    const quickTimes = await timeIt(QUICK_RUNS, async () => {
      const o = await probeKernel(kernel, { timeoutMs: 60_000 });
      if (o.kind !== 'report') {
        throw new Error(JSON.stringify(o));
      }
    });
    const quick = median(quickTimes);
    const inKernel: number[] = [];
    for (let i = 0; i < 5; i++) {
      const o = await probeKernel(kernel, { timeoutMs: 60_000 });
      if (o.kind === 'report' && o.report.probe.duration_ms !== null) {
        inKernel.push(o.report.probe.duration_ms);
      }
    }
    const base = median(baseline(python, DEEP_RUNS));
    const deep = median(
      await timeIt(DEEP_RUNS, async () => {
        const o = await probeKernel(kernel, { timeoutMs: 300_000, deep: true });
        if (o.kind !== 'report' || o.report.deep?.status !== 'ok') {
          throw new Error('deep check failed');
        }
      })
    );
    lines.push('');
    lines.push(`[${env}]`);
    lines.push(
      `  bare silent 'pass' round trip (services → server → kernel): ${ms(bare)}`
    );
    lines.push(
      `  quick probe, request to validated report:                 ${ms(quick)}  (target ≤ 50 ms)`
    );
    lines.push(
      `  quick probe, time inside the kernel:                       ${ms(median(inKernel))}`
    );
    lines.push(
      `  quick probe minus bare round trip:                         ${ms(quick - bare)}`
    );
    lines.push(
      `  baseline python -c "import torch; torch.cuda.is_available()": ${ms(base)}`
    );
    lines.push(
      `  ratio quick probe / baseline:                              1/${(base / quick).toFixed(1)}  (target ≤ 1/20)`
    );
    lines.push(
      `  deep check (subprocess: import torch, torchvision, smoke ops): ${ms(deep)}`
    );
    lines.push(
      `  ratio deep check / baseline:                               ${(deep / base).toFixed(2)}  (target ≤ 1.2)`
    );
    await kernel.shutdown();
  }
  manager.dispose();
  expect(lines.length).toBeGreaterThan(2);
});
