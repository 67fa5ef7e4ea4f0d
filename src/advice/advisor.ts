import { msg, type IMessage } from '../report/message';
import type { IIndexQuery } from '../report/outcome';
import type { IPackageBuild, IProbeReport } from '../report/types';
import { acceleratorVariants, releasesFor, variantFits } from './fit';
import type { IHardware } from './hardware';
import { MATRIX, type IRelease } from './matrix';
import { nightlyPlanFor } from './nightly';
import { pypiBuild, pypiIndex } from './pypi';
import { newerOnIndex, newerVariantOnIndex, newestOnIndex } from './indexPlans';
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
  /** This kernel's wheel tags, for metadata queries (set by variantDiscovery). */
  wheel: { tag: string; platform: string[] } | null = null;
  /** Index queries for CUDA variants newer than the data. */
  discover: IIndexQuery[] = [];

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

  /**
   * The installed torch's variant: its local tag, else the build fields of
   * version.py (PyPI strips the tag): cuda, hip/rocm or xpu, and none of them
   * means a CPU build. 'unknown' only when version.py could not be read.
   */
  installedVariant(pkg: IPackageBuild): string {
    const macos = !!this.hw.platform?.startsWith('macos');
    // PEP 825 wheel variants: variant.json's label, even where the local tag was stripped.
    const label = (pkg as { variant?: { label?: unknown } | null }).variant
      ?.label;
    if (typeof label === 'string' && variantKind(label) !== 'unknown') {
      return label;
    }
    // NVIDIA's Jetson wheels carry tags such as +nv24.08: then version.py tells.
    if (
      pkg.local &&
      (variantKind(pkg.local) !== 'unknown' || !pkg.version_file)
    ) {
      return pkg.local;
    }
    if (!pkg.version_file) {
      return macos ? 'default' : 'unknown';
    }
    if (pkg.cuda) {
      return `cu${pkg.cuda.split('.').slice(0, 2).join('')}`;
    }
    if (pkg.hip || pkg.rocm) {
      return rocmVariant(pkg.rocm ?? pkg.hip ?? '');
    }
    if (pkg.xpu) {
      return 'xpu';
    }
    return macos ? 'default' : 'cpu';
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
    // A hidden GPU is still this machine's GPU: plan for it, never for the
    // CPU (the visibility finding says what to fix).
    const hiddenNvidia =
      hw.hidden.length > 0 && (hw.nvidiaCcs.length > 0 || !!hw.driver);
    if (!hw.anyGpu && !hiddenNvidia) {
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
    const def = defaultVariant(release, hw, this.live, pypiIndex(this.report));
    if (policy === 'pytorch-default' && def && fits.includes(def)) {
      return { variant: def, blocked };
    }
    return { variant: newest, blocked };
  }

  /** The nightly plan for a variant, when the nightly index serves it. */
  nightlyPlan(release: IRelease, variant: string | null, fresh: boolean): void {
    nightlyPlanFor(this, release, variant, fresh);
  }

  /** Plans to reach a fitting build, with the side-by-side fallbacks. */
  planFor(release: IRelease, current: string | null, fresh: boolean): void {
    const hw = this.hw;
    const choice = this.chooseVariant(release, current);
    cuda12Ends(this, release, choice.variant);
    if (this.settings.channel === 'nightly') {
      this.nightlyPlan(release, choice.variant, fresh);
      return;
    }
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
        newerVariantOnIndex(this, release, choice.variant, current, fresh) ??
          newerOnIndex(this, plan, release, choice.variant, fresh) ??
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
      const def = defaultVariant(
        release,
        hw,
        this.live,
        pypiIndex(this.report)
      );
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
          cuda12Ends(this, older, c.variant);
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

/** CUDA variants, newest CUDA first (a copy; the input is not reordered). */
export function byNewestCuda(variants: string[]): string[] {
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
  hw: IHardware,
  live?: ILiveIndex,
  pypi?: string
): string | undefined {
  // PyPI's own answer wins: its torch wheel's CUDA requirement (cuda-toolkit==13.2.2).
  const read = live && pypi ? pypiBuild(live, pypi, release.torch, hw) : null;
  if (read && read !== 'cpu') {
    return read;
  }
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

/** rocm7.2 from "7.2.0" or a hip version such as "6.2.41133-dd7f95766"; rocm6.2.4 when the data names it so. */
function rocmVariant(version: string): string {
  const parts = version.split(/[.-]/);
  const full = `rocm${parts.slice(0, 3).join('.')}`;
  const known = MATRIX.releases.some(r =>
    Object.values(r.variants).some(vs => vs.includes(full))
  );
  return known ? full : `rocm${parts.slice(0, 2).join('.')}`;
}

/**
 * When this machine stays on CUDA 12.x (old GPU or driver) and a newer
 * release in the data ships no CUDA 12.x build at all, say that it is the end.
 */
function cuda12Ends(
  a: Advisor,
  release: IRelease,
  variant: string | null
): void {
  const hw = a.hw;
  const on12 = cudaOfVariant(variant)?.startsWith('12.');
  const stuck =
    !variant &&
    acceleratorVariants(release, hw).some(v =>
      cudaOfVariant(v)?.startsWith('12.')
    );
  if ((!on12 && !stuck) || a.findings.some(f => f.id === 'cuda12-ends')) {
    return;
  }
  const last = MATRIX.releases.find(
    r =>
      compareVersions(r.torch, release.torch) > 0 &&
      (r.variants[hw.platform ?? ''] ?? []).some(
        v => variantKind(v) === 'cuda'
      ) &&
      !(r.variants[hw.platform ?? ''] ?? []).some(v =>
        cudaOfVariant(v)?.startsWith('12.')
      )
  );
  if (
    !last ||
    (on12 &&
      variantFits(
        last,
        byNewestCuda(
          last.variants[hw.platform!].filter(v => variantKind(v) === 'cuda')
        )[0],
        hw.platform!,
        hw
      ).ok)
  ) {
    return;
  }
  a.find(null, {
    id: 'cuda12-ends',
    severity: 'info',
    message: msg(
      'torch %1 ships no CUDA 12.x builds: with this GPU or driver, torch stays on %2.x (Maxwell, Pascal and Volta GPUs, and drivers below 580).',
      last.torch,
      release.torch.split('.').slice(0, 2).join('.')
    ),
    evidence: {
      'nvidia.driver': hw.driver,
      'gpu.compute_capabilities':
        hw.nvidiaCcs.map(c => (c / 10).toFixed(1)).join(', ') || null
    }
  });
}
