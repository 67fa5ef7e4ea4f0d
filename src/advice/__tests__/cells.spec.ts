/**
 * Cells safe on every shell: index URLs and paths in `%pip` and `!` lines,
 * quoted for /bin/sh on POSIX kernels and for cmd.exe on Windows kernels.
 * The POSIX lines are run by a real IPython (the test environment's, as a
 * kernel runs them: `var_expand`, then /bin/sh) against a fake uv that
 * writes down the arguments it got; the Windows lines go through the real
 * `var_expand`, and their cmd.exe words are checked as cmd.exe reads them.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { envPython } from '../../__tests__/realServer';
import { loadBase } from '../../__tests__/canned';
import { english } from '../../report/message';
import type { IProbeReport } from '../../report/types';
import { advise } from '../engine';
import { installCell } from '../plan';
import { checkIndexUrl, SCHEMA_PATTERN, shellPath, shellWord } from '../url';

const POSIX = loadBase('real-torch-cpu');
const windows = (r: IProbeReport = POSIX): IProbeReport => ({
  ...r,
  platform: { ...r.platform, system: 'Windows' }
});
/** A report whose environment has uv and no pip, at these paths. */
const uvOnly = (
  uv: string,
  python: string,
  r: IProbeReport = POSIX
): IProbeReport => ({
  ...r,
  python: { ...r.python, executable: python },
  environment: { ...r.environment, pip_available: false, uv_path: uv }
});

