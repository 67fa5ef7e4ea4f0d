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
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import type { AddressInfo } from 'net';

import { KernelManager, type Kernel } from '@jupyterlab/services';
import { JupyterServer } from '@jupyterlab/testing/lib/start_jupyter_server';

import { advise } from '../advice/engine';
import { indexQueries } from '../advice/live';
import type { IAdviceSettings } from '../advice/types';
import { checkIndex } from '../probe/indexCheck';
import { probeKernel } from '../probe/runner';
import type { IProbeReport } from '../report/types';
import { merge } from './canned';
import { envPython, startServer } from './realServer';

jest.setTimeout(240_000);

interface IMeta {
  file: string;
  requires_python: string | null;
  requires_dist: string[];
}
const REAL: { [project: string]: { [version: string]: IMeta } } = JSON.parse(
  fs.readFileSync(
    path.join(__dirname, 'fixtures', 'pypi-release-day-metadata.json'),
    'utf-8'
  )
).packages;

/** What the local PyTorch index serves: variant → project → versions. */
const SERVED: { [variant: string]: { [project: string]: string[] } } = {
  cpu: {
    torch: ['2.14.1', '2.15.0'],
    torchvision: ['0.29.0', '0.29.1', '0.29.2'],
    torchaudio: ['2.11.0', '2.11.1']
  },
  cu126: {
    torch: ['2.14.1'],
    torchvision: ['0.29.0', '0.29.1'],
    torchaudio: ['2.11.0']
  },
  cu130: {
    torch: ['2.14.1', '2.15.0'],
    torchvision: ['0.29.0', '0.29.1', '0.29.2'],
    torchaudio: ['2.11.0', '2.11.1']
  },
  cu132: {
    torch: ['2.14.1', '2.15.0'],
    torchvision: ['0.29.2'],
    torchaudio: ['2.11.1']
  }
};

/** The real wheel name with a local tag: torch-2.15.0+cu132-cp311-... */
function fileOf(project: string, version: string, local: string | null) {
  const real = REAL[project][version].file;
  return local ? real.replace(`-${version}-`, `-${version}+${local}-`) : real;
}

/** Every file the index serves, with its METADATA text (the real lines). */
const FILES = new Map<string, { project: string; meta: string; rp: string | null }>();
function addFile(project: string, version: string, local: string | null) {
  const m = REAL[project][version];
  const meta =
    [
      'Metadata-Version: 2.1',
      `Name: ${project}`,
      `Version: ${version}${local ? `+${local}` : ''}`
    ]
      .concat(m.requires_python ? [`Requires-Python: ${m.requires_python}`] : [])
      .concat(m.requires_dist.map(r => `Requires-Dist: ${r}`))
      .join('\n') + '\n\n';
  FILES.set(fileOf(project, version, local), {
    project,
    meta,
    rp: m.requires_python
  });
}
for (const [variant, projects] of Object.entries(SERVED)) {
  for (const [project, versions] of Object.entries(projects)) {
    versions.forEach(v => addFile(project, v, variant));
  }
}
for (const [project, versions] of Object.entries(REAL)) {
  Object.keys(versions).forEach(v => addFile(project, v, null));
}

/** The file names on a page: /whl/<variant>/<project>/ or /pypi/simple/<project>/. */
function page(where: string, project: string): string[] | null {
  if (where === 'pypi') {
    return REAL[project]
      ? Object.keys(REAL[project]).map(v => fileOf(project, v, null))
      : null;
  }
  const versions = SERVED[where]?.[project];
  return versions ? versions.map(v => fileOf(project, v, where)) : null;
}

const requests: string[] = [];
const wheels = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-release-day-'));

/** Tiny wheels (a dist-info with the real METADATA) for pip's dry run. */
function buildWheels(): void {
  const script = [
    'import json, sys, zipfile',
    'for name, meta in json.load(sys.stdin).items():',
    "    dist = '-'.join(name.split('-')[:2]) + '.dist-info'",
    "    tag = '-'.join(name[:-4].split('-')[-3:])",
    "    with zipfile.ZipFile(sys.argv[1] + '/' + name, 'w') as z:",
    "        z.writestr(dist + '/METADATA', meta)",
    "        z.writestr(dist + '/WHEEL', 'Wheel-Version: 1.0\\nRoot-Is-Purelib: false\\nTag: ' + tag + '\\n')",
    "        z.writestr(dist + '/RECORD', '')"
  ].join('\n');
  execFileSync(envPython('no-torch'), ['-c', script, wheels], {
    input: JSON.stringify(
      Object.fromEntries([...FILES].map(([f, x]) => [f, x.meta]))
    )
  });
}

const index = http.createServer((req, res) => {
  const url = req.url ?? '';
  requests.push(url);
  const file = /^\/files\/(.+?)(\.metadata)?$/.exec(url);
  if (file) {
    const name = decodeURIComponent(file[1]);
    const f = FILES.get(name);
    if (f && file[2]) {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(f.meta);
    } else if (f) {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      res.end(fs.readFileSync(path.join(wheels, name)));
    } else {
      res.writeHead(404).end();
    }
    return;
  }
  const m =
    /^\/whl\/([^/?]+)\/([^/?]+)\/$/.exec(url) ??
    /^\/(pypi)\/simple\/([^/?]+)\/$/.exec(url);
  const files = m ? page(m[1], m[2]) : null;
  if (!files) {
    res.writeHead(404).end('not found');
    return;
  }
  const link = (f: string) => `/files/${encodeURIComponent(f)}`;
  if (
    (req.headers.accept ?? '').includes('application/vnd.pypi.simple.v1+json')
  ) {
    res.writeHead(200, {
      'Content-Type': 'application/vnd.pypi.simple.v1+json'
    });
    res.end(
      JSON.stringify({
        meta: { 'api-version': '1.1' },
        name: m![2],
        files: files.map(f => ({
          filename: f,
          url: link(f),
          hashes: {},
          'requires-python': FILES.get(f)!.rp ?? undefined,
          'core-metadata': true
        }))
      })
    );
    return;
  }
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  res.writeHead(200, { 'Content-Type': 'text/html' });
  res.end(
    files
      .map(f => {
        const rp = FILES.get(f)!.rp;
        return `<a href="${link(f)}" data-core-metadata="true"${rp ? ` data-requires-python="${esc(rp)}"` : ''}>${f}</a>`;
      })
      .join('\n')
  );
});

const server = new JupyterServer();
let kernel: Kernel.IKernelConnection;
let manager: KernelManager;
let base: string;
let report: IProbeReport;
const timings: number[] = [];

const RTX4090 = {
  driver: '580.95.05',
  driver_source: 'sysfs',
  cuda_driver_max: '13.0',
  gpus: [
    {
      index: 0,
      name: 'NVIDIA GeForce RTX 4090',
      memory_mib: 24564,
      compute_capability: '8.9',
      mig: null
    }
  ],
  gpu_source: 'nvml',
  dev_nodes: ['nvidia0', 'nvidiactl', 'nvidia-uvm']
};

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
  const report = path.join(wheels, `report-${Date.now()}.json`);
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
      "for _i in _r:",
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
  buildWheels();
  await new Promise<void>(r => index.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(index.address() as AddressInfo).port}`;
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
  index.closeAllConnections();
  index.close();
  fs.rmSync(wheels, { recursive: true, force: true });
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
