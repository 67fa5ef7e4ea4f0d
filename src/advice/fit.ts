import { msg, type IMessage } from '../report/message';
import type { IHardware } from './hardware';
import {
  archSet,
  driverFloor,
  filePlatforms,
  MATRIX,
  rocmTargets,
  type IRelease,
  type PlatformKey
} from './matrix';
import {
  compareDotted,
  cudaOfVariant,
  pythonInRange,
  variantKind
} from './versions';

/** Why a variant does or does not fit this machine. */
export interface IFit {
  ok: boolean;
  /** The driver allows this CUDA version (true for non-CUDA variants). */
  driverOk: boolean;
  /** Every visible GPU is covered by the build (true when nothing to check). */
  gpuOk: boolean;
  /** The driver floor of a CUDA variant, for driver-upgrade plans. */
  floor: string | null;
  reasons: IMessage[];
  /** GPUs reached only by older-major PTX: may work, torch warns. */
  crossMajorPtx?: number[];
  /** The variant is newer than the data: its arch set is that of this one. */
  assumedFrom?: string | null;
}

/** How a build's code reaches a GPU, torch's way (torch/cuda/__init__.py). */
export type CcFit = 'sass' | 'ptx' | 'ptx-cross-major' | 'none';

/**
 * Whether code built for `code` runs on a device of capability `device`, by
 * torch's own table: same major, code minor <= device minor; Jetson-only
 * capabilities (5.3, 6.2, 7.2, 8.7, 10.1/11.0) run only code built for them,
 * except that from CUDA 13.2 SBSA code also runs on 7.2 and 8.7.
 */
export function codeRunsOn(
  device: number,
  code: number,
  cuda: string | null
): boolean {
  const rules = MATRIX.ccRules;
  const key = (c: number) => (c / 10).toFixed(1);
  const only = rules.jetson_only[key(code)];
  if (only) {
    return only.includes(key(device));
  }
  const unified =
    !!cuda &&
    compareDotted(cuda, rules.sbsa_unified_from_cuda) >= 0 &&
    rules.sbsa_unified.includes(key(device));
  if (rules.jetson_only[key(device)] && !unified) {
    return false;
  }
  return Math.floor(device / 10) === Math.floor(code / 10) && device >= code;
}

/**
 * How a build covers a compute capability: its SASS, its PTX (same rule,
 * JIT-compiled when the driver can), or only PTX of an older major, which
 * the driver may JIT but torch warns about: that is not a fit.
 */
export function ccFit(
  cc: number,
  set: { sass: number[]; ptx: number[] },
  cuda: string | null,
  driverCanJit: boolean
): CcFit {
  if (set.sass.some(s => codeRunsOn(cc, s, cuda))) {
    return 'sass';
  }
  if (driverCanJit && set.ptx.some(p => codeRunsOn(cc, p, cuda))) {
    return 'ptx';
  }
  return driverCanJit && set.ptx.some(p => p < cc) ? 'ptx-cross-major' : 'none';
}

/** Whether a build's SASS or PTX covers a compute capability (see {@link ccFit}). */
export function ccCovered(
  cc: number,
  sass: number[],
  ptx: number[],
  driverCanJit: boolean,
  cuda: string | null = null
): boolean {
  const fit = ccFit(cc, { sass, ptx }, cuda, driverCanJit);
  return fit === 'sass' || fit === 'ptx';
}

/** Whether the driver is new enough for a CUDA variant. */
export function driverAllows(
  variant: string,
  hw: IHardware
): { ok: boolean; floor: string | null } {
  const cuda = cudaOfVariant(variant);
  if (!cuda) {
    return { ok: true, floor: null };
  }
  const floor = driverFloor(cuda, hw.os === 'windows' ? 'windows' : 'linux');
  if (hw.jetson && hw.driver) {
    // An L4T release (35.3.1) or a Tegra module (540.4.0) is no desktop driver.
    return { ok: true, floor: null };
  }
  if (!hw.driver || !floor) {
    return { ok: false, floor };
  }
  let ok = compareDotted(hw.driver, floor) >= 0;
  if (ok && hw.driverCudaMax) {
    // The driver's own report wins: a 12.x driver never runs a 13.x build.
    ok = Number(hw.driverCudaMax.split('.')[0]) >= Number(cuda.split('.')[0]);
  }
  return { ok, floor };
}

