/**
 * The plan preview through a real kernel: a real `pip install --dry-run
 * --report -` in a job child of the kernel's interpreter, against a local
 * PEP 503 index on 127.0.0.1 served by scripts/local-index.py. The kernel's
 * environment holds tiny real wheels (scripts/fixture_wheel.py) installed by
 * pip: a "jax-cuda13-plugin 0.8.1" that needs nvidia-cudnn-cu13>=9.30 and
 * that cuDNN, 9.30.0. The plan pins nvidia-cudnn-cu13==9.26.0.51 (torch
 * 2.15.0's real pin), so the preview must name the requirement it breaks.
 */
import { execFileSync, spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';

import { KernelManager, type Kernel } from '@jupyterlab/services';
import { JupyterServer } from '@jupyterlab/testing/lib/start_jupyter_server';

import type { IPlan } from '../advice/types';
import { previewPlan, readPreview } from '../install/preview';
import { startJob } from '../probe/previewJob';
import { probeKernel } from '../probe/runner';
import { english, msg } from '../report/message';
import type { IProbeReport } from '../report/types';
import { startServer } from './realServer';

jest.setTimeout(180_000);

const ROOT = path.resolve(__dirname, '..', '..');
const PYTHON = path.join(ROOT, '.venv', 'bin', 'python');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-preview-'));
const server = new JupyterServer();
let manager: KernelManager;
let kernel: Kernel.IKernelConnection;
let report: IProbeReport;
let indexProc: ChildProcess;
let index: string;
/** Accepts connections and never answers. */
const held: net.Socket[] = [];
const silent = net.createServer(socket => void held.push(socket));
let silentUrl: string;

function freePort(): Promise<number> {
  return new Promise(resolve => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function wheel(
  folder: string,
  name: string,
  version: string,
  ...reqs: string[]
): string {
  return execFileSync(
    PYTHON,
    [
      path.join(ROOT, 'scripts', 'fixture_wheel.py'),
      folder,
      name,
      version,
      ...reqs
    ],
    { encoding: 'utf-8' }
  ).trim();
}

const plan = (version: string, indexUrl: string): IPlan => ({
  title: msg('Install nvidia-cudnn-cu13 %1', version),
  kind: 'install',
  variant: 'cu132',
  torch: null,
  packages: [{ name: 'nvidia-cudnn-cu13', version, replaces: '9.30.0' }],
  indexUrl,
  cell: `%pip install nvidia-cudnn-cu13==${version} --index-url ${indexUrl}`,
  downloadMb: null,
  confirmedBy: 'live-index',
  warnings: [],
  expect: null
});

beforeAll(async () => {
  // The environment: real pip installs the fixture wheels into a folder on the kernel's PYTHONPATH.
  const have = path.join(tmp, 'have');
  const site = path.join(tmp, 'site');
  const installed = [
    wheel(have, 'nvidia-cudnn-cu13', '9.30.0'),
    wheel(
      have,
      'jax-cuda13-plugin',
      '0.8.1',
      'jax-cuda13-pjrt==0.8.1',
      'nvidia-cudnn-cu13>=9.30; sys_platform == "linux"'
    )
  ];
  wheel(have, 'jax-cuda13-pjrt', '0.8.1');
  execFileSync(
    PYTHON,
    [
      '-m',
      'pip',
      'install',
      '-q',
      '--no-deps',
      '--no-index',
      '--target',
      site,
      ...installed,
      path.join(have, 'jax_cuda13_pjrt-0.8.1-py3-none-any.whl')
    ],
    { env: { ...process.env, PIP_CONFIG_FILE: os.devNull } }
  );
  // The index serves only the planned cuDNN.
  const files = path.join(tmp, 'index', 'files');
  const served = path.basename(wheel(files, 'nvidia-cudnn-cu13', '9.26.0.51'));
  const page = path.join(tmp, 'index', 'simple', 'nvidia-cudnn-cu13');
  fs.mkdirSync(page, { recursive: true });
  fs.writeFileSync(
    path.join(page, 'index.html'),
    `<!DOCTYPE html><html><body><a href="../../files/${served}">${served}</a></body></html>\n`
  );
  const port = await freePort();
  indexProc = spawn(
    PYTHON,
    [
      path.join(ROOT, 'scripts', 'local-index.py'),
      'serve',
      path.join(tmp, 'index'),
      String(port)
    ],
    {
      stdio: 'ignore'
    }
  );
  index = `http://127.0.0.1:${port}/simple`;
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>(resolve => {
      const c = net.connect(port, '127.0.0.1', () => {
        c.end();
        resolve(true);
      });
      c.on('error', () => resolve(false));
    });
    if (up) {
      break;
    }
    await new Promise(r => setTimeout(r, 100));
  }
  await new Promise<void>(r => silent.listen(0, '127.0.0.1', r));
  silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/simple`;

  // The kernel: this repository's Python, with the environment on PYTHONPATH and no pip config.
  await startServer(server, {
    fixture: {
      argv: [
        '/usr/bin/env',
        `PYTHONPATH=${site}`,
        `PIP_CONFIG_FILE=${os.devNull}`,
        'PIP_RETRIES=0',
        PYTHON,
        '-m',
        'ipykernel_launcher',
        '-f',
        '{connection_file}'
      ],
      displayName: 'preview fixture'
    }
  });
  manager = new KernelManager();
  kernel = await manager.startNew({ name: 'fixture' });
  const outcome = await probeKernel(kernel, { timeoutMs: 60_000 });
  if (outcome.kind !== 'report') {
    throw new Error(`probe failed: ${outcome.kind}`);
  }
  report = outcome.report;
});

afterAll(async () => {
  await kernel?.shutdown().catch(() => undefined);
  manager?.dispose();
  await server.shutdown();
  indexProc?.kill();
  held.forEach(socket => socket.destroy());
  silent.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('plan preview through a real kernel', () => {
  it('lists the downgrade and the requirement the plan would break', async () => {
    const run = previewPlan(plan('9.26.0.51', index), report, (args, s) =>
      startJob(kernel, 'preview', args, s)
    )!;
    const p = await run.result;
    expect(p.message && english(p.message)).toBeNull();
    expect(p.state).toBe('ok');
    expect(p.tool).toBe('pip');
    expect(p.changes).toEqual([
      {
        name: 'nvidia-cudnn-cu13',
        from: '9.30.0',
        to: '9.26.0.51',
        kind: 'downgrade'
      }
    ]);
    expect(p.breaks).toEqual([
      {
        requirer: 'jax-cuda13-plugin',
        requirerVersion: '0.8.1',
        requirement: 'nvidia-cudnn-cu13>=9.30',
        version: '9.26.0.51'
      }
    ]);
    // Measured, not asserted (benchmarks are read): the dry run's time as the job saw it.
    process.stdout.write(`plan preview on the local index: ${p.ms} ms\n`);
    // Nothing was installed: the environment still has 9.30.0.
    const again = await probeKernel(kernel, { timeoutMs: 60_000 });
    expect(again.kind).toBe('report');
  });

  it('says why when pip cannot resolve the plan', async () => {
    const p = await previewPlan(plan('9.99.0', index), report, (args, s) =>
      startJob(kernel, 'preview', args, s)
    )!.result;
    expect(p.state).toBe('failed');
    expect(english(p.message!)).toMatch(
      /^pip could not resolve the plan: .*nvidia-cudnn-cu13==9\.99\.0/
    );
  });

  it('a silent index ends at the job deadline with a clear message', async () => {
    const args = {
      requirements: ['nvidia-cudnn-cu13==9.26.0.51'],
      index_url: silentUrl,
      pre: false,
      uv: null,
      timeout: 30
    };
    const job = await startJob(kernel, 'preview', args, 2).result;
    const p = readPreview(job, report);
    expect(p.state).toBe('failed');
    expect(english(p.message!)).toBe('The preview did not finish in time.');
  });

  it('stop() ends the wait at once when the dialog closes first', async () => {
    const run = previewPlan(plan('9.26.0.51', silentUrl), report, (args, s) =>
      startJob(kernel, 'preview', args, s)
    )!;
    const t = performance.now();
    run.stop();
    const p = await run.result;
    expect(p.state).toBe('failed');
    expect(performance.now() - t).toBeLessThan(5000);
  });
});
