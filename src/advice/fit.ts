import { msg, type IMessage } from '../report/message';
import type { IHardware } from './hardware';
import {
  archSet,
  driverFloor,
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
}

/**
 * Whether a build's SASS or PTX covers a compute capability.
 * SASS sm_X.Y runs on X.Z with Z >= Y; PTX compute_X.Y is JIT-compiled for any
 * newer GPU when the driver supports that CUDA version.
 */
export function ccCovered(
  cc: number,
  sass: number[],
  ptx: number[],
  driverCanJit: boolean
): boolean {
  const major = Math.floor(cc / 10);
  if (sass.some(s => Math.floor(s / 10) === major && s <= cc)) {
    return true;
  }
  return driverCanJit && ptx.some(p => p <= cc);
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
    const uncovered = set
      ? hw.nvidiaCcs.filter(cc => !ccCovered(cc, set.sass, set.ptx, canJit))
      : [];
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
        msg(
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
      reasons
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

/** Releases, newest first, with wheels for this Python and platform. */
export function releasesFor(releases: IRelease[], hw: IHardware): IRelease[] {
  if (!hw.platform) {
    return [];
  }
  return releases.filter(
    r =>
      (r.variants[hw.platform!]?.length ?? 0) > 0 &&
      pythonInRange(hw.python, r.python.min, r.python.max)
  );
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
