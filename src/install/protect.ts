/**
 * Protect and Unprotect: the visible cells that pin a good build in its
 * environment, and whether a kernel's build may be protected. The cells
 * write only inside sys.prefix: a constraints file, and one setting in
 * pip's per-environment ("site") config, which they merge, never replace.
 */
import { msg, type IMessage } from '../report/message';
import { MANAGED_PACKAGES } from '../report/packages';
import type { IProbeReport, IProtection } from '../report/types';
import type { IProbeState } from '../tokens';
import { CELLS, PINS_PLACEHOLDER } from './protectSource';

/** The constraints file Protect writes into sys.prefix (as the probe reads it). */
export const PROTECT_FILE = 'torch-doctor-constraints.txt';

/** A project name and a PEP 440 version (local tag included); nothing else reaches a cell. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const VERSION = /^[0-9][0-9A-Za-z.!+_-]*$/;

/** Whether `name==version` is a pin that may be written into a cell. */
export function validPin(pin: string): boolean {
  const [name, version, ...rest] = pin.split('==');
  return !rest.length && NAME.test(name ?? '') && VERSION.test(version ?? '');
}

/**
 * The pins that protect a report's build: the trio as pip sees them, by
 * their metadata version (PyPI's wheels carry no local tag there, and a
 * pin with a tag the metadata lacks would make pip replace the build).
 */
export function protectPins(report: IProbeReport): string[] {
  return MANAGED_PACKAGES.filter(name => report.packages[name])
    .map(name => `${name}==${report.packages[name]!.version}`)
    .filter(validPin);
}

/** The report's protection, when the probe reported one. */
export function protectionOf(report: IProbeReport | null): IProtection | null {
  return report?.install?.protection ?? null;
}

/** Whether pip applies the protection: the file is named and nothing overrides it. */
export function inForce(p: IProtection | null): boolean {
  return !!p && p.exists && p.registered && !p.ignored_by && p.pins.length > 0;
}

/** Whether the environment holds anything of Protect's (Unprotect has work). */
export function hasProtection(p: IProtection | null): boolean {
  return !!p && (p.exists || p.registered);
}

/** May this kernel's build be protected now, and with which pins? */
export type ProtectCheck =
  { ok: true; pins: string[] } | { ok: false; why: IMessage };

/**
 * Protect is offered for a build that was verified (and has not changed
 * since) or that the advice judges right; never for uv environments
 * without pip, whose uv does not read pip's config.
 */
export function canProtect(state: IProbeState | null): ProtectCheck {
  const report =
    state?.outcome?.kind === 'report' ? state.outcome.report : null;
  if (!report || !report.packages.torch) {
    return { ok: false, why: msg('There is no torch build to protect.') };
  }
  if (!report.environment.pip_available) {
    return {
      ok: false,
      why: msg(
        'This environment has no pip (a uv environment): uv does not read pip’s configuration, so Protect cannot guard it. Use the uv project form of Copy Requirements, or pass the pins to uv with --constraint.'
      )
    };
  }
  const verified = state?.install?.step === 'verified';
  if (state?.regression) {
    return {
      ok: false,
      why: msg('The build changed since it was verified: go back first.')
    };
  }
  if (!verified && state?.advice?.verdict !== 'ok') {
    return {
      ok: false,
      why: msg('Only a verified build, or one judged right, can be protected.')
    };
  }
  const pins = protectPins(report);
  const current = protectionOf(report);
  if (inForce(current) && same(current!.pins, pins)) {
    return { ok: false, why: msg('This build is protected.') };
  }
  return pins.length
    ? { ok: true, pins }
    : { ok: false, why: msg('The installed versions cannot be pinned.') };
}

function same(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * The Protect cell: readable Python (jupyterlab_torch_doctor/probe/protect_cell.py,
 * embedded by scripts/bundle-probe.py) that writes the pins into sys.prefix
 * and names that file in pip's per-environment config, editing lines so
 * that everything else the config holds stays byte for byte. It takes this
 * environment's lock, refuses a linked, outside, read-only or unparsable
 * config, writes each file whole to a temporary file renamed over it (pins
 * first), and on any error leaves both files as they were. Pins are
 * validated here and written as a JSON list, which is a Python literal.
 */
export function protectCell(pins: string[]): string {
  if (!pins.length || !pins.every(validPin)) {
    throw new Error(`invalid pins: ${JSON.stringify(pins)}`);
  }
  return CELLS.protect.replace(PINS_PLACEHOLDER, () => JSON.stringify(pins));
}

/**
 * The Unprotect cell: acts only on the current sys.prefix's files. It takes
 * the values naming Protect's file (here, or in the environment this one was
 * cloned from) out of pip's constraint settings; the setting and the
 * [install] header only when Protect made them and nothing else is left
 * there; the config when Protect created it and it is left empty; then
 * the pins file.
 */
export function unprotectCell(): string {
  return CELLS.unprotect;
}
