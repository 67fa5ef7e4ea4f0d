/**
 * Requires-Dist and Requires-Python as the packages publish them, read with
 * the PEP 440 library: `torch (>=2.14.0)`, `torch>=2.11`, `torch==2.14.0`,
 * markers such as `platform_system == "Linux"`.
 */
import { satisfies, valid } from '@renovatebot/pep440';

/** One Requires-Dist line, read. */
export interface IRequirement {
  name: string;
  /** The version specifier without parentheses ('' when there is none). */
  spec: string;
  /** The environment marker after ';', or ''. */
  marker: string;
}

/** Read a Requires-Dist line; null when it is not one. */
export function parseRequirement(line: string): IRequirement | null {
  const [head, ...rest] = line.split(';');
  const m =
    /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*\(?\s*([^)]*?)\s*\)?\s*$/.exec(
      head
    );
  if (!m) {
    return null;
  }
  return {
    name: m[1].toLowerCase().replace(/[-_.]+/g, '-'),
    spec: m[3].replace(/\s+/g, ''),
    marker: rest.join(';').trim()
  };
}

/** The environment a marker is evaluated in (PEP 508 names). */
export interface IMarkerEnv {
  platform_system: string;
  platform_machine: string;
  python_version: string;
  sys_platform: string;
}

/**
 * Whether a marker holds: `and`/`or` of `name op "value"` clauses, which is
 * all that torch's and its companions' metadata use; `extra` never holds.
 */
export function markerHolds(marker: string, env: IMarkerEnv): boolean {
  if (!marker.trim()) {
    return true;
  }
  return marker.split(/\s+or\s+/).some(any =>
    any.split(/\s+and\s+/).every(clause => {
      const m =
        /^\(?\s*(\w+)\s*(==|!=|<=|>=|<|>)\s*["']([^"']*)["']\s*\)?$/.exec(
          clause.trim()
        );
      if (!m || m[1] === 'extra') {
        return false;
      }
      const have = (env as unknown as { [k: string]: string })[m[1]] ?? '';
      if (m[1] === 'python_version' && valid(have) && valid(m[3])) {
        return satisfies(have, `${m[2]}${m[3]}`);
      }
      return m[2] === '=='
        ? have === m[3]
        : m[2] === '!='
          ? have !== m[3]
          : false;
    })
  );
}

/** Whether a version satisfies a PEP 440 specifier ('' admits everything). */
export function admits(
  spec: string | null | undefined,
  version: string
): boolean {
  if (!spec || !spec.trim()) {
    return true;
  }
  try {
    return satisfies(version, spec.replace(/\s+/g, ''));
  } catch {
    return false;
  }
}

/**
 * A package's requirement on `project` among its Requires-Dist lines whose
 * markers hold: its specifier ('' when unversioned), or null when it names
 * none.
 */
export function requirementOn(
  lines: string[],
  project: string,
  env?: IMarkerEnv
): string | null {
  for (const line of lines) {
    const r = parseRequirement(line);
    if (r && r.name === project && (!env || markerHolds(r.marker, env))) {
      return r.spec;
    }
  }
  return null;
}

/**
 * The CUDA variant a PyPI torch build carries, from its own requirements:
 * `cuda-toolkit[...]==13.2.2` → cu132, `nvidia-cuda-runtime-cu12==12.8.90`
 * → cu128; null when it requires no CUDA (a CPU build) on this platform.
 */
export function cudaFromRequirements(
  lines: string[],
  env: IMarkerEnv
): string | null {
  for (const line of lines) {
    const r = parseRequirement(line);
    if (
      !r ||
      !/^(cuda-toolkit|nvidia-cuda-runtime(-cu\d+)?)$/.test(r.name) ||
      !markerHolds(r.marker, env)
    ) {
      continue;
    }
    const m = /^===?(\d+)\.(\d+)/.exec(r.spec);
    if (m) {
      return `cu${m[1]}${m[2]}`;
    }
  }
  return null;
}