/** Whether a variant of a release fits the GPUs and driver this kernel sees. */
export function variantFits(
  release: IRelease,
  variant: string,
  platform: PlatformKey,
  hw: IHardware
): IFit {
  const kind = variantKind(variant);
  const reasons: IMessage[] = [];
  if (kind === 'cuda') {
    const drv = driverAllows(variant, hw);
    const set = archSet(release, variant, platform);
    const canJit = drv.ok;
    const cuda = cudaOfVariant(variant);
    const fits = new Map(
      hw.nvidiaCcs.map(cc => [cc, set ? ccFit(cc, set, cuda, canJit) : 'sass'])
    );
    const uncovered = hw.nvidiaCcs.filter(
      cc => fits.get(cc) !== 'sass' && fits.get(cc) !== 'ptx'
    );
    if (!drv.ok) {
      reasons.push(
        hw.driver
          ? msg(
              '%1 needs NVIDIA driver %2 or newer; this one is %3',
              variant,
              drv.floor ?? '',
              hw.driver
            )
          : msg(
              '%1 needs an NVIDIA driver (%2 or newer)',
              variant,
              drv.floor ?? ''
            )
      );
    }
    for (const cc of uncovered) {
      reasons.push(
        fits.get(cc) === 'ptx-cross-major'
          ? msg(
              '%1 of torch %2 has only PTX of an older major for compute capability %3 (the driver may JIT it, but torch warns)',
              variant,
              release.torch,
              (cc / 10).toFixed(1)
            )
          : msg(
              '%1 of torch %2 has no kernels for compute capability %3',
              variant,
              release.torch,
              (cc / 10).toFixed(1)
            )
      );
    }
    return {
      ok: drv.ok && uncovered.length === 0,
      driverOk: drv.ok,
      gpuOk: uncovered.length === 0,
      floor: drv.floor,
      reasons,
      crossMajorPtx: uncovered.filter(cc => fits.get(cc) === 'ptx-cross-major'),
      assumedFrom: set?.assumedFrom ?? null
    };
  }
  if (kind === 'rocm') {
    const targets = rocmTargets(variant);
    const missing = targets ? hw.amdGfx.filter(g => !targets.includes(g)) : [];
    if (targets === null) {
      reasons.push(msg('the gfx targets of %1 are not in the data', variant));
    }
    for (const g of missing) {
      reasons.push(msg('%1 has no kernels for %2', variant, g));
    }
    const ok = targets !== null && missing.length === 0 && hw.amdGfx.length > 0;
    return { ok, driverOk: true, gpuOk: ok, floor: null, reasons };
  }
  if (kind === 'xpu') {
    const ok = hw.intelSupported.length > 0;
    return {
      ok,
      driverOk: true,
      gpuOk: ok,
      floor: null,
      reasons: ok ? [] : [msg('no Intel GPU that PyTorch supports')]
    };
  }
  return { ok: true, driverOk: true, gpuOk: true, floor: null, reasons };
}

/**
 * Releases, newest first, with a wheel this interpreter installs: by the
 * tags and Requires-Python of the release's files on PyPI (the snapshot),
 * else, for a release the snapshot lacks, by its Python range.
 */
export function releasesFor(releases: IRelease[], hw: IHardware): IRelease[] {
  if (!hw.platform) {
    return [];
  }
  const out: IRelease[] = [];
  for (const r of releases) {
    if ((r.variants[hw.platform!]?.length ?? 0) === 0) {
      continue;
    }
    if (releaseBlocker(r, hw) === null) {
      out.push(r);
      continue;
    }
    // An earlier release of the same line may still have a wheel here
    // (2.12.0 has cp313t wheels, 2.12.1 none).
    const also = r.also
      .map(v => ({ ...r, torch: v, also: [] }))
      .find(x => releaseBlocker(x, hw) === null);
    if (also) {
      out.push(also);
    }
  }
  return out;
}

/**
 * Why no wheel of a release installs here (glibc, macOS, free-threaded,
 * Requires-Python), or null when one does.
 */
export function releaseBlocker(
  release: IRelease,
  hw: IHardware
): IMessage | null {
  const files = hw.torchFiles.filter(
    f =>
      f.version === release.torch &&
      filePlatforms(f.file).includes(hw.platform ?? '')
  );
  if (!files.length) {
    return pythonInRange(hw.python, release.python.min, release.python.max)
      ? null
      : msg('torch %1 has no wheels for Python %2', release.torch, hw.python);
  }
  return hw.kernel.blocker(`torch ${release.torch}`, files);
}

/** The accelerator variants of a release on this platform for this machine's GPU vendor. */
export function acceleratorVariants(
  release: IRelease,
  hw: IHardware
): string[] {
  const all = release.variants[hw.platform ?? ''] ?? [];
  if (hw.nvidiaCcs.length > 0 || (hw.driver && !hw.amdGfx.length)) {
    return all.filter(v => variantKind(v) === 'cuda');
  }
  if (hw.amdGfx.length > 0) {
    return all.filter(v => variantKind(v) === 'rocm');
  }
  if (hw.intelSupported.length > 0) {
    return all.filter(v => v === 'xpu');
  }
  return [];
}
