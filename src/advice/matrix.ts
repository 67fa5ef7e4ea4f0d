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
  unconfirmed?: boolean;
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
    return (data.arch_aarch64 as { [v: string]: IArchSet })[variant];
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
