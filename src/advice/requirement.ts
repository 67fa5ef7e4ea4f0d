/**
 * PEP 508 requirements as metadata writes them: the name, extras, version
 * specifier and environment marker, and the marker evaluated for a kernel.
 * Versions are compared by the PEP 440 library.
 */
import { satisfies, validRange } from '@renovatebot/pep440';

import type { IProbeReport } from '../report/types';

/** One parsed Requires-Dist line. */
export interface IRequirement {
  /** The normalized name (PEP 503). */
  name: string;
  extras: string[];
  /** The version specifier, e.g. '<10.0,>=9.12.0.46', or '' for any. */
  spec: string;
  /** The marker text after ';', or ''. */
  marker: string;
  /** The line as written. */
  text: string;
}

/** The values a marker may test; `extra` is deliberately absent. */
export type MarkerEnv = { [variable: string]: string };

const REQ =
  /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?\s*\(?\s*([^;()]*?)\s*\)?\s*(?:;\s*(.*))?$/;

/** PEP 503 normalization. */
export function normalizeName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

/** Parse a Requires-Dist line; null when it is not one. */
export function parseRequirement(text: string): IRequirement | null {
  const m = REQ.exec(text);
  if (!m) {
    return null;
  }
  const spec = m[3].replace(/\s+/g, '');
  if (spec && !validRange(spec)) {
    return null;
  }
  return {
    name: normalizeName(m[1]),
    extras: (m[2] ?? '')
      .split(',')
      .map(e => e.trim())
      .filter(Boolean),
    spec,
    marker: (m[4] ?? '').trim(),
    text
  };
}

/** Whether a version satisfies a specifier ('' accepts all). */
export function meets(version: string, spec: string): boolean {
  try {
    return !spec || satisfies(version, spec);
  } catch {
    return false;
  }
}

/** The marker variables of the kernel that produced a report. */
export function markerEnv(report: IProbeReport): MarkerEnv {
  const system = report.platform.system;
  const [major, minor] = report.python.version.split('.');
  return {
    sys_platform:
      system === 'Windows'
        ? 'win32'
        : system === 'Darwin'
          ? 'darwin'
          : system.toLowerCase(),
    platform_system: system,
    platform_machine: report.platform.machine,
    os_name: system === 'Windows' ? 'nt' : 'posix',
    python_version: `${major}.${minor}`,
    python_full_version: report.python.version,
    implementation_name: report.python.implementation,
    platform_python_implementation:
      report.python.implementation === 'cpython'
        ? 'CPython'
        : report.python.implementation
  };
}

const TOKEN =
  /\s*(\(|\)|===|==|!=|<=|>=|~=|<|>|not\s+in\b|in\b|and\b|or\b|'[^']*'|"[^"]*"|[A-Za-z_][A-Za-z0-9_.]*)/y;

/**
 * Evaluate a marker: true, false, or null when it depends on something
 * unknown (an `extra`, an unknown variable, text it cannot parse).
 * Three-valued: `false and unknown` is false, `true or unknown` is true.
 */
export function evaluateMarker(marker: string, env: MarkerEnv): boolean | null {
  if (!marker.trim()) {
    return true;
  }
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < marker.length) {
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(marker);
    if (!m) {
      if (!marker.slice(pos).trim()) {
        break;
      }
      return null;
    }
    tokens.push(m[1].replace(/\s+/g, ' '));
    pos = TOKEN.lastIndex;
  }
  let i = 0;
  const value = (t: string | undefined): string | null | undefined => {
    if (t === undefined) {
      return undefined;
    }
    if (/^['"]/.test(t)) {
      return t.slice(1, -1);
    }
    return Object.prototype.hasOwnProperty.call(env, t) ? env[t] : null;
  };
  const compare = (): boolean | null => {
    if (tokens[i] === '(') {
      i++;
      const inner = or();
      if (tokens[i++] !== ')') {
        throw new Error('unbalanced');
      }
      return inner;
    }
    const leftToken = tokens[i++];
    const op = tokens[i++];
    const rightToken = tokens[i++];
    const left = value(leftToken);
    const right = value(rightToken);
    if (left === undefined || right === undefined || op === undefined) {
      throw new Error('short');
    }
    if (left === null || right === null) {
      return null;
    }
    const versioned = [leftToken, rightToken].some(t =>
      /^(python_version|python_full_version)$/.test(t ?? '')
    );
    switch (op) {
      case 'in':
        return right.includes(left);
      case 'not in':
        return !right.includes(left);
      case '==':
      case '!=':
        if (versioned) {
          return meets(left, `${op}${right}`);
        }
        return op === '==' ? left === right : left !== right;
      case '===':
        return left === right;
      default:
        return versioned ? meets(left, `${op}${right}`) : null;
    }
  };
  const and = (): boolean | null => {
    let v = compare();
    while (tokens[i] === 'and') {
      i++;
      const r = compare();
      v =
        v === false || r === false
          ? false
          : v === null || r === null
            ? null
            : true;
    }
    return v;
  };
  const or = (): boolean | null => {
    let v = and();
    while (tokens[i] === 'or') {
      i++;
      const r = and();
      v =
        v === true || r === true
          ? true
          : v === null || r === null
            ? null
            : false;
    }
    return v;
  };
  try {
    const v = or();
    return i === tokens.length ? v : null;
  } catch {
    return null;
  }
}
