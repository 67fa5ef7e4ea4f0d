/**
 * The shared parts of the CUDA library findings: the families and
 * frameworks, the requirers, and the exact fix cells (pip install from the
 * kernel's own PyPI, pip uninstall) built from metadata facts.
 */

import type { IProbeReport } from '../report/types';
import { pypiIndex } from './pypi';
import { installCell } from './plan';
import { type IRequirement } from './requirement';
import { shellOf, shellWord } from './url';
import type { ICudaFinding } from '../report/advice';

/** PyPI, where NVIDIA, CuPy, JAX and TensorFlow publish their CUDA wheels. */
export const PYPI_INDEX = 'https://pypi.org/simple';

/** A requirer: a distribution and the requirement lines it declares. */
export interface IRequirer {
  name: string;
  version: string;
  reqs: IRequirement[];
}

/** Frameworks that load CUDA libraries by themselves. */
export const FRAMEWORK =
  /^(cupy-cuda\d+x?|jax-cuda\d+-(plugin|pjrt)|tensorflow|onnxruntime-gpu|nvidia-dali-cuda\d+)$/;
/** The families the probe inventories (probe/cudalibs.py CL_PREFIXES). */
export const FAMILY =
  /^(nvidia-|cuda-|cupy-cuda|jax-cuda|tensorflow|onnxruntime-gpu|jaxlib)/;
/** Names and specs a fix cell may carry unquoted. */
export const NAME_SAFE = /^[A-Za-z0-9][A-Za-z0-9._-]*(\[[A-Za-z0-9._,-]+\])?$/;
export const SPEC_SAFE =
  /^([<>=!~]=?=?[A-Za-z0-9.*+!]+)(,[<>=!~]=?=?[A-Za-z0-9.*+!]+)*$/;

/** The CUDA major of the installed torch, when it is a CUDA build. */
export function torchCudaMajor(report: IProbeReport): number | null {
  const cuda = report.packages?.torch?.cuda;
  const major = cuda ? Number.parseInt(cuda.split('.')[0], 10) : NaN;
  return Number.isFinite(major) ? major : null;
}

/**
 * A requirement checked to be safe in a cell (no quote, `$`, `{`, space), or
 * null. The cell builders quote it as one shell word.
 */
export function requirementWord(name: string, spec: string): string | null {
  if (!NAME_SAFE.test(name) || (spec && !SPEC_SAFE.test(spec))) {
    return null;
  }
  return `${name}${spec}`;
}

/** `%pip uninstall -y …` for pip environments; null elsewhere or for unsafe names. */
export function uninstallCell(
  report: IProbeReport,
  names: string[]
): string | null {
  const words = names.map(n => requirementWord(n, ''));
  if (!report.environment.pip_available || words.some(w => w === null)) {
    return null;
  }
  return `%pip uninstall -y ${words.map(w => shellWord(w!, shellOf(report))).join(' ')}`;
}

/** An install from the kernel's own PyPI (PIP_INDEX_URL, pip.conf, else pypi.org). */
export function installFrom(
  report: IProbeReport,
  specs: string[],
  upgrade = false
): string | null {
  return installCell(report, specs, pypiIndex(report), false, upgrade);
}

/** Who requires a distribution (applicable or extra-gated), by name. */
export function requiredBy(requirers: IRequirer[], name: string): string[] {
  return requirers
    .filter(q => q.reqs.some(r => r.name === name))
    .map(q => q.name);
}

/** Two cells run one after the other, or null unless both exist. */
export function combine(a: string | null, b: string | null): string | null {
  return a && b ? `${a}\n${b}` : null;
}

/** Evidence rows from [label, value] pairs. */
export function entries(
  pairs: (string | number)[][]
): ICudaFinding['evidence'] {
  const out: ICudaFinding['evidence'] = {};
  for (const [k, v] of pairs) {
    out[String(k)] = v;
  }
  return out;
}
