/**
 * CUDA libraries across frameworks: clashes between torch, JAX, CuPy,
 * TensorFlow, ONNX Runtime, conda and LD_LIBRARY_PATH, read from the
 * report's cuda_libs inventory (probe/cudalibs.py). Pure: no kernel, no
 * network. Each finding carries its evidence and its fix: an exact cell
 * built from metadata facts, or a note on what cannot be fixed in place.
 */
import { msg } from '../report/message';
import type { ICudaDist, IProbeReport } from '../report/types';

import {
  evaluateMarker,
  markerEnv,
  type MarkerEnv,
  meets,
  parseRequirement,
  type IRequirement
} from './requirement';

import type { ICudaFinding, ICudaLibsAdvice, IFinding } from '../report/advice';
import {
  FAMILY,
  installFrom,
  type IRequirer,
  requirementWord,
  torchCudaMajor
} from './cudaCells';
import {
  condaFindings,
  duplicateFindings,
  ldFindings,
  majorFindings
} from './cudaFindings';

export {
  PYPI_INDEX,
  requirementWord,
  torchCudaMajor,
  uninstallCell
} from './cudaCells';

export type { ICudaFinding, ICudaLibsAdvice } from '../report/advice';

const CACHE = new WeakMap<IProbeReport, ICudaLibsAdvice | null>();

/**
 * The CUDA library findings of a validated report, computed once per report
 * (the panel and the status bar both ask). Null when the report has no
 * inventory, or when the engine failed on it: never a throw.
 */
export function cudaLibsOf(report: IProbeReport): ICudaLibsAdvice | null {
  if (!CACHE.has(report)) {
    let advice: ICudaLibsAdvice | null = null;
    try {
      advice = cudaLibsAdvice(report);
    } catch {
      advice = null;
    }
    CACHE.set(report, advice);
  }
  return CACHE.get(report) ?? null;
}

/**
 * The CUDA library findings of a report; null when the report has no
 * inventory (an older probe, or one that could not read it).
 */
export function cudaLibsAdvice(report: IProbeReport): ICudaLibsAdvice | null {
  const inv = report.cuda_libs;
  if (!inv) {
    return null;
  }
  const env = markerEnv(report);
  const dists = new Map(inv.dists.map(d => [d.name, d]));
  const torch = report.packages?.torch ?? null;
  const torchMajor = torchCudaMajor(report);
  const requirers: IRequirer[] = inv.dists.map(d => ({
    name: d.name,
    version: d.version,
    reqs: d.requires
      .map(parseRequirement)
      .filter((r): r is IRequirement => r !== null)
  }));
  if (torch) {
    requirers.push({
      name: 'torch',
      version: torch.version,
      reqs: torch.requires
        .map(parseRequirement)
        .filter((r): r is IRequirement => r !== null && FAMILY.test(r.name))
    });
  }
  const applies = appliesFor(requirers, dists, env);
  const findings: ICudaFinding[] = [];
  requirementFindings(report, requirers, dists, applies, findings);
  majorFindings(report, inv.dists, torchMajor, requirers, findings);
  duplicateFindings(report, inv, requirers, torchMajor, findings);
  condaFindings(inv, findings);
  ldFindings(inv, findings);
  findings.sort((a, b) => rank(a.severity) - rank(b.severity));
  const rows = inv.dists.map(d => ({
    name: d.name,
    version: d.version,
    cuda: d.cuda_major
  }));
  if (torch && torchMajor !== null) {
    rows.unshift({
      name: 'torch',
      version: torch.build_version,
      cuda: torchMajor
    });
  }
  return {
    rows,
    conda: (inv.conda?.records ?? []).map(r => ({
      name: r.name,
      version: r.version
    })),
    ldPaths: inv.ld_library_path.map(e => ({ path: e.path, libs: e.libs })),
    findings,
    hasError: findings.some(f => f.severity === 'error')
  };
}

const EXTRA = /extra\s*==\s*['"]([^'"]+)['"]/;

/**
 * Whether a requirement counts. Its marker decides, except for an extra,
 * which metadata does not record as installed: it counts when a requirer
 * asked for it (torch's `cuda-toolkit[cublas,…]`), when all of a
 * multi-package extra is installed (`jax-cuda13-plugin[with-cuda]`), or when
 * its installed target is there for nobody else.
 */
