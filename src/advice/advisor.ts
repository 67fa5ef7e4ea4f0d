import { msg, type IMessage } from '../report/message';
import { liveKey } from '../report/outcome';
import type { IPackageBuild, IProbeReport } from '../report/types';
import { acceleratorVariants, releasesFor, variantFits } from './fit';
import type { IHardware } from './hardware';
import { MATRIX, type IRelease } from './matrix';
import { buildPlan, describeVariant } from './plan';
import type {
  IAdviceSettings,
  IFinding,
  ILiveIndex,
  IPlan,
  Verdict
} from './types';
import { compareVersions, cudaOfVariant, variantKind } from './versions';

/**
 * Collects findings, verdicts and plans for one report.
 */
export class Advisor {
  findings: IFinding[] = [];
  plans: IPlan[] = [];
  verdicts = new Set<Verdict>();

  constructor(
    readonly report: IProbeReport,
    readonly hw: IHardware,
    readonly settings: IAdviceSettings,
    readonly live?: ILiveIndex
  ) {}

  find(verdict: Verdict | null, f: IFinding): void {
    this.findings.push(f);
    if (verdict) {
      this.verdicts.add(verdict);
    }
  }

  /** The installed torch's variant: its local tag, or what version.py says. */
  installedVariant(pkg: IPackageBuild): string {
    if (pkg.local) {
      return pkg.local;
    }
    if (pkg.cuda) {
      return `cu${pkg.cuda.replace('.', '')}`;
    }
    if (pkg.hip || pkg.rocm) {
      return `rocm${pkg.rocm ?? ''}`;
    }
    if (pkg.xpu) {
      return 'xpu';
    }
    return this.hw.platform?.startsWith('macos') ? 'default' : 'unknown';
  }

  /** Choose the variant for a release by the CUDA policy. */
  chooseVariant(
    release: IRelease,
    current: string | null
  ): { variant: string | null; blocked: string[] } {
    const hw = this.hw;
    if (hw.platform?.startsWith('macos')) {
      return { variant: 'default', blocked: [] };
    }
    if (!hw.anyGpu || hw.hidden.length > 0) {
      return { variant: 'cpu', blocked: [] };
    }
    const candidates = acceleratorVariants(release, hw);
    const fits = candidates.filter(
      v => variantFits(release, v, hw.platform!, hw).ok
    );
    const blocked = candidates.filter(v => !fits.includes(v));
    if (!fits.length) {
      return { variant: null, blocked };
    }
    const newest =
      variantKind(fits[0]) === 'cuda'
        ? byNewestCuda(fits)[0]
        : fits[fits.length - 1];
    const policy = this.settings.cudaPolicy;
    if (policy === 'keep' && current && fits.includes(current)) {
      return { variant: current, blocked };
    }
    const def = defaultVariant(release, hw);
    if (policy === 'pytorch-default' && def && fits.includes(def)) {
      return { variant: def, blocked };
    }
    return { variant: newest, blocked };
  }

