/**
 * Verification: does the kernel, after the install and a restart, hold what
 * the plan promised? Pure functions over two probe reports.
 */
import { installCell } from '../advice/plan';
import type { IPlan, IPlannedPackage } from '../advice/types';
import { checkIndexUrl, shellOf } from '../advice/url';
import { msg, type IMessage } from '../report/message';
import type { ProbeOutcome } from '../report/outcome';
import { MANAGED_PACKAGES, type ManagedPackage } from '../report/packages';
import type { IProbeReport } from '../report/types';
import type { IBeforeAfter, IRegression, IVerifiedBuild } from './types';

/** The verification's answer. */
export interface IVerification {
  verified: boolean;
  /** The cell ran differs from the plan's: nothing to compare against. */
  edited: boolean;
  /** Why it is not verified; kernel values are arguments. */
  reasons: IMessage[];
  table: IBeforeAfter[];
}

/**
 * Why verification got no report after the restart: the probe's own
 * message where it has one.
 */
export function unanswered(outcome: ProbeOutcome | null): IMessage {
  if (!outcome) {
    return msg('The kernel changed before the deep check answered.');
  }
  switch (outcome.kind) {
    case 'timeout':
      return msg('The deep check timed out.');
    case 'not-python':
      return msg('The kernel is not a Python kernel (%1).', outcome.language);
    case 'report':
      return msg('The deep check answered.');
    default:
      return outcome.message;
  }
}

/** Whitespace-insensitive cell comparison: re-indenting is not an edit. */
export function sameCell(a: string, b: string): boolean {
  const norm = (s: string) => s.trim().split(/\s+/).join(' ');
  return norm(a) === norm(b);
}

type Name = ManagedPackage;
const NAMES = MANAGED_PACKAGES;

/**
 * Compare the deep-checked report after the install with the plan.
 */
export function verifyInstall(
  plan: IPlan,
  ranCell: string,
  before: IProbeReport | null,
  after: IProbeReport
): IVerification {
  const edited = !sameCell(ranCell, plan.cell);
  const expect = edited ? null : plan.expect;
  const planned = new Set(plan.packages.map(p => p.name));
  const table: IBeforeAfter[] = NAMES.filter(
    n => planned.has(n) || before?.packages[n] || after.packages[n]
  ).map(name => {
    const expected = expect?.packages[name] ?? null;
    const now = after.packages[name]?.build_version ?? null;
    return {
      name,
      before: before?.packages[name]?.build_version ?? null,
      expected,
      after: now,
      ok: expected === null ? null : now === expected
    };
  });
  const reasons: IMessage[] = [];
  if (edited) {
    reasons.push(
      msg(
        'The cell was edited before it ran, so there is no plan to compare with; the table shows what is installed now.'
      )
    );
  } else if (!expect) {
    reasons.push(
      msg(
        'A nightly plan has no exact versions to compare with; the table shows what is installed now.'
      )
    );
  }
  for (const row of table) {
    if (row.ok === false) {
      reasons.push(
        row.after
          ? msg(
              '%1 is %2, the plan installs %3.',
              row.name,
              row.after,
              row.expected ?? ''
            )
          : msg(
              '%1 is not installed, the plan installs %2.',
              row.name,
              row.expected ?? ''
            )
      );
    }
  }
  const deep = after.deep;
  if (!deep || deep.status !== 'ok') {
    reasons.push(
      deep
        ? msg(
            'The deep check did not finish: %1.',
            `${deep.status} ${deep.error ?? ''}`.trim()
          )
        : msg('The deep check did not finish: no result.')
    );
  } else if (!deep.torch?.imported) {
    reasons.push(
      msg(
        'torch does not import: %1.',
        deep.torch?.error?.message ?? msg('unknown error')
      )
    );
  } else {
    const torchRow = table.find(r => r.name === 'torch');
    if (
      torchRow?.after &&
      deep.torch.version &&
      deep.torch.version !== torchRow.after
    ) {
      reasons.push(
        msg(
          'torch imports as %1, but its files say %2: a stale copy shadows it.',
          deep.torch.version,
          torchRow.after
        )
      );
    }
    const device = expect?.device ?? 'cpu';
    const smoke = (deep.smoke ?? []).find(s => s.device === device);
    if (expect?.accelerator && device.startsWith('cuda')) {
      if (!deep.cuda?.available) {
        reasons.push(
          msg('torch.cuda.is_available() is False after the install.')
        );
      }
    }
    if (!smoke) {
      reasons.push(msg('No tensor op ran on %1.', device));
    } else if (!smoke.ok) {
      reasons.push(
        msg('A tensor op on %1 failed: %2', device, smoke.error ?? '')
      );
    }
  }
  return {
    verified: !edited && !!expect && reasons.length === 0,
    edited,
    reasons,
    table
  };
}

