/**
 * Plans that follow the live index: a newer release or a newer CUDA variant
 * it serves than the data knows, or the newest older release a lagging
 * mirror has. The engine stays pure: it reads what the kernel fetched.
 */
import { msg } from '../report/message';
import { liveKey } from '../report/outcome';
import type { Advisor } from './advisor';
import {
  indexVersions,
  newerCudaVariants,
  newerRelease,
  parseWheel,
  platformTags,
  releaseOnIndex,
  variantQueries
} from './discover';
import { liveFiles } from './files';
import { releasesFor, variantFits } from './fit';
import { MATRIX, type IRelease } from './matrix';
import { buildPlan, describeVariant, indexUrl } from './plan';
import type { IPlan } from './types';
import { compareVersions, cudaOfVariant, variantKind } from './versions';

/**
 * Set the kernel's wheel tags and, for NVIDIA machines whose policy may pick
 * a newer CUDA (newest, or keep an installed one), the queries for CUDA
 * variants newer than the data.
 */
export function variantDiscovery(a: Advisor): void {
  const { hw, report, settings } = a;
  const tag = report.python.tag;
  a.wheel = hw.platform ? { tag, platform: platformTags(hw.platform) } : null;
  const nvidia = hw.nvidiaCcs.length > 0 || !!hw.driver;
  if (
    !nvidia ||
    hw.jetson ||
    settings.channel !== 'stable' ||
    settings.cudaPolicy === 'pytorch-default' ||
    !hw.platform ||
    hw.platform.startsWith('macos')
  ) {
    return;
  }
  const variants = newerCudaVariants(hw.platform);
  a.discover = variantQueries(
    variants.map(v => indexUrl(v, settings)!),
    hw,
    tag
  );
}

/**
 * The plan for the newest torch on the plan's index that is newer than the
 * data's release, same variant, when it fits this machine.
 */
export function newerOnIndex(
  a: Advisor,
  plan: IPlan,
  release: IRelease,
  variant: string,
  fresh: boolean
): IPlan | null {
  if (!a.live || !plan.indexUrl || a.settings.channel !== 'stable') {
    return null;
  }
  const found = newerRelease(a.live, plan.indexUrl, variant, release, a.hw);
  if (!found || !variantFits(found.release, variant, a.hw.platform!, a.hw).ok) {
    return null;
  }
  const p = buildPlan(found.release, variant, a.report, a.hw, a.settings, {
    fresh,
    live: a.live
  });
  return { ...p, warnings: [...found.notes, ...p.warnings] };
}

/**
 * The plan for a CUDA variant newer than the data (cu134) that the index
 * serves, under the newest policy (or keep, when it is installed): its arch
 * set and driver floor are assumed from its CUDA major, and the plan says so.
 */
export function newerVariantOnIndex(
  a: Advisor,
  release: IRelease,
  variant: string,
  current: string | null,
  fresh: boolean
): IPlan | null {
  const { live, hw, settings } = a;
  const cuda = cudaOfVariant(variant);
  if (!live || !cuda || variantKind(variant) !== 'cuda' || !a.discover.length) {
    return null;
  }
  for (const v of newerCudaVariants(hw.platform)) {
    const newer = cudaOfVariant(v)!;
    if (
      newer.split('.')[0] !== cuda.split('.')[0] ||
      compareVersions(newer, cuda) <= 0 ||
      (settings.cudaPolicy === 'keep' && current !== v)
    ) {
      continue;
    }
    const index = indexUrl(v, settings)!;
    const versions = indexVersions(live, index, 'torch', v, hw).filter(
      x => compareVersions(x, release.torch) >= 0
    );
    if (!versions.length) {
      continue;
    }
    const found = releaseOnIndex(live, index, v, versions[0], release, hw);
    const fit = variantFits(found.release, v, hw.platform!, hw);
    if (!fit.ok) {
      continue;
    }
    const p = buildPlan(found.release, v, a.report, hw, settings, {
      fresh,
      live
    });
    const assumed = msg(
      '%1 is newer than the release data: the plan assumes its builds cover the GPUs of %2 and need the CUDA %3 driver floor (%4 or newer).',
      v,
      fit.assumedFrom ?? variant,
      newer.split('.')[0],
      fit.floor ?? ''
    );
    return {
      ...p,
      title: msg('Install torch %1 for %2', versions[0], describeVariant(v)),
      warnings: [assumed, ...found.notes, ...p.warnings]
    };
  }
  return null;
}

/**
 * The newest torch any answered index serves for this Python and platform
 * beyond the newest release the data has seen; with an info finding.
 */
export function indexNewer(a: Advisor): string | null {
  const live = a.live;
  if (!live) {
    return null;
  }
  const seen = MATRIX.releases.find(r => r.seen_on_index !== false)!.torch;
  let best: string | null = null;
  for (const key of Object.keys(live)) {
    if (!key.endsWith('|torch')) {
      continue;
    }
    const index = key.slice(0, -'|torch'.length);
    for (const f of liveFiles(live, index, 'torch') ?? []) {
      const w = parseWheel(f.file);
      if (
        w &&
        !w.pre &&
        a.hw.kernel.fits(f.file) &&
        a.hw.kernel.pythonOk(f.requiresPython) &&
        compareVersions(w.base, best ?? seen) > 0
      ) {
        best = w.base;
      }
    }
  }
  if (best) {
    a.find(null, {
      id: 'index-newer-than-data',
      severity: 'info',
      message: msg(
        'The index serves torch %1, newer than the release data (as of %2) has seen.',
        best,
        MATRIX.dataAsOf
      ),
      evidence: { 'live.torch': best }
    });
  }
  return best;
}

/**
 * When the live index answered but lacks a plan's wheels (a mirror that
 * lags behind), the plan for the newest older release it has, same variant.
 */
export function newestOnIndex(
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
