/**
 * The live index check through a real kernel, against a local index served on
 * 127.0.0.1 (PEP 691 JSON and PEP 503 HTML) and a file:// index.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';

import { KernelManager, type Kernel } from '@jupyterlab/services';
import { JupyterServer } from '@jupyterlab/testing/lib/start_jupyter_server';

import { advise } from '../advice/engine';
import { indexQueries } from '../advice/live';
import { checkIndex } from '../probe/indexCheck';
import { probeKernel } from '../probe/runner';
import { startServer } from './realServer';
import { english } from '../report/message';

jest.setTimeout(120_000);

const WHEELS = [
  'torch-2.14.1+cpu-cp311-cp311-manylinux_2_28_x86_64.whl',
  'torch-2.14.1+cpu-cp312-cp312-manylinux_2_28_x86_64.whl'
];
const VISION = ['torchvision-0.29.1+cpu-cp311-cp311-manylinux_2_28_x86_64.whl'];
const AUDIO = ['torchaudio-2.11.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl'];

/** A tiny simple index: /json/* answers PEP 691, /html/* PEP 503, /slow/* never. */
const index = http.createServer((req, res) => {
  const [, mode, project] = (req.url ?? '').split('/');
  const files = { torch: WHEELS, torchvision: VISION, torchaudio: AUDIO }[
    project as 'torch'
  ];
  if (mode === 'slow') {
    return; // never answers
  }
  if (!files) {
    res.writeHead(404).end('not found');
    return;
  }
  if (
    mode === 'json' &&
    (req.headers.accept ?? '').includes('application/vnd.pypi.simple.v1+json')
  ) {
    res.writeHead(200, {
      'Content-Type': 'application/vnd.pypi.simple.v1+json'
    });
    res.end(
      JSON.stringify({
        meta: { 'api-version': '1.1' },
        name: project,
        files: files.map(f => ({ filename: f, url: `../../f/${f}` }))
      })
    );
    return;
  }
  res.writeHead(200, { 'Content-Type': 'text/html' });
  res.end(
    `<html><body>${files.map(f => `<a href="../../f/${encodeURIComponent(f)}">${f}</a>`).join('\n')}</body></html>`
  );
});

const server = new JupyterServer();
let kernel: Kernel.IKernelConnection;
let noTorch: Kernel.IKernelConnection;
let manager: KernelManager;
let base: string;
let fileIndex: string;
/** A port on 127.0.0.1 that accepts connections and never answers (not even HTTP). */
const silent = net.createServer(() => undefined);
let silentPort: number;

beforeAll(async () => {
  await new Promise<void>(r => index.listen(0, '127.0.0.1', r));
  await new Promise<void>(r => silent.listen(0, '127.0.0.1', r));
  silentPort = (silent.address() as AddressInfo).port;
  base = `http://127.0.0.1:${(index.address() as AddressInfo).port}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simple-'));
  fs.mkdirSync(path.join(dir, 'torch'));
  fs.writeFileSync(
    path.join(dir, 'torch', 'index.html'),
    WHEELS.map(f => `<a href="x">${f}</a>`).join('\n')
  );
  fileIndex = `file://${dir}`;
  await startServer(server, {
    'doctor-test-torch-cpu': { env: 'torch-cpu' },
    'doctor-test-no-torch': { env: 'no-torch' }
  });
  manager = new KernelManager();
  await manager.ready;
  kernel = await manager.startNew({ name: 'doctor-test-torch-cpu' });
  noTorch = await manager.startNew({ name: 'doctor-test-no-torch' });
  await Promise.all([kernel.info, noTorch.info]);
}, 120_000);

afterAll(async () => {
  await Promise.all([kernel?.shutdown(), noTorch?.shutdown()]);
  manager?.dispose();
  await server.shutdown();
  index.closeAllConnections();
  index.close();
  silent.close();
});

