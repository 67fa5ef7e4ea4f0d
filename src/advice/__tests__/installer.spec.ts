/**
 * The `auto` installer (#21): uv when it is on the kernel's host and safe,
 * else pip with the reason. Reports are the real torch-cpu report captured
 * on this machine, its install settings replaced per case.
 */
import { loadBase, merge } from '../../__tests__/canned';
import { english as t } from '../../report/message';
import { DEFAULT_SETTINGS } from '../../settings';
import type { IProbeReport } from '../../report/types';
import { advise } from '../engine';
import { chooseInstaller, PIP_ONLY_KEYS, uvBlocker } from '../installer';
import { installCell } from '../plan';

const UV = '/home/me/.local/bin/uv';

/** The real report with uv found, no pip setting and no protection. */
function clean(patch: any = {}, name = 'real-torch-cpu'): IProbeReport {
  const base = loadBase(name);
  const r: IProbeReport = {
    ...base,
    environment: { ...base.environment, uv_path: UV, pip_available: true },
    install: { ...base.install, env: {}, pip_config: [], protection: null }
  };
  return merge(r, patch);
}

const exe = () => loadBase('real-torch-cpu').python.executable;

describe('the auto installer', () => {
  it('chooses uv pip install --python <the kernel’s Python> when it is safe', () => {
    const c = chooseInstaller(clean(), 'auto');
    expect(c?.tool).toBe('uv');
    expect(c?.line).toBe(`!${UV} pip install --python ${exe()}`);
    expect(t(c!.reason)).toMatch(/^uv: /);
  });

  it('is the default setting', () => {
    expect(DEFAULT_SETTINGS.installer).toBe('auto');
    expect(chooseInstaller(clean())?.tool).toBe('uv');
  });

  it.each(PIP_ONLY_KEYS.map(k => [k]))(
    'keeps pip when pip.conf sets %s',
    key => {
      const r = clean({
        install: {
          pip_config: [
            {
              file: '/home/me/.config/pip/pip.conf',
              section: 'global',
              key,
              value: 'x'
            }
          ]
        }
      });
      const c = chooseInstaller(r, 'auto');
      expect(c?.tool).toBe('pip');
      expect(c?.line).toBe('%pip install');
      expect(t(c!.reason)).toBe(
        `pip: your pip.conf sets ${key}, which uv would not read.`
      );
    }
  );

  it.each(
    PIP_ONLY_KEYS.map(k => [`PIP_${k.toUpperCase().replace(/-/g, '_')}`])
  )('keeps pip when %s is set', name => {
    const c = chooseInstaller(
      clean({ install: { env: { [name]: 'x' } } }),
      'auto'
    );
    expect(c?.tool).toBe('pip');
    expect(t(c!.reason)).toBe(`pip: ${name} is set, which uv would not read.`);
  });

  it('names pip.ini on Windows', () => {
    const c = chooseInstaller(
      clean({
        install: {
          pip_config: [
            {
              file: 'C:\\Users\\me\\AppData\\Roaming\\pip\\pip.ini',
              section: 'install',
              key: 'extra-index-url',
              value: 'https://mirror/simple'
            }
          ]
        }
      })
    );
    expect(t(c!.reason)).toBe(
      'pip: your pip.ini sets extra-index-url, which uv would not read.'
    );
  });

  it('ignores pip.conf sections an install does not read', () => {
    const r = clean({
      install: {
        pip_config: [
          {
            file: '/etc/pip.conf',
            section: 'download',
            key: 'find-links',
            value: '/w'
          }
        ]
      }
    });
    expect(chooseInstaller(r)?.tool).toBe('uv');
  });

  it('keeps pip while a Protect constraint is in force', () => {
    const protection = {
      config: '/venv/pip.conf',
      file: '/venv/torch-doctor-constraints.txt',
      exists: true,
      registered: true,
      pins: ['torch==2.13.0+cpu'],
      ignored_by: null
    };
    const c = chooseInstaller(clean({ install: { protection } }));
    expect(c?.tool).toBe('pip');
    expect(t(c!.reason)).toMatch(/Protect.*uv would not read/);
    // A protection pip ignores (PIP_CONFIG_FILE=/dev/null) is not in force.
    const off = { ...protection, ignored_by: 'PIP_CONFIG_FILE' };
    expect(chooseInstaller(clean({ install: { protection: off } }))?.tool).toBe(
      'uv'
    );
  });

  it('keeps pip when UV_TORCH_BACKEND would change the build', () => {
    const r = clean({ install: { env: { UV_TORCH_BACKEND: 'auto' } } });
    expect(t(uvBlocker(r)!)).toMatch(/UV_TORCH_BACKEND/);
    expect(chooseInstaller(r)?.tool).toBe('pip');
  });

  it('keeps pip when uv is not on the kernel’s host', () => {
    const c = chooseInstaller(clean({ environment: { uv_path: null } }));
    expect(c?.tool).toBe('pip');
    expect(t(c!.reason)).toBe('pip: uv is not on the kernel’s host.');
  });

  it('escapes a uv path for IPython and the shell (the rule of url.ts), and keeps pip when it cannot', () => {
    const c = chooseInstaller(clean({ environment: { uv_path: '/h/{x}/uv' } }));
    expect(c?.tool).toBe('uv');
    expect(c?.line).toBe(`!"/h/{{x}}/uv" pip install --python ${exe()}`);
    // A path with both ' and $ cannot be written safely in a `!` line.
    const bad = chooseInstaller(
      clean({ environment: { uv_path: "/h/a'b$c/uv" } })
    );
    expect(bad?.tool).toBe('pip');
    expect(bad?.line).toBe('%pip install');
  });

  it('quotes a path with spaces', () => {
    const c = chooseInstaller(
      clean({ environment: { uv_path: '/Users/me/My Tools/uv' } })
    );
    expect(c?.line).toBe(
      `!"/Users/me/My Tools/uv" pip install --python ${exe()}`
    );
  });

  it('follows the pip and uv settings', () => {
    const blocked = clean({ install: { env: { PIP_CERT: '/c.pem' } } });
    expect(chooseInstaller(clean(), 'pip')?.tool).toBe('pip');
    expect(chooseInstaller(blocked, 'uv')?.tool).toBe('uv');
  });

  it('uses uv in an environment without pip, whatever the setting', () => {
    const r = clean({ environment: { pip_available: false } });
    expect(chooseInstaller(r, 'pip')?.tool).toBe('uv');
    expect(
      chooseInstaller(
        clean({ environment: { pip_available: false, uv_path: null } })
      )
    ).toBeNull();
  });

  it('keeps the cell exact: --index-url and exact pins', () => {
    const cell = installCell(
      clean(),
      ['torch==2.13.0+cpu'],
      'https://download.pytorch.org/whl/cpu',
      false,
      false,
      chooseInstaller(clean())
    );
    expect(cell).toBe(
      `!${UV} pip install --python ${exe()} torch==2.13.0+cpu --index-url https://download.pytorch.org/whl/cpu`
    );
  });

  it('puts the choice and its reason on the plan', () => {
    const uv = advise(clean({}, 'real-no-torch'), DEFAULT_SETTINGS);
    const plan = uv.plans.find(p => p.kind === 'install' && p.cell);
    expect(plan?.installer?.tool).toBe('uv');
    expect(plan?.cell.startsWith(`!${UV} pip install --python`)).toBe(true);
    // The machine's own report: its pip.conf sets constraint and find-links.
    const real = merge(loadBase('real-no-torch'), {
      environment: { uv_path: UV }
    });
    const pip = advise(real, DEFAULT_SETTINGS).plans.find(p => p.cell);
    expect(pip?.installer?.tool).toBe('pip');
    expect(pip?.cell.startsWith('%pip install')).toBe(true);
    expect(t(pip!.installer!.reason)).toMatch(/^pip: /);
  });
});
