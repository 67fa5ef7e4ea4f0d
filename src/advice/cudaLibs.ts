/**
 * CUDA libraries across frameworks: clashes between torch, JAX, CuPy,
 * TensorFlow, ONNX Runtime, conda and LD_LIBRARY_PATH, read from the
 * report's cuda_libs inventory (probe/cudalibs.py). Pure: no kernel, no
 * network. Each finding carries its evidence and its fix: an exact cell
 * built from metadata facts, or a note on what cannot be fixed in place.
 */
import { msg } from '../report/message';
import type { ICudaDist, IProbeReport } from '../report/types';
import { pypiIndex } from './pypi';
import { installCell } from './plan';
import {
  evaluateMarker,
  markerEnv,
  type MarkerEnv,
  meets,
  parseRequirement,
  type IRequirement
} from './requirement';
import { shellWord } from './url';
import type { ICudaFinding, ICudaLibsAdvice, IFinding } from '../report/advice';

/** PyPI, where NVIDIA, CuPy, JAX and TensorFlow publish their CUDA wheels. */
export const PYPI_INDEX = 'https://pypi.org/simple';

export type { ICudaFinding, ICudaLibsAdvice } from '../report/advice';

/** A requirer: a distribution and the requirement lines it declares. */
interface IRequirer {
  name: string;
  version: string;
  reqs: IRequirement[];
}

/** Frameworks that load CUDA libraries by themselves. */
const FRAMEWORK =
  /^(cupy-cuda\d+x?|jax-cuda\d+-(plugin|pjrt)|tensorflow|onnxruntime-gpu|nvidia-dali-cuda\d+)$/;
/** The families the probe inventories (probe/cudalibs.py CL_PREFIXES). */
const FAMILY =
  /^(nvidia-|cuda-|cupy-cuda|jax-cuda|tensorflow|onnxruntime-gpu|jaxlib)/;
const NAME_SAFE = /^[A-Za-z0-9][A-Za-z0-9._-]*(\[[A-Za-z0-9._,-]+\])?$/;
const SPEC_SAFE =
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
  return `%pip uninstall -y ${words.map(w => shellWord(w!)).join(' ')}`;
}

/** An install from the kernel's own PyPI (PIP_INDEX_URL, pip.conf, else pypi.org). */
function installFrom(
  report: IProbeReport,
  specs: string[],
  upgrade = false
): string | null {
  return installCell(report, specs, pypiIndex(report), false, upgrade);
}

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

