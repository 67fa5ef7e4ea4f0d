/**
 * Releases and variants the live index knows but the data does not: the
 * index is the truth about which wheels exist. Pure: it reads the live
 * answer the kernel fetched (file names, and core metadata for pairing).
 */
import { msg, type IMessage } from '../report/message';
import type { IIndexQuery, ILiveIndex } from '../report/outcome';
import { liveFiles } from './files';
import type { IHardware } from './hardware';
import { findRelease, MATRIX, type IRelease, type PlatformKey } from './matrix';
import { compareVersions, cudaOfVariant, parseVersion } from './versions';

/** A wheel file name, read (PEP 427). */
export interface IWheel {
  project: string;
  version: string;
  base: string;
  local: string | null;
  /** A pre-release or dev build. */
  pre: boolean;
  python: string;
  platform: string;
}

/** Read a wheel file name (a %2B-encoded "+" included); null when it is none. */
export function parseWheel(file: string): IWheel | null {
  let name = file;
  try {
    name = decodeURIComponent(file);
  } catch {
    return null;
  }
  const m =
    /^([A-Za-z0-9_.]+)-([^-]+)(?:-\d[^-]*)?-([^-]+)-([^-]+)-([^-]+)\.whl$/.exec(
      name
    );
  const v = m ? parseVersion(m[2]) : null;
  if (!m || !v) {
    return null;
  }
  return {
    project: m[1].toLowerCase().replace(/[-_.]+/g, '-'),
    version: m[2],
    base: v.base,
    local: v.local,
    pre: v.dev,
    python: m[3],
    platform: m[5]
  };
}

/** Substrings of the wheel platform tags of a platform, for the kernel's metadata filter. */
export function platformTags(platform: PlatformKey | null): string[] {
  const tags: { [p: string]: string[] } = {
    'linux-x86_64': ['x86_64'],
    'linux-aarch64': ['aarch64'],
    'windows-x86_64': ['win_amd64'],
    'macos-arm64': ['arm64', 'universal2'],
    'macos-x86_64': ['x86_64', 'universal2']
  };
  return tags[platform ?? ''] ?? [];
}

/**
 * Stable versions of a project on an index that have a wheel of `variant`
 * for this Python and platform, newest first.
 */
export function indexVersions(
  live: ILiveIndex,
  index: string,
  project: string,
  variant: string,
  hw: IHardware
): string[] {
  const local = variant === 'default' ? null : variant;
  const found = new Set<string>();
  // The kernel's tags and Requires-Python decide (src/advice/tags.ts).
  for (const f of liveFiles(live, index, project) ?? []) {
    const w = parseWheel(f.file);
    if (
      w &&
      !w.pre &&
      w.local === local &&
      hw.kernel.fits(f.file) &&
      hw.kernel.pythonOk(f.requiresPython)
    ) {
      found.add(w.base);
    }
  }
  return [...found].sort((a, b) => compareVersions(b, a));
}

/**
 * A release entry for torch `torch` as the index serves it on `index` for
 * `variant`: the data's entry when it has one, else the template's tables
 * (arch sets, Python range); companions are paired when the plan is built.
 */
export function releaseOnIndex(
  live: ILiveIndex,
  index: string,
  variant: string,
  torch: string,
  template: IRelease,
  hw: IHardware
): { release: IRelease; notes: IMessage[] } {
  const known = findRelease(torch);
  const base = known ?? template;
  const variants = { ...base.variants };
  const list = variants[hw.platform ?? ''] ?? [];
  if (!list.includes(variant)) {
    variants[hw.platform ?? ''] = [...list, variant];
  }
  const release: IRelease = {
    ...base,
    torch,
    also: known?.also ?? [],
    variants,
    seen_on_index: true,
    discovered: !known
  };
  // torchvision and torchaudio are paired when the plan is built
  // (src/advice/pairing.ts), by their Requires-Dist on torch.
  const notes: IMessage[] = [];
  return { release, notes };
}

/**
 * The newest torch on the plan's index that is newer than `release`, for
 * this variant, Python and platform; null when there is none or no answer.
 */
export function newerRelease(
  live: ILiveIndex,
  index: string,
  variant: string,
  release: IRelease,
  hw: IHardware
): { release: IRelease; notes: IMessage[] } | null {
  const newer = indexVersions(live, index, 'torch', variant, hw).filter(
    v => compareVersions(v, release.torch) > 0
  );
  if (!newer.length) {
    return null;
  }
  const found = releaseOnIndex(live, index, variant, newer[0], release, hw);
  const known = !found.release.discovered;
  found.notes.unshift(
    known
      ? msg(
          'torch %1 is on %2: the release data lists it but had not seen it on an index.',
          newer[0],
          index
        )
      : msg(
          'torch %1 is newer than the release data (as of %2) and was found on %3; its builds are assumed to cover the same GPUs and drivers as torch %4.',
          newer[0],
          MATRIX.dataAsOf,
          index,
          release.torch
        )
  );
  return found;
}

/**
 * CUDA variants newer than the data's newest of each major on this platform
 * (cu132 → cu133, cu134): worth asking the index about.
 */
export function newerCudaVariants(platform: PlatformKey | null): string[] {
  const all = new Set<string>();
  for (const r of MATRIX.releases) {
    (r.variants[platform ?? ''] ?? []).forEach(v => all.add(v));
  }
  const newest = new Map<string, number>();
  for (const v of all) {
    const cuda = cudaOfVariant(v);
    if (cuda) {
      const [major, minor] = cuda.split('.').map(Number);
      if (major >= 12) {
        newest.set(
          String(major),
          Math.max(newest.get(String(major)) ?? 0, minor)
        );
      }
    }
  }
  const out: string[] = [];
  for (const [major, minor] of newest) {
    for (let m = minor + 2; m > minor && m <= 9; m--) {
      out.push(`cu${major}${m}`);
    }
  }
  return out.sort().reverse();
}

/** The queries for newer variants' indexes: torch, and the companions' metadata. */
export function variantQueries(
  indexes: string[],
  hw: IHardware,
  tag: string
): IIndexQuery[] {
  // ES2018 (the build's target) has no flatMap.
  const out: IIndexQuery[] = [];
  for (const index of indexes) {
    out.push({ index, project: 'torch' });
    for (const project of ['torchvision', 'torchaudio']) {
      out.push({
        index,
        project,
        metadata: { tag, platform: platformTags(hw.platform), max: 4 }
      });
    }
  }
  return out;
}
