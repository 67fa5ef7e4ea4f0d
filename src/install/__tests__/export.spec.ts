/**
 * Copy Requirements: the three forms as text, and each form installed into
 * a fresh venv from the local PEP 503 index (scripts/local-index.py, the
 * real torch 2.13.0+cpu wheel and its dependencies) on 127.0.0.1: pip for
 * requirements.txt and for environment.yml's pip section (as conda runs
 * it), uv for the project form. Nothing reaches PyPI: pip reads no config
 * and uv's default index is the local one too.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

import { english } from '../../report/message';
import { DEFAULT_SETTINGS } from '../../settings';
import { loadBase, reportState } from '../../__tests__/canned';
import {
  condaEnvironment,
  exportBuild,
  requirementsTxt,
  uvProject,
  type IExportBuild
} from '../exportForms';

// A real YAML parser (eslint's, already installed): the file must parse as conda reads it.
const yaml: { load(text: string): unknown } = require('js-yaml');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CPU = reportState(loadBase('real-torch-cpu'));

describe('the forms', () => {
  const b = exportBuild(CPU, DEFAULT_SETTINGS) as IExportBuild;

  it('exports a build judged right, with its variant index', () => {
    expect(b).toEqual({
      pins: ['torch==2.13.0+cpu'],
      indexUrl: 'https://download.pytorch.org/whl/cpu',
      indexName: 'pytorch-cpu',
      python: '3.11'
    });
  });

  it.each([
    ['single quotes (POSIX)', "'https://mirror.example/whl/cpu?a=1&b=2'"],
    ['double quotes (cmd.exe)', '"https://mirror.example/whl/cpu?a=1&b=2"']
  ])('takes a quoted index from the verified install cell: %s', (_, word) => {
    const verified = exportBuild(
      {
        ...CPU,
        advice: null,
        install: {
          step: 'verified',
          ranCell: `%pip install torch==2.13.0+cpu --index-url ${word}`
        } as any
      },
      DEFAULT_SETTINGS
    );
    expect((verified as IExportBuild).indexUrl).toBe(
      'https://mirror.example/whl/cpu?a=1&b=2'
    );
    expect(requirementsTxt(verified as IExportBuild)).toContain(
      '--index-url https://mirror.example/whl/cpu?a=1&b=2\n'
    );
  });

  it('refuses an index in the cell that the URL rule refuses', () => {
    for (const word of [
      "'https://m.example/whl/{x}'",
      'https://m.example/whl/$HOME',
      "'https://m.example/whl;x'",
      'ftp://m.example/whl'
    ]) {
      const out = exportBuild(
        {
          ...CPU,
          advice: null,
          install: {
            step: 'verified',
            ranCell: `%pip install torch==2.13.0+cpu --index-url ${word}`
          } as any
        },
        DEFAULT_SETTINGS
      );
      expect(english(out as any)).toMatch(/cannot be written safely/);
    }
  });

  it('takes the index of the verified install cell', () => {
    const verified = exportBuild(
      {
        ...CPU,
        advice: null,
        install: {
          step: 'verified',
          ranCell:
            '%pip install torch==2.13.0+cpu --index-url https://mirror.example/whl/cpu'
        } as any
      },
      DEFAULT_SETTINGS
    );
    expect((verified as IExportBuild).indexUrl).toBe(
      'https://mirror.example/whl/cpu'
    );
  });

  it('refuses a build that is neither verified nor right, or values it cannot write safely', () => {
    const wrong = exportBuild(
      { ...CPU, advice: { ...CPU.advice!, verdict: 'wrong-build' } },
      DEFAULT_SETTINGS
    );
    expect(english(wrong as any)).toMatch(/Only a verified build/);
    const odd = exportBuild(CPU, {
      ...DEFAULT_SETTINGS,
      indexBaseUrl: 'https://x.example/a b'
    });
    expect(english(odd as any)).toMatch(/cannot be written safely/);
  });

  it('writes pip requirements with --index-url and exact local pins', () => {
    expect(requirementsTxt(b)).toMatch(
      /^--index-url https:\/\/download\.pytorch\.org\/whl\/cpu\ntorch==2\.13\.0\+cpu\n$/m
    );
  });

  it('writes a uv project with an explicit index and sources', () => {
    const text = uvProject(b);
    expect(text).toContain(
      '[[tool.uv.index]]\nname = "pytorch-cpu"\nurl = "https://download.pytorch.org/whl/cpu"\nexplicit = true'
    );
    expect(text).toContain(
      '[tool.uv.sources]\ntorch = [{ index = "pytorch-cpu" }]'
    );
  });

  it('writes a conda environment file whose pip section carries the index', () => {
    const text = condaEnvironment(b);
    expect(text).toContain('conda env create -f environment.yml');
    expect(text).toContain('There is no "conda create -f requirements.txt"');
    const doc = yaml.load(text) as any;
    expect(doc.dependencies.slice(0, 2)).toEqual(['python=3.11', 'pip']);
    expect(doc.dependencies[2].pip).toEqual([
      '--index-url https://download.pytorch.org/whl/cpu',
      'torch==2.13.0+cpu'
    ]);
  });

  it('leaves the index out for PyPI’s own build (macOS)', () => {
    const plain = { ...b, pins: ['torch==2.9.1'], indexUrl: null };
    expect(requirementsTxt(plain)).not.toContain('--index-url');
    expect(uvProject(plain)).not.toContain('tool.uv');
  });
});

/** A free port on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise(resolve => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Run a command; resolves with its exit status and output. */
function run(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env: NodeJS.ProcessEnv }
) {
  return new Promise<{ status: number | null; text: string }>(resolve => {
    const p = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    p.stdout.on('data', d => (text += d));
    p.stderr.on('data', d => (text += d));
    p.on('close', status => resolve({ status, text }));
  });
}