/** Who requires a distribution (applicable or extra-gated), by name. */
function requiredBy(requirers: IRequirer[], name: string): string[] {
  return requirers
    .filter(q => q.reqs.some(r => r.name === name))
    .map(q => q.name);
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

function majorFindings(
  report: IProbeReport,
  dists: ICudaDist[],
  torchMajor: number | null,
  requirers: IRequirer[],
  out: ICudaFinding[]
): void {
  const byMajor = new Map<number, string[]>();
  if (torchMajor !== null) {
    byMajor.set(torchMajor, ['torch']);
  }
  for (const d of dists) {
    if (d.cuda_major !== null) {
      byMajor.set(d.cuda_major, [...(byMajor.get(d.cuda_major) ?? []), d.name]);
    }
  }
  if (byMajor.size > 1) {
    const majors = [...byMajor.keys()].sort((a, b) => a - b);
    const keep = torchMajor ?? majors[majors.length - 1];
    // Libraries of another major that nothing installed asks for: leftovers.
    const leftovers = dists.filter(
      d =>
        d.cuda_major !== null &&
        d.cuda_major !== keep &&
        !FRAMEWORK.test(d.name) &&
        requiredBy(requirers, d.name).length === 0
    );
    out.push({
      id: 'cuda-majors-mixed',
      severity: 'warning',
      message: msg(
        'Libraries for CUDA %1 are installed side by side: %2. Which one a framework loads can depend on which framework is imported first.',
        majors.join(' and '),
        majors.map(m => `CUDA ${m}: ${byMajor.get(m)!.join(', ')}`).join('; ')
      ),
      evidence: entries(
        majors.map(m => [`CUDA ${m}`, byMajor.get(m)!.join(', ')])
      ),
      cell: leftovers.length
        ? uninstallCell(
            report,
            leftovers.map(d => d.name)
          )
        : null,
      note: leftovers.length
        ? msg(
            'Nothing installed requires %1: removing them leaves one CUDA major.',
            leftovers.map(d => d.name).join(', ')
          )
        : null
    });
  }
  if (torchMajor === null) {
    return;
  }
  for (const d of dists) {
    if (
      !FRAMEWORK.test(d.name) ||
      d.cuda_major === null ||
      d.cuda_major === torchMajor ||
      // JAX's pjrt goes with its plugin: one finding for both.
      (/-pjrt$/.test(d.name) &&
        dists.some(x => x.name === d.name.replace(/-pjrt$/, '-plugin')))
    ) {
      continue;
    }
    out.push(frameworkMismatch(report, d, torchMajor, dists));
  }
}

function frameworkMismatch(
  report: IProbeReport,
  d: ICudaDist,
  torchMajor: number,
  dists: ICudaDist[]
): ICudaFinding {
  const base = {
    id: 'framework-cuda-mismatch',
    severity: 'warning' as const,
    message: msg(
      '%1 %2 is built for CUDA %3, but torch uses CUDA %4: one of them may fall back to the CPU or fail to load its libraries.',
      d.name,
      d.version,
      d.cuda_major ?? '?',
      torchMajor
    ),
    evidence: {
      [d.name]: d.version,
      [`${d.name} CUDA`]: d.cuda_major,
      'packages.torch.cuda': report.packages.torch?.cuda ?? null
    }
  };
  const cupy = /^cupy-cuda\d+x?$/.exec(d.name);
  const jax = /^jax-cuda(\d+)-(plugin|pjrt)$/.exec(d.name);
  if (cupy) {
    // No index was read for the other major's CuPy: a pinned version would
    // be a guess, so pip picks the newest that exists for this Python.
    const want = requirementWord(`cupy-cuda${torchMajor}x`, '');
    return {
      ...base,
      cell: combine(
        uninstallCell(report, [d.name]),
        want ? installFrom(report, [want]) : null
      ),
      note: msg(
        "The CuPy version is left to pip: the newest built for CUDA %1 that this kernel's Python can install.",
        torchMajor
      )
    };
  }
  if (jax) {
    // jax pins its plugin and pjrt to jaxlib's own version (jax's Requires-Dist).
    const jaxlib = dists.find(x => x.name === 'jaxlib')?.version ?? d.version;
    const olds = dists
      .filter(
        x =>
          /^jax-cuda\d+-(plugin|pjrt)$/.test(x.name) &&
          x.cuda_major !== torchMajor
      )
      .map(x => x.name);
    // Whether jax-cudaN-plugin exists at jaxlib's version is not known here
    // (no index was read for it): jax's own extra names the plugin and pjrt
    // it pins, and pip picks the newest jax that has one.
    const extra = requirementWord(`jax[cuda${torchMajor}]`, '');
    return {
      ...base,
      cell: extra
        ? combine(
            uninstallCell(report, olds),
            installFrom(report, [extra], true)
          )
        : null,
      note: msg(
        'jaxlib %1 is installed; pip upgrades JAX to the newest release with a CUDA %2 plugin, which JAX pins to its own version.',
        jaxlib,
        torchMajor
      )
    };
  }
  return {
    ...base,
    cell: null,
    note: msg(
      'Cannot be fixed in place: %1 %2 requires CUDA %3 libraries. Keep it in its own environment, or use a torch built for CUDA %3.',
      d.name,
      d.version,
      d.cuda_major ?? '?'
    )
  };
}

function combine(a: string | null, b: string | null): string | null {
  return a && b ? `${a}\n${b}` : null;
}

function duplicateFindings(
  report: IProbeReport,
  inv: NonNullable<IProbeReport['cuda_libs']>,
  requirers: IRequirer[],
  torchMajor: number | null,
  out: ICudaFinding[]
): void {
  const groups: [string, RegExp, RegExp][] = [
    ['cuDNN', /^nvidia-cudnn(-cu\d+)?$/, /^(lib)?cudnn$/],
    ['cuBLAS', /^nvidia-cublas(-cu\d+)?$/, /^libcublas$/]
  ];
  for (const [label, pip, conda] of groups) {
    const wheels = inv.dists.filter(d => pip.test(d.name));
    const records = (inv.conda?.records ?? []).filter(r => conda.test(r.name));
    if (wheels.length + records.length < 2) {
      continue;
    }
    let orphans = wheels.filter(
      w => requiredBy(requirers, w.name).length === 0
    );
    if (orphans.length === wheels.length + records.length) {
      // Nothing requires any of them: keep torch's CUDA major, else the newest.
      const keep =
        wheels.find(w => w.cuda_major === torchMajor) ??
        [...wheels].sort(
          (a, b) => (b.cuda_major ?? 0) - (a.cuda_major ?? 0)
        )[0];
      orphans = orphans.filter(o => o !== keep);
    }
    const found = [
      ...wheels.map(w => `${w.name} ${w.version}`),
      ...records.map(r => `conda ${r.name} ${r.version}`)
    ];
    out.push({
      id: 'cuda-lib-duplicate',
      severity: 'warning',
      message: msg(
        'More than one %1 is installed: %2. The first one loaded wins for every framework in the process.',
        label,
        found.join(', ')
      ),
      evidence: entries(
        wheels
          .map(w => [
            w.name,
            `${w.version}; required by ${requiredBy(requirers, w.name).join(', ') || 'nothing installed'}`
          ])
          .concat(records.map(r => [`conda ${r.name}`, r.version]))
      ),
      cell: orphans.length
        ? uninstallCell(
            report,
            orphans.map(o => o.name)
          )
        : null,
      note: orphans.length
        ? msg(
            'Nothing installed requires %1.',
            orphans.map(o => o.name).join(', ')
          )
        : msg(
            'Each copy is required by an installed package, so none can simply be removed.'
          )
    });
  }
}

function condaFindings(
  inv: NonNullable<IProbeReport['cuda_libs']>,
  out: ICudaFinding[]
): void {
  const records = inv.conda?.records ?? [];
  const wheels = inv.dists.filter(
    d => d.name.startsWith('nvidia-') || d.name === 'cuda-toolkit'
  );
  if (inv.conda && !inv.conda.readable) {
    return; // Reported in errors: nothing to compare.
  }
  if (!records.length || !wheels.length) {
    return;
  }
  out.push({
    id: 'conda-pip-cuda-mixed',
    severity: 'warning',
    message: msg(
      'conda’s CUDA packages (%1) and pip’s NVIDIA wheels (%2) are both installed: frameworks may load a mix of the two.',
      records
        .slice(0, 6)
        .map(r => `${r.name} ${r.version}`)
        .join(', '),
      wheels
        .slice(0, 6)
        .map(w => `${w.name} ${w.version}`)
        .join(', ')
    ),
    evidence: {
      'conda records': records.length,
      'pip wheels': wheels.length
    },
    cell: null,
    note: msg(
      'Cannot be fixed in place safely: install the CUDA libraries from one source only (conda or pip), best in a fresh environment.'
    )
  });
}

const LIB_WHEEL: [RegExp, RegExp][] = [
  [/^libcudart\.so/, /^nvidia-cuda-runtime(-cu\d+)?$/],
  [/^libcublas\.so/, /^nvidia-cublas(-cu\d+)?$/],
  [/^libcudnn\.so/, /^nvidia-cudnn(-cu\d+)?$/]
];

function ldFindings(
  inv: NonNullable<IProbeReport['cuda_libs']>,
  out: ICudaFinding[]
): void {
  for (const entry of inv.ld_library_path) {
    if (entry.in_env) {
      continue;
    }
    const shadowed = entry.libs.filter(lib =>
      LIB_WHEEL.some(
        ([l, w]) => l.test(lib) && inv.dists.some(d => w.test(d.name))
      )
    );
    if (!shadowed.length) {
      continue;
    }
    out.push({
      id: 'ld-library-path-shadows',
      severity: 'warning',
      message: msg(
        'LD_LIBRARY_PATH puts %1 before the pip wheels’ libraries: %2 may be loaded from there, an older or other CUDA build ("undefined symbol", "outdated cuBLAS").',
        entry.path,
        shadowed.join(', ')
      ),
      evidence: { LD_LIBRARY_PATH: entry.path, libraries: shadowed.join(', ') },
      cell: null,
      note: msg(
        'Not fixable with pip: remove %1 from LD_LIBRARY_PATH where the kernel starts (its kernelspec env or the shell that starts Jupyter), then restart the kernel.',
        entry.path
      )
    });
  }
}

function entries(pairs: (string | number)[][]): ICudaFinding['evidence'] {
  const out: ICudaFinding['evidence'] = {};
  for (const [k, v] of pairs) {
    out[String(k)] = v;
  }
  return out;
}
