import { compare, explain, valid } from '@renovatebot/pep440';
import semverCoerce from 'semver/functions/coerce';
import semverCompare from 'semver/functions/compare';

/**
 * A parsed PEP 440 version, or null when the text is not one.
 */
export interface IVersion {
  text: string;
  base: string;
  local: string | null;
  dev: boolean;
}

/** Parse a version with the PEP 440 library. */
export function parseVersion(text: string | null | undefined): IVersion | null {
  if (!text || !valid(text)) {
    return null;
  }
  const v = explain(text);
  if (!v) {
    return null;
  }
  return {
    text,
    base: v.base_version,
    local: v.local ?? null,
    dev: v.is_devrelease || v.is_prerelease
  };
}

/** Compare two versions by PEP 440 (local tags included). */
export function compareVersions(a: string, b: string): number {
  return compare(a, b);
}

/** The CUDA version of a variant tag: cu126 → 12.6, cu130 → 13.0, cu92 → 9.2. */
export function cudaOfVariant(
  variant: string | null | undefined
): string | null {
  const m = /^cu(\d+)(\d)$/.exec(variant ?? '');
  return m ? `${Number(m[1])}.${m[2]}` : null;
}

/** The kind of a variant tag. */
export function variantKind(
  variant: string | null | undefined
): 'cpu' | 'cuda' | 'rocm' | 'xpu' | 'default' | 'unknown' {
  if (!variant) {
    return 'default';
  }
  if (variant === 'cpu' || variant === 'default' || variant === 'xpu') {
    return variant;
  }
  if (/^cu\d+$/.test(variant)) {
    return 'cuda';
  }
  if (/^rocm\d/.test(variant)) {
    return 'rocm';
  }
  return 'unknown';
}

/**
 * Compare dotted numeric versions such as NVIDIA driver versions (580.95.05)
 * and Python versions: semver after coercion (leading zeros are dropped).
 */
export function compareDotted(a: string, b: string): number {
  // semver refuses leading zeros ("05"); drivers use them.
  const strip = (v: string) => v.trim().replace(/(^|\.)0+(\d)/g, '$1$2');
  const x = semverCoerce(strip(a));
  const y = semverCoerce(strip(b));
  if (!x || !y) {
    return x ? 1 : y ? -1 : 0;
  }
  return semverCompare(x, y);
}

/** Python "3.11" within a release's min and max minor versions. */
export function pythonInRange(py: string, min: string, max: string): boolean {
  return compareDotted(py, min) >= 0 && compareDotted(py, `${max}.999`) <= 0;
}

/** "3.11.7" → "3.11". */
export function pythonMinor(version: string): string {
  return version.split('.').slice(0, 2).join('.');
}