/** Run lines in a real IPython, as a kernel does; returns what each printed. */
function ipython(script: string, input: unknown): any {
  const r = spawnSync(envPython('no-torch'), ['-c', script], {
    input: JSON.stringify(input),
    encoding: 'utf-8'
  });
  if (r.status !== 0) {
    throw new Error(r.stderr);
  }
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

const RUN = `
import json, sys
from IPython.core.interactiveshell import InteractiveShell
data = json.load(sys.stdin)
sh = InteractiveShell.instance()
# Names a line could pick up by mistake: {x}, $x, $HOME-like names.
sh.user_ns.update({'x': 'EXPANDED', 'HOME': 'EXPANDED', 'y': 'EXPANDED'})
out = []
for cell in data['cells']:
    if data.get('run'):
        sh.run_cell(cell, store_history=False)
        out.append(None)
    else:
        # A %pip line's arguments are expanded twice (the magic, then system).
        if cell.startswith('%pip'):
            line = sh.var_expand(sh.var_expand(cell[len('%pip'):]))
            out.append('%pip' + line)
        else:
            out.append('!' + sh.var_expand(cell[1:]))
print(json.dumps(out))
`;

describe('index URLs on Windows kernels (cmd.exe)', () => {
  it.each([
    ['https://m.example/whl/%7Ebuilds', '%'],
    ['https://m.example/whl/a%20b', '%']
  ])('refuses %s, which cmd.exe would expand', (url, why) => {
    expect(checkIndexUrl(url).ok).toBe(true);
    const c = checkIndexUrl(url, 'cmd');
    expect(c.ok).toBe(false);
    expect(c.ok ? '' : english(c.why)).toContain(why);
    expect(c.ok ? '' : english(c.why)).toContain('cmd.exe');
  });

  it('refuses what every shell refuses, on Windows too', () => {
    for (const url of [
      'https://m/whl|x',
      'https://m/whl^x',
      'https://m/whl!x',
      'https://m/whl"x'
    ]) {
      expect(checkIndexUrl(url, 'cmd').ok).toBe(false);
      expect(new RegExp(SCHEMA_PATTERN).test(url)).toBe(false);
    }
  });

  it('quotes & for cmd.exe with double quotes, for sh with single quotes', () => {
    const url = 'https://m.example/whl/cpu?a=1&b=2';
    expect(checkIndexUrl(url, 'cmd').ok).toBe(true);
    expect(shellWord(url, 'cmd')).toBe(`"${url}"`);
    expect(shellWord(url, 'posix')).toBe(`'${url}'`);
    const cell = installCell(windows(), ['torch==2.13.0+cpu'], url, false)!;
    expect(cell).toBe(`%pip install torch==2.13.0+cpu --index-url "${url}"`);
    // No single quote reaches cmd.exe: it would pass them on to pip.
    expect(cell).not.toContain("'");
    expect(installCell(POSIX, ['torch==2.13.0+cpu'], url, false)).toBe(
      `%pip install torch==2.13.0+cpu --index-url '${url}'`
    );
  });

  it('the engine refuses a percent-escaped base URL for a Windows kernel only', () => {
    const settings = { indexBaseUrl: 'https://m.example/py%2Dtorch/whl' };
    const win = advise(windows(loadBase('real-cu130-broken')), settings);
    const finding = win.findings.find(f => f.id === 'invalid-index-url');
    expect(english(finding!.message)).toContain('cmd.exe');
    for (const p of win.plans) {
      expect(p.cell).not.toContain('%2D');
    }
    const posix = advise(loadBase('real-cu130-broken'), settings);
    expect(posix.findings.some(f => f.id === 'invalid-index-url')).toBe(false);
    expect(posix.plans.some(p => p.cell.includes('%2D'))).toBe(true);
  });

  it('a real IPython leaves the Windows lines as cmd.exe must read them', () => {
    const url = 'https://m.example/whl/cpu?a=1&b=2';
    const cells = [
      installCell(windows(), ['torch==2.13.0+cpu'], url, false)!,
      installCell(
        uvOnly(
          'C:\\Users\\a b\\{x}\\$HOME\\uv.exe',
          'C:\\Users\\O’Neil & co\\env $y\\python.exe',
          windows()
        ),
        ['torch==2.13.0+cpu'],
        url,
        false
      )!
    ];
    const [pip, uv] = ipython(RUN, { cells });
    expect(pip).toBe(`%pip install torch==2.13.0+cpu --index-url "${url}"`);
    expect(uv).toBe(
      `!"C:\\Users\\a b\\{x}\\$HOME\\uv.exe" pip install --python "C:\\Users\\O’Neil & co\\env $y\\python.exe" torch==2.13.0+cpu --index-url "${url}"`
    );
  });

  it('refuses Windows paths that cmd.exe would expand', () => {
    expect(shellPath('C:\\100%\\uv.exe', 'cmd')).toBeNull();
    expect(shellPath('C:\\a!b\\uv.exe', 'cmd')).toBeNull();
    const r = advise(
      uvOnly(
        'C:\\100%\\uv.exe',
        'C:\\py\\python.exe',
        windows(loadBase('real-cu130-broken'))
      )
    );
    expect(r.plans.length).toBeGreaterThan(0);
    expect(r.plans.every(p => p.cell === '')).toBe(true);
    expect(JSON.stringify(r.plans[0].warnings)).toContain('cannot be written');
  });
});

describe('paths in ! lines on POSIX kernels', () => {
  let dir: string;
  beforeAll(() => {
    // Folders whose names IPython or sh would expand.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'td-cells-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['braces', '{x}'],
    ['a dollar name', '$HOME'],
    ['a dollar before braces', '${x}'],
    ['doubled dollars', '$$y'],
    ['spaces and quotes', 'a "b" `c` \\d'],
    ['a single quote', "o'neil"],
    ['everything', '{x} $y {{x}} $ & ; |']
  ])('uv and Python paths with %s reach uv as they are', (_, name) => {
    const folder = path.join(dir, name);
    fs.mkdirSync(folder, { recursive: true });
    const uv = path.join(folder, 'uv');
    const python = path.join(folder, 'python');
    const out = path.join(dir, 'argv.json');
    // A fake uv: writes down its own path and the arguments it got.
    fs.writeFileSync(
      uv,
      `#!${envPython('no-torch')}\nimport json, sys\njson.dump(sys.argv, open(${JSON.stringify(out)}, 'w'))\n`,
      { mode: 0o755 }
    );
    fs.rmSync(out, { force: true });
    const url = 'https://m.example/whl/cpu?a=1&b=2';
    const cell = installCell(
      uvOnly(uv, python),
      ['torch==2.13.0+cpu'],
      url,
      false
    )!;
    expect(cell.startsWith('!')).toBe(true);
    ipython(RUN, { cells: [cell], run: true });
    const argv = JSON.parse(fs.readFileSync(out, 'utf-8'));
    expect(argv).toEqual([
      uv,
      'pip',
      'install',
      '--python',
      python,
      'torch==2.13.0+cpu',
      '--index-url',
      url
    ]);
  });

  it('refuses a path with both a single quote and a dollar', () => {
    expect(shellPath("/o'neil/$x/uv", 'posix')).toBeNull();
  });
});
