import data from './data/matrix.json';

/** A platform key of the data file. */
export type PlatformKey =
  | 'linux-x86_64'
  | 'linux-aarch64'
  | 'windows-x86_64'
  | 'macos-arm64'
  | 'macos-x86_64';

/** One torch release in the data file. */
export interface IRelease {
  torch: string;
  /** false: researched but not yet seen on an index (the plan says so). */
  seen_on_index?: boolean;
  /** Found on the live index, newer than the data: not from the data file. */
  discovered?: boolean;
  also: string[];
  torchvision: string;
  torchaudio: string;
  python: { min: string; max: string };
  variants: { [platform: string]: string[] };
  pypi_default: { [platform: string]: string };
  arch: { [variant: string]: string };
  sources: string[];
  unconfirmed?: string[];
  torchaudio_variants?: string[];
}

/** SASS and PTX compute capabilities of a CUDA build, as integers (86 = 8.6). */
export interface IArchSet {
  sass: number[];
  ptx: number[];
  ptx_windows?: number[];
  unconfirmed?: boolean | string;
  /** The variant is newer than the data: this set is its CUDA major's newest. */
  assumedFrom?: string;
}

/** torch's own rules for which device a build's code runs on (see cc_rules). */
interface ICcRules {
  jetson_only: { [cc: string]: string[] };
  sbsa_unified_from_cuda: string;
  sbsa_unified: string[];
}

interface IDriverFloor {
  cuda_major: number;
  min_minor?: number;
  max_minor?: number;
  linux: string;
  windows: string;
}

/**
 * Typed access to src/advice/data/matrix.json.
 */
export const MATRIX = {
  dataAsOf: data.data_as_of as string,
  indexBase: data.index_base as string,
  releases: data.releases as unknown as IRelease[],
  jetsonOnlyCc: data.jetson_only_cc as string[],
  ccRules: data.cc_rules as unknown as ICcRules,
  jetsonDocs: data.jetson.docs as string,
  xpuFamilies: data.xpu_supported.families as {
    name: string;
    ranges: string[][];
  }[],
  download: data.download_mb as unknown as {
    torch: { [kind: string]: number };
    deps: { [kind: string]: number };
    torchvision: number;
    torchaudio: number;
  }
};

/** The release entry for a torch version (its base version), if the data has it. */
export function findRelease(base: string): IRelease | undefined {
  return MATRIX.releases.find(r => r.torch === base || r.also.includes(base));
}

/** The arch set of a CUDA variant in a release on a platform. */
export function archSet(
  release: IRelease,
  variant: string,
  platform: PlatformKey
): IArchSet | undefined {
  if (platform === 'linux-aarch64') {
    const own = (data.arch_aarch64 as { [v: string]: IArchSet })[variant];
    const from = own
      ? null
      : newestSameMajor(variant, Object.keys(data.arch_aarch64));
    return (
      own ??
      (from
        ? { ...archSet(release, from, platform)!, assumedFrom: from }
        : undefined)
    );
  }
  if (!release.arch[variant]) {
    // A variant newer than the data (cu134) inherits its CUDA major's newest set.
    const from = newestSameMajor(variant, Object.keys(release.arch));
    const set = from ? archSet(release, from, platform) : undefined;
    return set ? { ...set, assumedFrom: from! } : undefined;
  }
  const name = release.arch[variant];
  const set = name
    ? (data.arch_sets as { [n: string]: IArchSet })[name]
    : undefined;
  if (set && platform === 'windows-x86_64' && set.ptx_windows) {
    return { ...set, ptx: set.ptx_windows };
  }
  return set;
}

/** The gfx targets a ROCm variant was built for, or null when unknown. */
export function rocmTargets(variant: string): string[] | null {
  const entry = (data.rocm_gfx as { [v: string]: { gfx: string[] | null } })[
    variant
  ];
  return entry?.gfx ?? null;
}

/** Every gfx target some ROCm build in the data supports. */
export function allRocmTargets(): string[] {
  const all = new Set<string>();
  for (const entry of Object.values(
    data.rocm_gfx as { [v: string]: { gfx: string[] | null } }
  )) {
    (entry.gfx ?? []).forEach(g => all.add(g));
  }
  return [...all];
}

/** The driver floor for a CUDA version on an OS, as a version string, or null. */
export function driverFloor(
  cuda: string,
  os: 'linux' | 'windows'
): string | null {
  const [major, minor] = cuda.split('.').map(Number);
  const floors = data.driver_floors as IDriverFloor[];
  for (const f of floors) {
    if (f.cuda_major !== major) {
      continue;
    }
    if (f.min_minor !== undefined && minor < f.min_minor) {
      continue;
    }
    if (f.max_minor !== undefined && minor > f.max_minor) {
      continue;
    }
    return f[os];
  }
  return null;
}

/** The newest CUDA variant of `variant`'s major among `known`, if `variant` is newer than all of them. */
function newestSameMajor(variant: string, known: string[]): string | null {
  const cuda = (v: string) => /^cu(\d+)(\d)$/.exec(v);
  const m = cuda(variant);
  if (!m) {
    return null;
  }
  const same = known
    .map(k => ({ k, m: cuda(k) }))
    .filter(x => x.m && x.m[1] === m[1])
    .sort((a, b) => Number(b.m![2]) - Number(a.m![2]));
  return same.length && Number(same[0].m![2]) < Number(m[2]) ? same[0].k : null;
}
