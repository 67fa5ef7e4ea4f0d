/**
 * The Protect and Unprotect cells, run by a real Python in a real venv on
 * fixture pip configs, and a real pip that refuses, then allows, another
 * torch (tiny fixture wheels from scripts/fixture_wheel.py: pip resolves
 * them as any wheel, so its refusal is its own). HOME is a temporary folder
 * whose files are compared before and after: nothing outside the
 * environment changes.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { readPipResult } from '../pipResult';
import { PROTECT_FILE, protectCell, unprotectCell, validPin } from '../protect';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-protect-'));
const home = path.join(tmp, 'home');
const venv = path.join(tmp, 'env');
const wheels = path.join(tmp, 'wheels');
const py = path.join(venv, 'bin', 'python');

/** The child's environment: no pip settings of this machine's user. */
function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, HOME: home, ...extra };
  for (const k of Object.keys(e)) {
    if (k.startsWith('PIP_') && !(k in extra)) {
      delete e[k];
    }
  }
  // The machine's XDG config dirs hold a global pip config: not here.
  e.XDG_CONFIG_DIRS = path.join(tmp, 'no-xdg');
  return e;
}

/** Run a cell as the kernel would (plain Python: the cells use no magics). */
function runCell(cell: string, python = py, platform?: string) {
  const file = path.join(tmp, 'cell.py');
  fs.writeFileSync(file, cell);
  const pre = platform
    ? `import sys; sys.platform = ${JSON.stringify(platform)}; `
    : '';
  return spawnSync(
    python,
    [
      '-c',
      `${pre}exec(compile(open(${JSON.stringify(file)}).read(), "cell", "exec"))`
    ],
    { env: env(), encoding: 'utf-8' }
  );
}

function pip(...args: string[]) {
  const r = spawnSync(py, ['-m', 'pip', ...args], {
    env: env(),
    encoding: 'utf-8'
  });
  return { status: r.status, text: `${r.stdout}${r.stderr}` };
}