/** The build a verified report holds, to remember per kernelspec. */
export function verifiedBuild(
  kernelName: string,
  report: IProbeReport,
  cell: string,
  at: Date,
  device: string,
  plan?: IPlan
): IVerifiedBuild {
  const packages: { [name: string]: string } = {};
  for (const name of NAMES) {
    const p = report.packages[name];
    if (p) {
      packages[name] = p.build_version;
    }
  }
  return {
    kernelName,
    executable: report.python.executable,
    packages,
    device,
    cell,
    at: at.toISOString(),
    ...(plan
      ? {
          indexUrl: plan.indexUrl,
          pins: toObject(
            plan.packages
              .filter(p => p.version)
              .map(p => [p.name, p.version!] as [string, string])
          )
        }
      : {})
  };
}

/**
 * The regression guard: has a verified build changed since? Only the same
 * interpreter counts; a kernelspec pointed elsewhere is a new environment.
 */
export function detectRegression(
  verified: IVerifiedBuild | null,
  report: IProbeReport
): IRegression | null {
  if (!verified || verified.executable !== report.python.executable) {
    return null;
  }
  const changes = Object.entries(verified.packages)
    .map(([name, was]) => ({
      name,
      verified: was,
      now: report.packages[name as Name]?.build_version ?? null
    }))
    .filter(c => c.now !== c.verified);
  return changes.length ? { verified, changes } : null;
}

/**
 * The one-click way back from a regression: a cell rebuilt from the stored
 * pins and index (never the stored text replayed), as a plan the install
 * flow can run and verify again. Pins or an index that are not plain
 * versions and a safe URL give no cell, with the reason.
 */
export function revertPlan(reg: IRegression, report: IProbeReport): IPlan {
  const v = reg.verified;
  const stored = /--index-url\s+'?([^\s']+)'?/.exec(v.cell);
  const index = v.indexUrl !== undefined ? v.indexUrl : (stored?.[1] ?? null);
  // Without an index it is PyPI, which serves no local tags (+cu130).
  const pins =
    v.pins ??
    toObject(
      Object.entries(v.packages).map(
        ([n, x]) => [n, index ? x : x.split('+')[0]] as [string, string]
      )
    );
  const packages: IPlannedPackage[] = Object.entries(pins).map(
    ([name, version]) => ({
      name,
      version,
      replaces: report.packages[name as Name]?.build_version ?? null
    })
  );
  const warnings: IMessage[] = [];
  const urlCheck =
    index === null ? null : checkIndexUrl(index, shellOf(report));
  const plain = packages.every(
    p =>
      (MANAGED_PACKAGES as readonly string[]).includes(p.name) &&
      /^[0-9][0-9A-Za-z.+!_-]*$/.test(p.version ?? '')
  );
  if (urlCheck && !urlCheck.ok) {
    warnings.push(msg('The stored index URL is refused: %1.', urlCheck.why));
  }
  if (!plain) {
    warnings.push(msg('The stored pins are not plain package versions.'));
  }
  const cell =
    plain && (!urlCheck || urlCheck.ok)
      ? (installCell(
          report,
          packages.map(p => `${p.name}==${p.version}`),
          index,
          false
        ) ?? '')
      : '';
  const torch = v.packages['torch'] ?? null;
  return {
    title: torch
      ? msg('Back to the verified build (torch %1)', torch)
      : msg('Back to the verified build'),
    kind: 'install',
    variant: torch?.split('+')[1] ?? 'default',
    torch: torch?.split('+')[0] ?? null,
    packages,
    indexUrl: index,
    cell,
    downloadMb: null,
    confirmedBy: 'data',
    warnings,
    expect: {
      packages: { ...v.packages },
      accelerator: v.device !== 'cpu',
      device: v.device
    }
  };
}

/** Object.fromEntries, which the build's ES2018 target lacks. */
function toObject(entries: [string, string][]): { [name: string]: string } {
  const out: { [name: string]: string } = {};
  for (const [k, v] of entries) {
    out[k] = v;
  }
  return out;
}
