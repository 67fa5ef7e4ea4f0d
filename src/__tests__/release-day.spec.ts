/**
 * Release-day rehearsal through a real kernel: a local index on 127.0.0.1
 * whose core metadata are the REAL Requires-Python and Requires-Dist lines of
 * torch 2.14.1/2.15.0, torchvision 0.29.0/0.29.1/0.29.2 and torchaudio
 * 2.11.0/2.11.1 (fixtures/pypi-release-day-metadata.json, read from PyPI on
 * 2026-12-06). It serves the PyTorch layout (/whl/cpu, cu126 with 2.14.1
 * only, cu130, cu132; PEP 691 JSON and PEP 503 HTML with
 * data-requires-python) and a PyPI mirror (/pypi/simple), which the kernel's
 * PIP_INDEX_URL names: the index job reads both. Each plan's cell is then
 * run as a real `%pip install --dry-run` against the index, and pip's own
 * packaging checks every companion's Requires-Dist against the torch it chose.
 *
 * A Python 3.10 kernel is a golden case (python-3.10-gets-2.14.1.json): no
 * Python 3.10 interpreter exists on this machine.
 */
import * as path from 'path';

import { KernelManager, type Kernel } from '@jupyterlab/services';
import { JupyterServer } from '@jupyterlab/testing/lib/start_jupyter_server';

import { advise } from '../advice/engine';
import { indexQueries } from '../advice/live';
import type { IAdviceSettings } from '../advice/types';
import { checkIndex } from '../probe/indexCheck';
import { probeKernel } from '../probe/runner';
import type { IProbeReport } from '../report/types';
import { merge } from './canned';
import { startServer } from './realServer';
import {
  RTX4090,
  startReleaseDayIndex,
  type IReleaseDayIndex
} from './releaseDayIndex';

jest.setTimeout(240_000);

const server = new JupyterServer();
let kernel: Kernel.IKernelConnection;
let manager: KernelManager;
let base: string;
let local: IReleaseDayIndex;
let requests: string[];
let report: IProbeReport;
const timings: number[] = [];

/** Advice after the live check through the kernel, as the model does it. */
async function adviseLive(r: IProbeReport, settings: Partial<IAdviceSettings>) {
  const first = advise(r, settings);
  const started = Date.now();
  const out = await checkIndex(kernel, indexQueries(first), { deadlineS: 20 });
  timings.push(Date.now() - started);
  expect(out.kind).toBe('ok');
  return advise(r, settings, out.kind === 'ok' ? out.live : {});
}

/** Run a plan's cell as `%pip install --dry-run --no-deps`, and check the pairing with pip's packaging. */
async function dryRun(cell: string): Promise<string> {
  let output = '';
  const report = path.join(local.dir, `report-${Date.now()}.json`);
  const future = kernel.requestExecute({
    code: [
      cell.replace(
        '%pip install',
        `%pip install --dry-run --no-deps --ignore-installed --report ${report}`
      ),
      // pip's own packaging: every companion's Requires-Dist on torch admits the torch chosen.
      'import json',
      'from pip._vendor.packaging.requirements import Requirement',
      `_r = json.load(open(${JSON.stringify(report)}))['install']`,
      "_v = {i['metadata']['name']: i['metadata']['version'] for i in _r}",
      'for _i in _r:',
      "    for _d in _i['metadata'].get('requires_dist', []):",
      '        _q = Requirement(_d)',
      "        if _q.name == 'torch' and 'torch' in _v:",
      "            print('PAIRING', _i['metadata']['name'], _q.specifier, _v['torch'], _q.specifier.contains(_v['torch'].split('+')[0]))"
    ].join('\n'),
    store_history: false
  });
  future.onIOPub = msg => {
    if (msg.header.msg_type === 'stream') {
      output += (msg.content as { text: string }).text;
    } else if (msg.header.msg_type === 'error') {
      output += JSON.stringify(msg.content);
    }
  };
  await future.done;
  return output;
}