/** path → sha256 of every file under a folder. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        walk(p);
      } else if (e.isFile()) {
        out.set(
          p,
          crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex')
        );
      }
    }
  };
  walk(dir);
  return out;
}

function changed(a: Map<string, string>, b: Map<string, string>): string[] {
  const keys = new Set([...a.keys(), ...b.keys()]);
  return [...keys].filter(k => a.get(k) !== b.get(k)).sort();
}

const conf = () => path.join(venv, 'pip.conf');
const pins = ['torch==2.13.0+cpu'];

beforeAll(() => {
  fs.mkdirSync(home, { recursive: true });
  fs.mkdirSync(path.join(home, '.config', 'pip'), { recursive: true });
  fs.writeFileSync(
    path.join(home, '.config', 'pip', 'pip.conf'),
    '[global]\ntimeout = 30\n'
  );
  execFileSync('python3', ['-m', 'venv', venv], { env: env() });
  for (const args of [
    ['torch', '2.13.0+cpu'],
    ['torch', '2.12.0+cpu'],
    ['needs-old-torch', '1.0', 'torch==2.12.0+cpu']
  ]) {
    execFileSync('python3', [
      path.join(ROOT, 'scripts', 'fixture_wheel.py'),
      wheels,
      ...args
    ]);
  }
}, 120_000);

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('the cells', () => {
  it('validate every pin that reaches a cell', () => {
    expect(validPin('torch==2.13.0+cpu')).toBe(true);
    expect(validPin('torch==2.1"); import os; ("')).toBe(false);
    expect(validPin('torch==1==2')).toBe(false);
    expect(() => protectCell(['torch==2.0\nimport os'])).toThrow();
    expect(protectCell(pins)).toContain(
      '_torch_doctor_protection("protect", ["torch==2.13.0+cpu"])'
    );
  });

  it('are exactly the cells pytest runs (one Python source, tests/test_protect_cells.py)', () => {
    const two = ['torch==2.13.0+cpu', 'torchvision==0.28.0+cpu'];
    const bundler = path.join(
      ROOT,
      'jupyterlab_torch_doctor',
      'probe',
      '_bundle.py'
    );
    const r = spawnSync(
      'python3',
      [
        '-c',
        'import importlib.util, json, sys\n' +
          `spec = importlib.util.spec_from_file_location("b", ${JSON.stringify(bundler)})\n` +
          'm = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\n' +
          `print(json.dumps([m.protect_cell("protect", ${JSON.stringify(two)}), m.protect_cell("unprotect")]))`
      ],
      { encoding: 'utf-8' }
    );
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual([protectCell(two), unprotectCell()]);
  });

  it.each([
    ['no config yet', null],
    [
      'a user config with comments',
      '# my mirror\n[global]\nindex-url = https://mirror.example/simple\ntimeout = 60\n'
    ],
    [
      'an [install] section without constraints',
      '[install]\nno-warn-script-location = true\n'
    ],
    [
      'an existing constraint setting',
      '[install]\nconstraint = /etc/caps.txt\n    /etc/more.txt\nno-compile = true\n'
    ],
    [
      'CRLF and no final newline',
      '[global]\r\nindex-url = https://mirror.example/simple'
    ]
  ])('merge into %s and are removed exactly', (_, before) => {
    fs.rmSync(conf(), { force: true });
    if (before !== null) {
      fs.writeFileSync(conf(), before);
    }
    const homeBefore = snapshot(home);
    const envBefore = snapshot(venv);
    const r = runCell(protectCell(pins));
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('Protected: torch==2.13.0+cpu');
    const after = fs.readFileSync(conf(), 'utf-8');
    // Everything the config held is still there, line for line.
    for (const line of (before ?? '').split(/\r?\n/)) {
      expect(after.split(/\r?\n/)).toContain(line);
    }
    // pip itself reads the merged setting.
    const listed = pip('config', 'list').text;
    expect(listed).toContain(path.join(venv, PROTECT_FILE));
    if (before?.includes('/etc/more.txt')) {
      expect(listed).toMatch(
        /install\.constraint='\/etc\/caps.txt\\n\/etc\/more.txt\\n\S+torch-doctor/
      );
    }
    expect(changed(envBefore, snapshot(venv))).toEqual(
      [conf(), path.join(venv, PROTECT_FILE)].sort()
    );
    expect(runCell(unprotectCell()).stdout).toContain('Unprotected');
    expect(
      before === null ? fs.existsSync(conf()) : fs.readFileSync(conf(), 'utf-8')
    ).toBe(before === null ? false : before);
    expect(changed(envBefore, snapshot(venv))).toEqual([]);
    expect(changed(homeBefore, snapshot(home))).toEqual([]);
  });

  it('keep the constraint files pip read before (pip takes one setting)', () => {
    fs.writeFileSync(conf(), '[global]\nconstraint = /etc/caps.txt\n');
    runCell(protectCell(pins));
    expect(pip('config', 'list').text).toMatch(
      /install\.constraint='\/etc\/caps.txt \S+torch-doctor-constraints.txt'/
    );
    runCell(unprotectCell());
    expect(fs.readFileSync(conf(), 'utf-8')).toBe(
      '[global]\nconstraint = /etc/caps.txt\n'
    );
  });

  it('protect again with new pins: one setting, and Unprotect still exact', () => {
    fs.rmSync(conf(), { force: true });
    runCell(protectCell(pins));
    const once = fs.readFileSync(conf(), 'utf-8');
    runCell(protectCell(['torch==2.12.0+cpu']));
    expect(fs.readFileSync(conf(), 'utf-8')).toBe(once);
    expect(fs.readFileSync(path.join(venv, PROTECT_FILE), 'utf-8')).toContain(
      'torch==2.12.0+cpu'
    );
    runCell(unprotectCell());
    expect(fs.existsSync(conf())).toBe(false);
    expect(fs.existsSync(path.join(venv, PROTECT_FILE))).toBe(false);
  });

  it('Unprotect takes out only its own name when the user edited the setting', () => {
    fs.rmSync(conf(), { force: true });
    runCell(protectCell(pins));
    fs.writeFileSync(
      conf(),
      `[install]\nconstraint = ${path.join(venv, PROTECT_FILE)} /etc/x.txt\n`
    );
    const r = runCell(unprotectCell());
    expect(r.status).toBe(0);
    expect(fs.readFileSync(conf(), 'utf-8')).toBe(
      '[install]\nconstraint = /etc/x.txt\n'
    );
    expect(fs.existsSync(path.join(venv, PROTECT_FILE))).toBe(false);
    fs.rmSync(conf());
  });

  it('name a pins file whose path has spaces by its file: URL (pip splits on spaces)', () => {
    const spaced = path.join(tmp, 'My Envs', 'gpu');
    execFileSync('python3', ['-m', 'venv', '--without-pip', spaced], {
      env: env()
    });
    const python = path.join(spaced, 'bin', 'python');
    runCell(protectCell(pins), python);
    const text = fs.readFileSync(path.join(spaced, 'pip.conf'), 'utf-8');
    expect(text).toContain('My%20Envs/gpu/torch-doctor-constraints.txt');
    expect(text).not.toMatch(/My Envs/);
    runCell(unprotectCell(), python);
    expect(fs.existsSync(path.join(spaced, 'pip.conf'))).toBe(false);
  });

  it('write pip.ini where pip reads it on Windows', () => {
    fs.rmSync(conf(), { force: true });
    runCell(protectCell(pins), py, 'win32');
    expect(fs.existsSync(path.join(venv, 'pip.ini'))).toBe(true);
    expect(fs.existsSync(conf())).toBe(false);
    runCell(unprotectCell(), py, 'win32');
    expect(
      fs.readdirSync(venv).filter(f => /pip\.(ini|conf)|torch-doctor/.test(f))
    ).toEqual([]);
  });
});

describe('real pip in a protected environment', () => {
  it('refuses another torch, and a package that wants one; Unprotect lets it through', () => {
    const links = ['--no-index', '--find-links', wheels];
    expect(pip('install', ...links, 'torch==2.13.0+cpu').status).toBe(0);
    runCell(protectCell(pins));

    const asked = pip('install', ...links, 'torch==2.12.0+cpu');
    expect(asked.status).not.toBe(0);
    expect(readPipResult(asked.text)).toMatchObject({
      ok: false,
      reason: 'constrained',
      conflict: {
        wanted: [{ by: null, spec: 'torch==2.12.0+cpu' }],
        constraints: pins
      }
    });
    const dep = readPipResult(pip('install', ...links, 'needs-old-torch').text);
    expect(!dep.ok && dep.conflict?.wanted).toEqual([
      { by: 'needs-old-torch 1.0', spec: 'torch==2.12.0+cpu' }
    ]);
    // The refused install changed nothing.
    expect(pip('show', 'torch').text).toContain('Version: 2.13.0+cpu');

    runCell(unprotectCell());
    const again = pip('install', ...links, 'torch==2.12.0+cpu');
    expect(readPipResult(again.text)).toMatchObject({ ok: true });
    expect(pip('show', 'torch').text).toContain('Version: 2.12.0+cpu');
  });
});
