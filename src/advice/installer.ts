/**
 * Which installer runs the install cell: pip, or uv when it is on the
 * kernel's host and safe. uv does not read pip's configuration, so a pip
 * setting that changes where or how pip fetches (an index, find-links, a
 * certificate, a trusted host, a proxy, constraints) or a Protect
 * constraint in force keeps the cell on pip. Pure: decided from the report.
 */
import { msg, type IMessage } from '../report/message';
import type { IProbeReport } from '../report/types';
import { shellOf, shellPath } from './url';

/** The installer setting: `auto` (the default), `pip` or `uv`. */
import type { InstallerSetting } from '../report/advice';

export type { InstallerSetting };

/** The installers the setting allows, the default first. */
export const INSTALLER_SETTINGS: readonly InstallerSetting[] = [
  'auto',
  'pip',
  'uv'
];

/** The installer chosen for a cell, its first words and why. */
export interface IInstallerChoice {
  tool: 'pip' | 'uv';
  /** The cell's first words, e.g. `%pip install`. */
  line: string;
  /** One line for under the plan: the installer and why. */
  reason: IMessage;
}

/**
 * pip settings (config keys as in pip.conf; the PIP_* variables are the
 * same names upper-cased) that uv would not read and that change what or
 * from where pip installs, or whether it trusts the index.
 */
export const PIP_ONLY_KEYS: readonly string[] = [
  'index-url',
  'extra-index-url',
  'find-links',
  'no-index',
  'constraint',
  'cert',
  'client-cert',
  'trusted-host',
  'proxy'
];

/** pip.conf sections an install reads. */
const INSTALL_SECTIONS = ['global', 'install'];

/** uv variables that would change the torch uv installs. */
const UV_BLOCKERS = ['UV_TORCH_BACKEND'];

/** The PIP_* variable of a config key, e.g. PIP_EXTRA_INDEX_URL. */
function envName(key: string): string {
  return `PIP_${key.toUpperCase().replace(/-/g, '_')}`;
}

/** The base name of a config file path (pip.conf, pip.ini). */
function baseName(file: string): string {
  return file.split(/[\\/]/).pop() || file;
}

/**
 * Why uv would not install as pip would in this kernel, or null when it is
 * safe: the first pip setting uv would not read, or Protect in force.
 */
export function uvBlocker(report: IProbeReport): IMessage | null {
  const protection = report.install.protection;
  if (
    protection?.exists &&
    protection.registered &&
    !protection.ignored_by &&
    protection.pins.length
  ) {
    return msg(
      'pip: the build protection (Protect) is in force through pip.conf, which uv would not read.'
    );
  }
  for (const key of PIP_ONLY_KEYS) {
    const name = envName(key);
    if (report.install.env[name] !== undefined) {
      return msg('pip: %1 is set, which uv would not read.', name);
    }
  }
  for (const c of report.install.pip_config) {
    if (PIP_ONLY_KEYS.includes(c.key) && INSTALL_SECTIONS.includes(c.section)) {
      return msg(
        'pip: your %1 sets %2, which uv would not read.',
        baseName(c.file),
        c.key
      );
    }
  }
  for (const name of UV_BLOCKERS) {
    if (report.install.env[name] !== undefined) {
      return msg(
        'pip: %1 is set, which would change the build uv installs.',
        name
      );
    }
  }
  return null;
}

/**
 * The `uv pip install` line for this kernel, or null when a path cannot be
 * written safely for its shell and IPython (src/advice/url.ts: one rule).
 */
function uvLine(report: IProbeReport): string | null {
  const shell = shellOf(report);
  const uv = report.environment.uv_path
    ? shellPath(report.environment.uv_path, shell)
    : null;
  const python = shellPath(report.python.executable, shell);
  return uv && python ? `!${uv} pip install --python ${python}` : null;
}

/**
 * Choose the installer of a kernel's install cell. Null when the
 * environment has neither pip nor a usable uv.
 */
export function chooseInstaller(
  report: IProbeReport,
  setting: InstallerSetting = 'auto'
): IInstallerChoice | null {
  const pip = report.environment.pip_available;
  const uv = uvLine(report);
  const usePip = (reason: IMessage): IInstallerChoice => ({
    tool: 'pip',
    line: '%pip install',
    reason
  });
  const useUv = (reason: IMessage): IInstallerChoice => ({
    tool: 'uv',
    line: uv!,
    reason
  });
  if (!pip) {
    return uv ? useUv(msg('uv: this environment has no pip.')) : null;
  }
  if (setting === 'pip') {
    return usePip(msg('pip: the installer setting asks for pip.'));
  }
  if (!uv) {
    return usePip(
      report.environment.uv_path
        ? msg(
            'pip: the path of uv or of the kernel’s Python has characters a notebook cell would interpret.'
          )
        : msg('pip: uv is not on the kernel’s host.')
    );
  }
  if (setting === 'uv') {
    return useUv(msg('uv: the installer setting asks for uv.'));
  }
  const blocker = uvBlocker(report);
  return blocker
    ? usePip(blocker)
    : useUv(
        msg(
          'uv: faster than pip, and nothing in pip’s configuration that uv would not read.'
        )
      );
}