describe('checkIndex', () => {
  it('reads PEP 691 JSON, PEP 503 HTML and file:// indexes, and reports failures', async () => {
    const out = await checkIndex(
      kernel,
      [
        { index: `${base}/json`, project: 'torch' },
        { index: `${base}/html`, project: 'torch' },
        { index: `${base}/html`, project: 'missing' },
        { index: fileIndex, project: 'torch' },
        { index: 'http://127.0.0.1:9', project: 'torch' }
      ],
      { requestTimeoutS: 3 }
    );
    expect(out.kind).toBe('ok');
    if (out.kind !== 'ok') {
      return;
    }
    expect(out.live[`${base}/json|torch`]).toEqual(WHEELS);
    expect(out.live[`${base}/html|torch`]).toEqual(WHEELS);
    expect(out.live[`${base}/html|missing`]).toEqual([]);
    expect(out.live[`${fileIndex}|torch`]).toEqual(WHEELS);
    expect(out.live['http://127.0.0.1:9|torch']).toBeNull();
    expect(out.errors.join(' ')).toMatch(/127\.0\.0\.1:9.*Connection refused/);
  });

  it('gives up on an index that does not answer after the per-request timeout', async () => {
    const t = Date.now();
    const out = await checkIndex(
      kernel,
      [{ index: `${base}/slow`, project: 'torch' }],
      { requestTimeoutS: 1 }
    );
    expect(out.kind).toBe('ok');
    expect(out.kind === 'ok' && out.live[`${base}/slow|torch`]).toBeNull();
    expect(Date.now() - t).toBeLessThan(20_000);
  });
});

describe('checkIndex runs in a job, never in the kernel process', () => {
  it('ends a silent index at the deadline while the kernel answers user cells', async () => {
    const order: string[] = [];
    // A per-request timeout far beyond the deadline: only the child's watchdog ends it.
    const check = checkIndex(
      kernel,
      [{ index: `http://127.0.0.1:${silentPort}`, project: 'torch' }],
      { requestTimeoutS: 60, deadlineS: 3 }
    ).then(out => {
      order.push('index check');
      return out;
    });
    const user = kernel
      .requestExecute({ code: 'answer = 6 * 7' })
      .done.then(reply => {
        order.push('user cell');
        return reply;
      });
    const [out, reply] = await Promise.all([check, user]);
    expect(reply.content.status).toBe('ok');
    expect(order).toEqual(['user cell', 'index check']);
    expect(out.kind).toBe('failed');
    expect(out.kind === 'failed' && english(out.message)).toBe(
      'The index did not answer within 3 s.'
    );
    // The child is reaped and the registry is empty.
    const state = await kernel.requestExecute({
      code: '',
      silent: true,
      store_history: false,
      user_expressions: {
        jobs: "len(__import__('sys').modules['_jupyterlab_torch_doctor_jobs'].jobs)",
        zombies:
          "len([p for p in __import__('os').listdir('/proc') if p.isdigit() and open(f'/proc/{p}/stat').read().rsplit(')', 1)[1].split()[:2] == ['Z', str(__import__('os').getpid())]])"
      }
    }).done;
    const values = (state.content as any).user_expressions;
    expect(values.jobs.data['text/plain']).toBe('0');
    expect(values.zombies.data['text/plain']).toBe('0');
  });
});

describe('advice confirmed live', () => {
  it('probes a kernel without torch, plans the CPU trio, and confirms it on the index', async () => {
    const probe = await probeKernel(noTorch, { timeoutMs: 30_000 });
    expect(probe.kind).toBe('report');
    if (probe.kind !== 'report') {
      return;
    }
    const settings = { indexBaseUrl: `${base}/json` };
    const first = advise(probe.report, settings);
    expect(first.verdict).toBe('no-torch');
    expect(first.plans[0].confirmedBy).toBe('data');
    const all = indexQueries(first);
    // PyPI (or the user's index) is the second source; here only 127.0.0.1 is asked.
    expect(
      all.filter(q => q.index === first.pypiIndex).map(q => q.project)
    ).toEqual(['torch', 'torchvision', 'torchaudio']);
    const queries = all.filter(q => q.index !== first.pypiIndex);
    expect(queries.map(q => q.project)).toEqual([
      'torch',
      'torchvision',
      'torchaudio'
    ]);
    // The CPU index here is <base>/json/cpu: serve it under the same tree.
    const out = await checkIndex(
      noTorch,
      queries.map(q => ({ ...q, index: q.index.replace('/cpu', '') }))
    );
    expect(out.kind).toBe('ok');
    if (out.kind !== 'ok') {
      return;
    }
    const live: { [k: string]: string[] | null } = {};
    for (const q of queries) {
      live[`${q.index}|${q.project}`] =
        out.live[`${q.index.replace('/cpu', '')}|${q.project}`];
    }
    const second = advise(probe.report, settings, live);
    expect(second.plans[0].confirmedBy).toBe('live-index');
    expect(second.plans[0].cell).toBe(
      `%pip install torch==2.14.1+cpu torchvision==0.29.1+cpu torchaudio==2.11.0+cpu --index-url ${base}/json/cpu`
    );
  });
});