beforeAll(async () => {
  local = await startReleaseDayIndex();
  base = local.base;
  requests = local.requests;
  await startServer(server, { 'doctor-test-no-torch': { env: 'no-torch' } });
  manager = new KernelManager();
  await manager.ready;
  kernel = await manager.startNew({ name: 'doctor-test-no-torch' });
  await kernel.info;
  // This machine's pip config adds find-links and a file index; the user's
  // own index (PIP_INDEX_URL) is our local PyPI mirror, as a user would set it.
  await kernel.requestExecute({
    code: `import os; os.environ['PIP_CONFIG_FILE'] = os.devnull; os.environ.pop('PIP_FIND_LINKS', None); os.environ['PIP_INDEX_URL'] = '${base}/pypi/simple'`,
    silent: true
  }).done;
  const probe = await probeKernel(kernel, { timeoutMs: 60_000 });
  expect(probe.kind).toBe('report');
  report = (probe as { report: IProbeReport }).report;
}, 240_000);

afterAll(async () => {
  console.log(`index job (both sources), ms: ${timings.join(', ')}`);
  await kernel?.shutdown();
  manager?.dispose();
  await server.shutdown();
  local?.close();
});

describe('release day: 2.15.0 on the indexes', () => {
  it('the probe reports the user index that the live check reads as PyPI', () => {
    expect(report.install.env['PIP_INDEX_URL']).toBe(`${base}/pypi/simple`);
  });

  it('a GPU-less kernel gets the 2.15.0+cpu trio with torchvision 0.29.2, and the cell resolves', async () => {
    const advice = await adviseLive(report, { indexBaseUrl: `${base}/whl` });
    const plan = advice.plans[0];
    expect(plan.cell).toBe(
      `%pip install torch==2.15.0+cpu torchvision==0.29.2+cpu torchaudio==2.11.1+cpu --index-url ${base}/whl/cpu`
    );
    expect(plan.confirmedBy).toBe('live-index');
    // Both sources were read, core metadata included, and no wheel.
    expect(requests.some(u => u.startsWith('/pypi/simple/torch/'))).toBe(true);
    expect(
      requests.some(u => /^\/files\/torch-2\.15\.0-cp311.*\.metadata$/.test(u))
    ).toBe(true);
    expect(requests.some(u => u.endsWith('.whl'))).toBe(false);
    const out = await dryRun(plan.cell);
    expect(out).toMatch(
      /Would install torch-2\.15\.0\+cpu torchaudio-2\.11\.1\+cpu torchvision-0\.29\.2\+cpu/
    );
    expect(out).toContain('PAIRING torchvision >=2.14.0 2.15.0+cpu True');
    expect(out).toContain('PAIRING torchaudio >=2.11 2.15.0+cpu True');
  });

  it('a GPU with driver 580 gets 2.15.0 on CUDA 13.2, as PyPI’s own build says', async () => {
    const gpu = merge(report, { nvidia: RTX4090, deep: null });
    const advice = await adviseLive(gpu, { indexBaseUrl: `${base}/whl` });
    const plan = advice.plans[0];
    expect(plan.cell).toBe(
      `%pip install torch==2.15.0+cu132 torchvision==0.29.2+cu132 torchaudio==2.11.1+cu132 --index-url ${base}/whl/cu132`
    );
    expect(plan.confirmedBy).toBe('live-index');
    const out = await dryRun(plan.cell);
    expect(out).toMatch(
      /Would install torch-2\.15\.0\+cu132 torchaudio-2\.11\.1\+cu132 torchvision-0\.29\.2\+cu132/
    );
    expect(out).not.toContain('False');
  });

  it('a Pascal GPU gets 2.14.1+cu126 with the companions cu126 has', async () => {
    const pascal = merge(report, {
      deep: null,
      nvidia: {
        ...RTX4090,
        gpus: [
          {
            index: 0,
            name: 'NVIDIA GeForce GTX 1080',
            memory_mib: 8192,
            compute_capability: '6.1',
            mig: null
          }
        ]
      }
    });
    const advice = await adviseLive(pascal, { indexBaseUrl: `${base}/whl` });
    const plan = advice.plans[0];
    expect(plan.cell).toBe(
      `%pip install torch==2.14.1+cu126 torchvision==0.29.1+cu126 torchaudio==2.11.0+cu126 --index-url ${base}/whl/cu126`
    );
    expect(plan.confirmedBy).toBe('live-index');
    expect(advice.findings.map(f => f.id)).toContain('cuda12-ends');
    const out = await dryRun(plan.cell);
    expect(out).toMatch(
      /Would install torch-2\.14\.1\+cu126 torchaudio-2\.11\.0\+cu126 torchvision-0\.29\.1\+cu126/
    );
    expect(out).toContain('PAIRING torchvision >=2.14.0 2.14.1+cu126 True');
  });
});
