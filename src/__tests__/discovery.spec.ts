/**
 * Release discovery through a real kernel, against a local index on
 * 127.0.0.1 that serves 2.15.0-, 2.16.0- and cu134-named wheel files with
 * core metadata (PEP 658 .metadata files; PEP 691 JSON and PEP 503 HTML):
 * names and metadata are all discovery needs. Then a URL with ?a=1&b=2 in a
 * real `%pip install --dry-run --no-deps`, and URLs that IPython or a shell
 * would interpret refused.
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
import { english } from '../report/message';
import type { IProbeReport } from '../report/types';
import { merge } from './canned';
import { envPython, startServer } from './realServer';

jest.setTimeout(180_000);

const W = 'cp311-cp311-manylinux_2_28_x86_64.whl';
/** variant → project → wheel file → Requires-Dist lines (null: no metadata served). */
const INDEX: {
  [variant: string]: { [project: string]: { [file: string]: string[] | null } };
} = {
  cpu: {
    torch: {
      [`torch-2.14.1+cpu-${W}`]: [],
      [`torch-2.15.0+cpu-${W}`]: [],
      [`torch-2.16.0+cpu-${W}`]: [],
      'torch-2.17.0rc1+cpu-cp311-cp311-manylinux_2_28_x86_64.whl': []
    },
    torchvision: {
      [`torchvision-0.29.1+cpu-${W}`]: ['torch==2.14.1'],
      // The real 0.29.2: py3-none, Requires-Dist torch (>=2.14.0).
      'torchvision-0.29.2+cpu-py3-none-manylinux_2_28_x86_64.whl': [
        'torch (>=2.14.0)'
      ],
      [`torchvision-0.31.0+cpu-${W}`]: ['numpy', 'torch==2.16.0']
    },
    torchaudio: { [`torchaudio-2.11.0+cpu-${W}`]: [] }
  },
  cu134: {
    torch: { [`torch-2.15.0+cu134-${W}`]: [] },
    torchvision: {
      'torchvision-0.29.2+cu134-py3-none-manylinux_2_28_x86_64.whl': [
        'torch (>=2.14.0)'
      ]
    },
    torchaudio: {}
  }
};

const requests: string[] = [];
/** Tiny wheels (a dist-info only) for the dry run, which downloads what it resolves. */
const wheels = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-wheels-'));

/** The METADATA text of a wheel of the index. */
function metadata(file: string, reqs: string[]): string {
  const [name, version] = file.split('-');
  return (
    [`Metadata-Version: 2.1`, `Name: ${name}`, `Version: ${version}`]
      .concat(reqs.map(r => `Requires-Dist: ${r}`))
      .join('\n') + '\n\n'
  );
}

/** Write the wheel files with Python's zipfile (the kernel environment's). */
function buildWheels(files: { [file: string]: string }): void {
  const script = [
    'import json, sys, zipfile',
    'for name, meta in json.load(sys.stdin).items():',
    "    dist = '-'.join(name.split('-')[:2]) + '.dist-info'",
    "    with zipfile.ZipFile(sys.argv[1] + '/' + name, 'w') as z:",
    "        z.writestr(dist + '/METADATA', meta)",
    "        z.writestr(dist + '/WHEEL', 'Wheel-Version: 1.0\\nRoot-Is-Purelib: false\\nTag: cp311-cp311-manylinux_2_28_x86_64\\n')",
    "        z.writestr(dist + '/RECORD', '')"
  ].join('\n');
  execFileSync(envPython('no-torch'), ['-c', script, wheels], {
    input: JSON.stringify(files)
  });
}

/** /whl/<variant>/<project>/ (pip may put the project after a query), /files/<wheel>.metadata. */
const index = http.createServer((req, res) => {
  const url = req.url ?? '';
  requests.push(url);
  const file = /^\/files\/(.+?)(\.metadata)?$/.exec(url);
  if (file) {
    const name = decodeURIComponent(file[1]);
    for (const projects of Object.values(INDEX)) {
      for (const files of Object.values(projects)) {
        if (files[name] && file[2]) {
          res.writeHead(200, { 'Content-Type': 'text/plain' });
          res.end(metadata(name, files[name]!));
          return;
        }
        if (files[name] && fs.existsSync(path.join(wheels, name))) {
          res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
          res.end(fs.readFileSync(path.join(wheels, name)));
          return;
        }
      }
    }
  }
  const m = /^\/whl\/([^/?]+)\/?(?:\?[^/]*)?\/?([^/?]+)\/$/.exec(url);
  const files = m ? INDEX[m[1]]?.[m[2]] : undefined;
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
        files: Object.entries(files).map(([f, reqs]) => ({
          filename: f,
          url: link(f),
          hashes: {},
          'core-metadata': reqs !== null
        }))
      })
    );
    return;
  }
  res.writeHead(200, { 'Content-Type': 'text/html' });
  res.end(
    Object.entries(files)
      .map(
        ([f, reqs]) =>
          `<a href="${link(f)}"${reqs !== null ? ' data-dist-info-metadata="true" data-core-metadata="true"' : ''}>${f}</a>`
      )
      .join('\n')
  );
});

const server = new JupyterServer();
let kernel: Kernel.IKernelConnection;
let manager: KernelManager;
let base: string;
let report: IProbeReport;

/** The advice after a live check through the kernel, as the model does it. */
async function adviseLive(r: IProbeReport, settings: Partial<IAdviceSettings>) {
  const first = advise(r, settings);
  const out = await checkIndex(kernel, indexQueries(first), { deadlineS: 20 });
  expect(out.kind).toBe('ok');
  return advise(r, settings, out.kind === 'ok' ? out.live : {});
}

