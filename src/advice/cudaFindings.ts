/**
 * The CUDA library findings beyond unmet requirements: CUDA majors that
 * differ, frameworks that load another CUDA, duplicate libraries, conda
 * records and LD_LIBRARY_PATH entries that shadow the wheels.
 */
import { msg } from '../report/message';
import type { ICudaDist, IProbeReport } from '../report/types';

import type { ICudaFinding } from '../report/advice';
import {
  combine,
  entries,
  FRAMEWORK,
  installFrom,
  type IRequirer,
  requiredBy,
  requirementWord,
  uninstallCell
} from './cudaCells';

/** CUDA wheels of another major than the torch build's, or than each other's; into `out`. */
export function majorFindings(
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

/** One CUDA library installed twice (pip wheels beside conda's); into `out`. */
export function duplicateFindings(
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

/** conda's CUDA records beside the pip wheels; into `out`. */
export function condaFindings(
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

/** LD_LIBRARY_PATH entries that shadow the wheels' libraries; into `out`. */
export function ldFindings(
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