describe('each form installs the same build in a fresh venv (local index)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-export-'));
  const index = path.join(ROOT, 'build', 'local-index');
  const uv = path.join(ROOT, '.venv', 'bin', 'uv');
  let server: ReturnType<typeof spawn> | null = null;
  let url = '';
  // No pip or uv settings of this machine: only the local index.
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) {
    if (k.startsWith('PIP_') || k.startsWith('UV_')) {
      delete env[k];
    }
  }
  Object.assign(env, {
    PIP_CONFIG_FILE: os.devNull,
    PIP_NO_CACHE_DIR: '1',
    // Byte-compiling torch's files is most of pip's time, and no part of the form.
    PIP_NO_COMPILE: '1',
    PIP_DISABLE_PIP_VERSION_CHECK: '1',
    UV_NO_CONFIG: '1',
    UV_CACHE_DIR: path.join(tmp, 'uv-cache'),
    UV_PYTHON_DOWNLOADS: 'never'
  });

  beforeAll(async () => {
    if (!fs.existsSync(uv)) {
      throw new Error(
        `${uv} is missing: run make setup (it installs uv into .venv)`
      );
    }
    const built = spawnSync(
      'python3',
      ['scripts/local-index.py', 'build', index],
      { cwd: ROOT, encoding: 'utf-8' }
    );
    expect(built.status).toBe(0);
    const port = await freePort();
    url = `http://127.0.0.1:${port}/cpu`;
    server = spawn(
      'python3',
      ['scripts/local-index.py', 'serve', index, String(port)],
      { cwd: ROOT, stdio: 'ignore' }
    );
    for (let i = 0; i < 100; i++) {
      if (
        (
          await run(
            'python3',
            [
              '-c',
              `import urllib.request; urllib.request.urlopen(${JSON.stringify(url + '/torch/')})`
            ],
            { env }
          )
        ).status === 0
      ) {
        return;
      }
      await new Promise(r => setTimeout(r, 100));
    }
    throw new Error('the local index did not start');
  }, 60_000);

  afterAll(() => {
    server?.kill();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** The build as exported for the local index. */
  const local = (): IExportBuild =>
    exportBuild(CPU, {
      ...DEFAULT_SETTINGS,
      indexBaseUrl: url.replace(/\/cpu$/, '')
    }) as IExportBuild;

  /** torch's installed version, from its metadata (no import). */
  const torchIn = (python: string) =>
    spawnSync(
      python,
      ['-c', 'import importlib.metadata as m; print(m.version("torch"))'],
      { encoding: 'utf-8' }
    ).stdout.trim();

  async function pipInstall(name: string, requirements: string) {
    const venv = path.join(tmp, name);
    expect((await run('python3', ['-m', 'venv', venv], { env })).status).toBe(
      0
    );
    const file = path.join(tmp, `${name}.txt`);
    fs.writeFileSync(file, requirements);
    const python = path.join(venv, 'bin', 'python');
    // As conda runs a pip section: pip install -U -r <its lines>.
    const r = await run(python, ['-m', 'pip', 'install', '-U', '-r', file], {
      env
    });
    expect(r.text).toContain('Successfully installed');
    return torchIn(python);
  }

  it('pip requirements.txt and conda environment.yml’s pip section', async () => {
    const b = local();
    const conda = yaml.load(condaEnvironment(b)) as any;
    const pipSection = (conda.dependencies as any[]).find(
      d => typeof d === 'object'
    ).pip as string[];
    const [fromReq, fromConda] = await Promise.all([
      pipInstall('pip-form', requirementsTxt(b)),
      pipInstall('conda-form', pipSection.join('\n') + '\n')
    ]);
    expect(fromReq).toBe('2.13.0+cpu');
    expect(fromConda).toBe('2.13.0+cpu');
  }, 300_000);

  it('the uv project, with uv sync', async () => {
    const project = path.join(tmp, 'uv-form');
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'pyproject.toml'), uvProject(local()));
    // Packages not from the explicit index come from the default one: local too.
    const r = await run(uv, ['sync', '--python', 'python3'], {
      cwd: project,
      env: { ...env, UV_DEFAULT_INDEX: url }
    });
    expect(r.status).toBe(0);
    expect(torchIn(path.join(project, '.venv', 'bin', 'python'))).toBe(
      '2.13.0+cpu'
    );
    // torch came from the explicit index, pinned with its local tag.
    expect(fs.readFileSync(path.join(project, 'uv.lock'), 'utf-8')).toContain(
      `{ name = "torch", specifier = "==2.13.0+cpu", index = "${url}" }`
    );
  }, 300_000);
});