beforeAll(async () => {
  buildWheels(
    Object.fromEntries(
      Object.entries(INDEX.cpu).flatMap(([, files]) =>
        Object.entries(files).map(([f, reqs]) => [f, metadata(f, reqs ?? [])])
      )
    )
  );
  await new Promise<void>(r => index.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(index.address() as AddressInfo).port}`;
  await startServer(server, { 'doctor-test-no-torch': { env: 'no-torch' } });
  manager = new KernelManager();
  await manager.ready;
  kernel = await manager.startNew({ name: 'doctor-test-no-torch' });
  await kernel.info;
  // The live check also reads the user's PyPI (PIP_INDEX_URL): here a path
  // of the local index that has no such project, so only 127.0.0.1 is asked.
  await kernel.requestExecute({
    code: `import os; os.environ['PIP_INDEX_URL'] = '${base}/pypi-none'`,
    silent: true
  }).done;
  const probe = await probeKernel(kernel, { timeoutMs: 60_000 });
  expect(probe.kind).toBe('report');
  report = (probe as { report: IProbeReport }).report;
}, 180_000);

afterAll(async () => {
  await kernel?.shutdown();
  manager?.dispose();
  await server.shutdown();
  index.closeAllConnections();
  index.close();
  fs.rmSync(wheels, { recursive: true, force: true });
});

describe('discovery on a live index', () => {
  it('proposes the newest release the index serves, paired by core metadata', async () => {
    const advice = await adviseLive(report, { indexBaseUrl: `${base}/whl` });
    const plan = advice.plans[0];
    expect(plan.cell).toBe(
      `%pip install torch==2.16.0+cpu torchvision==0.31.0+cpu torchaudio==2.11.0+cpu --index-url ${base}/whl/cpu`
    );
    expect(plan.confirmedBy).toBe('live-index');
    expect(advice.indexNewer).toBe('2.16.0');
    expect(plan.warnings.map(english).join(' ')).toContain(
      'newer than the release data'
    );
    // The kernel read the metadata files, never a wheel.
    expect(requests.some(u => u.endsWith('.whl.metadata'))).toBe(true);
    expect(requests.some(u => u.endsWith('.whl'))).toBe(false);
    // The second source, the user's index (PIP_INDEX_URL), was asked too.
    expect(requests.some(u => u.startsWith('/pypi-none/torch/'))).toBe(true);
  });

  it('finds a CUDA variant newer than the data (cu134) and says it is assumed', async () => {
    const gpu = merge(report, {
      nvidia: {
        driver: '590.44.01',
        driver_source: 'sysfs',
        cuda_driver_max: '13.1',
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
      }
    });
    const advice = await adviseLive(gpu, {
      indexBaseUrl: `${base}/whl`,
      cudaPolicy: 'newest'
    });
    const plan = advice.plans[0];
    expect(plan.variant).toBe('cu134');
    expect(plan.cell).toBe(
      `%pip install torch==2.15.0+cu134 torchvision==0.29.2+cu134 --index-url ${base}/whl/cu134`
    );
    expect(plan.warnings.map(english).join(' ')).toMatch(
      /cu134 is newer than the release data: the plan assumes its builds cover the GPUs of cu132/
    );
  });
});

describe('index URLs in a real kernel', () => {
  it('runs a %pip dry run against a URL with ?a=1&b=2, the query intact', async () => {
    const withQuery = `${base}/whl?a=1&b=2`;
    const advice = await adviseLive(report, { indexBaseUrl: withQuery });
    const cell = advice.plans[0].cell;
    expect(cell).toContain(`--index-url '${base}/whl/cpu?a=1&b=2'`);
    // This machine's pip config caps torch; the dry run reads none of it.
    await kernel.requestExecute({
      code: "import os; os.environ['PIP_CONFIG_FILE'] = os.devnull; os.environ.pop('PIP_FIND_LINKS', None)",
      silent: true
    }).done;
    requests.length = 0;
    let output = '';
    const future = kernel.requestExecute({
      code: cell.replace('%pip install', '%pip install --dry-run --no-deps'),
      store_history: false
    });
    future.onIOPub = msg => {
      if (msg.header.msg_type === 'stream') {
        output += (msg.content as { text: string }).text;
      }
    };
    await future.done;
    expect(output).toMatch(
      /Would install torch-2\.16\.0\+cpu torchaudio-2\.11\.0\+cpu torchvision-0\.31\.0\+cpu/
    );
    // pip asked with the whole query: the shell did not cut it at '&'.
    expect(requests.some(u => u.startsWith('/whl/cpu?a=1&b=2/torch/'))).toBe(
      true
    );
  });

  it.each([
    ['{', `${'BASE'}/whl/{__import__('os').getpid()}`],
    ['$', `${'BASE'}/whl/$HOME`],
    [';', `${'BASE'}/whl;touch /tmp/doctor-pwned`],
    ['|', `${'BASE'}/whl|cat`]
  ])(
    'refuses a URL with %s: it never reaches the cell, IPython or a shell',
    (ch, url) => {
      const advice = advise(report, {
        indexBaseUrl: url.replace('BASE', base)
      });
      expect(advice.findings.map(f => f.id)).toContain('invalid-index-url');
      for (const plan of advice.plans) {
        expect(plan.cell).not.toContain(ch);
        expect(plan.cell).toContain('https://download.pytorch.org/whl/cpu');
      }
    }
  );
});
