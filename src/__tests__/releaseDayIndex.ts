/**
 * A local index on 127.0.0.1 for the release-day rehearsal and the index
 * benchmark: the PyTorch layout (/whl/cpu, cu126 with 2.14.1 only, cu130,
 * cu132; PEP 691 JSON and PEP 503 HTML with data-requires-python and core
 * metadata) and a PyPI mirror (/pypi/simple), serving the REAL core metadata
 * of torch 2.14.1/2.15.0, torchvision 0.29.0–0.29.2 and torchaudio
 * 2.11.0/2.11.1 (fixtures/pypi-release-day-metadata.json, read from PyPI on
 * 2026-12-06), and tiny wheels (a dist-info with that METADATA) for pip.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import type { AddressInfo } from 'net';

import { envPython } from './realServer';

interface IMeta {
  file: string;
  requires_python: string | null;
  requires_dist: string[];
}
export const REAL: { [project: string]: { [version: string]: IMeta } } =
  JSON.parse(
    fs.readFileSync(
      path.join(__dirname, 'fixtures', 'pypi-release-day-metadata.json'),
      'utf-8'
    )
  ).packages;

/** What the local PyTorch index serves: variant → project → versions. */
export const SERVED: { [variant: string]: { [project: string]: string[] } } = {
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
const FILES = new Map<
  string,
  { project: string; meta: string; rp: string | null }
>();
function addFile(project: string, version: string, local: string | null) {
  const m = REAL[project][version];
  const meta =
    [
      'Metadata-Version: 2.1',
      `Name: ${project}`,
      `Version: ${version}${local ? `+${local}` : ''}`
    ]
      .concat(
        m.requires_python ? [`Requires-Python: ${m.requires_python}`] : []
      )
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

/** Tiny wheels (a dist-info with the real METADATA) for pip's dry run. */
function buildWheels(wheels: string): void {
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

/** The NVIDIA part of a report: an RTX 4090 (cc 8.9) on driver 580, for CUDA 13 plans. */
export const RTX4090 = {
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

/** The running index: its base URL, the paths asked, and a way to stop it. */
export interface IReleaseDayIndex {
  base: string;
  requests: string[];
  /** Where the wheels and pip's reports go. */
  dir: string;
  close: () => void;
}

/** Build the wheels and serve the index on 127.0.0.1 (a free port). */
export async function startReleaseDayIndex(): Promise<IReleaseDayIndex> {
  const requests: string[] = [];
  const wheels = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-release-day-'));
  buildWheels(wheels);
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
    const esc = (s: string) =>
      s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
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
  await new Promise<void>(r => index.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${(index.address() as AddressInfo).port}`,
    requests,
    dir: wheels,
    close: () => {
      index.closeAllConnections();
      index.close();
      fs.rmSync(wheels, { recursive: true, force: true });
    }
  };
}