function appliesFor(
  requirers: IRequirer[],
  dists: Map<string, ICudaDist>,
  env: MarkerEnv
): (q: IRequirer, r: IRequirement) => boolean {
  const activated = new Map<string, Set<string>>();
  for (const q of requirers) {
    for (const r of q.reqs) {
      if (r.extras.length && evaluateMarker(r.marker, env) === true) {
        const set = activated.get(r.name) ?? new Set<string>();
        r.extras.forEach(e => set.add(e));
        activated.set(r.name, set);
      }
    }
  }
  const plain = (o: IRequirer, name: string) =>
    o.reqs.some(x => x.name === name && evaluateMarker(x.marker, env) === true);
  return (q, r) => {
    const v = evaluateMarker(r.marker, env);
    if (v !== null) {
      return v;
    }
    for (const e of activated.get(q.name) ?? []) {
      if (evaluateMarker(r.marker, { ...env, extra: e }) === true) {
        return true;
      }
    }
    const extra = EXTRA.exec(r.marker)?.[1];
    if (!extra || !dists.has(r.name)) {
      return false;
    }
    const group = q.reqs.filter(
      x =>
        EXTRA.test(x.marker) &&
        evaluateMarker(x.marker, { ...env, extra }) === true
    );
    if (group.length >= 2 && group.every(x => dists.has(x.name))) {
      return true;
    }
    return !requirers.some(o => o !== q && plain(o, r.name));
  };
}

function rank(s: IFinding['severity']): number {
  return s === 'error' ? 0 : s === 'warning' ? 1 : 2;
}

function requirementFindings(
  report: IProbeReport,
  requirers: IRequirer[],
  dists: Map<string, ICudaDist>,
  applies: (q: IRequirer, r: IRequirement) => boolean,
  out: ICudaFinding[]
): void {
  const seen = new Set<string>();
  for (const q of requirers) {
    for (const r of q.reqs) {
      // cuda-toolkit repeats one pin under several extras: one finding each.
      const key = `${q.name} ${r.name}${r.spec}`;
      if (seen.has(key) || !applies(q, r)) {
        continue;
      }
      seen.add(key);
      const have = dists.get(r.name);
      if (have && meets(have.version, r.spec)) {
        continue;
      }
      // Every other requirer's wish on the same target, to see whether one version can please all.
      const others = requirers
        .filter(o => o !== q)
        .map(o =>
          o.reqs
            .filter(x => x.name === r.name && applies(o, x))
            .map(x => ({ who: o, spec: x.spec }))
        )
        .reduce(
          (all, xs) => all.concat(xs),
          [] as { who: IRequirer; spec: string }[]
        );
      const exact = /^===?([A-Za-z0-9.+!]+)$/.exec(r.spec)?.[1] ?? null;
      const clash = exact
        ? others.find(o => !meets(exact, o.spec))
        : others.find(o => {
            const pin = /^===?([A-Za-z0-9.+!]+)$/.exec(o.spec)?.[1];
            return pin !== undefined && !meets(pin, r.spec);
          });
      const word = requirementWord(r.name, exact ? `==${exact}` : r.spec);
      const cell = clash || !word ? null : installFrom(report, [word]);
      out.push({
        id: have ? 'cuda-requirement-broken' : 'cuda-requirement-missing',
        severity: 'error',
        message: have
          ? msg(
              '%1 %2 needs %3; %4 is installed.',
              q.name,
              q.version,
              `${r.name}${r.spec}`,
              have.version
            )
          : msg(
              '%1 %2 needs %3, which is not installed.',
              q.name,
              q.version,
              `${r.name}${r.spec}`
            ),
        evidence: {
          requirer: `${q.name} ${q.version}`,
          requirement: r.text,
          installed: have ? `${have.name} ${have.version}` : null
        },
        cell,
        note: clash
          ? msg(
              'Cannot be fixed in place: %1 needs %2 and %3 needs %4, and no version satisfies both. Keep them in separate environments, or change one of them.',
              q.name,
              `${r.name}${r.spec}`,
              clash.who.name,
              `${r.name}${clash.spec}`
            )
          : null
      });
    }
  }
}