  /** Plans to reach a fitting build, with the side-by-side fallbacks. */
  planFor(release: IRelease, current: string | null, fresh: boolean): void {
    const hw = this.hw;
    const choice = this.chooseVariant(release, current);
    if (choice.variant) {
      const plan = buildPlan(
        release,
        choice.variant,
        this.report,
        hw,
        this.settings,
        { fresh, live: this.live }
      );
      this.plans.push(
        newestOnIndex(this, plan, release, choice.variant, current, fresh) ??
          plan
      );
      return;
    }
    // Nothing in this release fits both the GPU and the driver.
    const fits = new Map(
      choice.blocked.map(v => [v, variantFits(release, v, hw.platform!, hw)])
    );
    const reasons = choice.blocked.reduce<IMessage[]>(
      (acc, v) => acc.concat(fits.get(v)!.reasons),
      []
    );
    this.find(null, {
      id: 'no-variant-fits',
      severity: 'warning',
      message: msg(
        'No build of torch %1 fits this machine: %2.',
        release.torch,
        reasons
      ),
      evidence: {
        'nvidia.driver': hw.driver,
        'gpu.compute_capabilities':
          hw.nvidiaCcs.map(c => (c / 10).toFixed(1)).join(', ') || null
      }
    });
    const gpuOnly = choice.blocked.filter(
      v => fits.get(v)!.gpuOk && !fits.get(v)!.driverOk
    );
    if (gpuOnly.length) {
      const def = defaultVariant(release, hw);
      const v =
        this.settings.cudaPolicy === 'pytorch-default' &&
        def &&
        gpuOnly.includes(def)
          ? def
          : byNewestCuda(gpuOnly)[0];
      const floor = fits.get(v)!.floor;
      const plan = buildPlan(release, v, this.report, hw, this.settings, {
        fresh,
        live: this.live
      });
      this.plans.push({
        ...plan,
        kind: 'driver',
        title: msg(
          'Upgrade the NVIDIA driver to %1 or newer, then install torch %2 for %3',
          floor ?? '',
          release.torch,
          describeVariant(v)
        )
      });
    }
    if (this.settings.allowOlderTorch) {
      for (const older of releasesFor(MATRIX.releases, hw)) {
        if (compareVersions(older.torch, release.torch) >= 0) {
          continue;
        }
        const c = this.chooseVariant(older, current);
        if (c.variant) {
          this.plans.unshift(
            buildPlan(older, c.variant, this.report, hw, this.settings, {
              fresh,
              live: this.live,
              title: msg(
                'Install the newest torch that fits this GPU and driver: %1 for %2',
                older.torch,
                describeVariant(c.variant)
              )
            })
          );
          return;
        }
      }
    }
  }
}

/**
 * When the live index answered but lacks a plan's wheels (a mirror that
 * lags behind), the plan for the newest older release it has, same variant.
 */
function newestOnIndex(
  a: Advisor,
  plan: IPlan,
  release: IRelease,
  variant: string,
  current: string | null,
  fresh: boolean
): IPlan | null {
  const live = a.live;
  if (!live || plan.confirmedBy === 'live-index' || !plan.indexUrl) {
    return null;
  }
  if (plan.packages.some(p => !live[liveKey(plan.indexUrl, p.name)])) {
    return null; // Unreachable or not asked: nothing to go by.
  }
  for (const older of releasesFor(MATRIX.releases, a.hw)) {
    if (
      compareVersions(older.torch, release.torch) >= 0 ||
      a.chooseVariant(older, current).variant !== variant
    ) {
      continue;
    }
    const p = buildPlan(older, variant, a.report, a.hw, a.settings, {
      fresh,
      live
    });
    if (p.confirmedBy === 'live-index') {
      return {
        ...p,
        title: msg('%1: the newest on this index', p.title),
        warnings: [
          msg(
            'torch %1 for %2 is not on %3 yet; %4 is the newest release there.',
            release.torch,
            describeVariant(variant),
            plan.indexUrl,
            older.torch
          ),
          ...p.warnings
        ]
      };
    }
  }
  return null;
}

/** CUDA variants, newest CUDA first (a copy; the input is not reordered). */
function byNewestCuda(variants: string[]): string[] {
  return [...variants].sort((a, b) =>
    compareVersions(cudaOfVariant(b) ?? '0', cudaOfVariant(a) ?? '0')
  );
}

/**
 * PyTorch's default accelerator variant: the PyPI build where it has one,
 * else (Windows and old aarch64 get CPU from PyPI) the Linux x86_64 default.
 */
export function defaultVariant(
  release: IRelease,
  hw: IHardware
): string | undefined {
  const own = release.pypi_default[hw.platform ?? ''];
  return own && own !== 'cpu' ? own : release.pypi_default['linux-x86_64'];
}

/** The plan for Jetson: NVIDIA's wheels, not a cell. */
export function jetsonPlan(): IPlan {
  return {
    title: msg("Install NVIDIA's PyTorch wheel for your JetPack version"),
    kind: 'manual',
    variant: 'jetson',
    torch: null,
    packages: [],
    indexUrl: null,
    cell: '',
    downloadMb: null,
    confirmedBy: 'data',
    warnings: [
      msg(
        'Follow %1: pick the wheel that matches your JetPack (L4T) release.',
        MATRIX.jetsonDocs
      )
    ],
    expect: null
  };
}
