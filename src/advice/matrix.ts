import data from './data/matrix.json';
import {
  admits,
  cudaFromRequirements,
  requirementOn,
  type IMarkerEnv
} from './requirements';
import {
  pytorchRelease,
  snapshotFiles,
  snapshotVersion,
  type IIndexFile
} from './snapshot';

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
  /** torch's own Requires-Python on PyPI, when known. */
  requires_python?: string | null;
  /** Where the variant list comes from (the snapshot's PyTorch-index part). */
  variants_source?: string;
  variants: { [platform: string]: string[] };
  pypi_default: { [platform: string]: string };
  arch: { [variant: string]: string };
  sources: string[];
  /** Claimed by release material, confirmed by nothing: never in a variant list. */
  unconfirmed?: string[];
  /** Table values no real wheel showed, with what they are taken from. */
  assumed?: string[];
  torchaudio_variants?: string[];
}

/** SASS and PTX compute capabilities of a CUDA build, as integers (86 = 8.6). */
export interface IArchSet {
  sass: number[];
  ptx: number[];
  ptx_windows?: number[];
  unconfirmed?: boolean | string;
  /** A value no real wheel showed, with what it is taken from. */
  assumed?: string;
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

/** A release line of the hand-written data: only what no index says. */
interface IHandRelease {
  torch: string;
  also: string[];
  arch: { [variant: string]: string };
  sources: string[];
  unconfirmed?: string[];
  torchaudio_variants?: string[];
}

/** The marker environment of a platform key, for PyPI torch's own requirements. */
export function markerEnv(platform: string, python = '3.11'): IMarkerEnv {
  const [os, machine] = platform.split('-');
  return {
    platform_system:
      os === 'linux' ? 'Linux' : os === 'windows' ? 'Windows' : 'Darwin',
    platform_machine:
      os === 'windows'
        ? 'AMD64'
        : os === 'macos' && machine === 'arm64'
          ? 'arm64'
          : machine,
    python_version: python,
    sys_platform:
      os === 'linux' ? 'linux' : os === 'windows' ? 'win32' : 'darwin'
  };
}

const FILE_PLATFORM: [RegExp, string][] = [
  [/linux.*_x86_64$/, 'linux-x86_64'],
  [/linux.*_aarch64$/, 'linux-aarch64'],
  [/^win_amd64$/, 'windows-x86_64'],
  [/^macosx_.*_(arm64|universal2)$/, 'macos-arm64'],
  [/^macosx_.*_x86_64$/, 'macos-x86_64']
];

const PLATFORMS_OF = new Map<string, string[]>();

/** The platform keys a wheel file serves. */
export function filePlatforms(file: string): string[] {
  const known = PLATFORMS_OF.get(file);
  if (known) {
    return known;
  }
  const tag =
    file
      .replace(/\.whl$/, '')
      .split('-')
      .pop() ?? '';
  const out = new Set<string>();
  for (const t of tag.split('.')) {
    for (const [re, key] of FILE_PLATFORM) {
      if (re.test(t)) {
        out.add(key);
      }
    }
  }
  const list = [...out];
  PLATFORMS_OF.set(file, list);
  return list;
}

/**
 * The newest companion version whose own Requires-Dist admits this torch,
 * among index files. A companion that names no torch at all (torchaudio
 * 2.11.0) was built for the torch of its day: it admits that torch and
 * later ones, never a torch published well before it (by the indexes'
 * upload dates, PEP 700).
 */
export function newestPairing(
  files: IIndexFile[],
  torch: string
): string | null {
  const torchDate = snapshotVersion('torch', torch)?.uploaded ?? null;
  let best: string | null = null;
  for (const f of files) {
    const base = f.version.split('+')[0];
    if (!f.requiresDist || (best && compareBase(base, best) <= 0)) {
      continue;
    }
    const spec = requirementOn(f.requiresDist, 'torch');
    const ok =
      spec === null
        ? unversionedFits(f.uploaded, torchDate)
        : admits(spec, torch);
    if (ok) {
      best = base;
    }
  }
  return best;
}

/**
 * Whether a companion with no torch requirement, uploaded on `companion`,
 * goes with a torch uploaded on `torch`: not when torch is more than a few
 * days older (both dates YYYY-MM-DD; unknown dates do not exclude).
 */
export function unversionedFits(
  companion: string | null,
  torch: string | null
): boolean {
  if (!companion || !torch) {
    return true;
  }
  const slack = new Date(`${companion}T00:00:00Z`);
  slack.setUTCDate(slack.getUTCDate() - 3);
  return torch >= slack.toISOString().slice(0, 10);
}

function compareBase(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if ((x[i] ?? 0) !== (y[i] ?? 0)) {
      return (x[i] ?? 0) - (y[i] ?? 0);
    }
  }
  return 0;
}

/**
 * A release as the engine uses it: the hand-written line (arch sets,
 * sources) with what the snapshot of the indexes says (variants, Python
 * range, the PyPI build's CUDA, companions paired by their Requires-Dist).
 * Variants listed as unconfirmed are not in the snapshot's lists.
 */
function fromSnapshot(h: IHandRelease): IRelease {
  const pt = pytorchRelease(h.torch);
  const pypi = snapshotVersion('torch', h.torch);
  const variants: { [p: string]: string[] } = {};
  for (const [p, vs] of Object.entries(pt?.variants ?? {})) {
    variants[p] = vs.filter(v => v !== 'default');
  }
  const files = pypi?.files ?? [];
  for (const mac of ['macos-arm64', 'macos-x86_64']) {
    if (files.some(f => filePlatforms(f).includes(mac))) {
      variants[mac] = ['default'];
    }
  }
  const minors = files
    .map(f => /-cp3(\d+)-cp3\d+-/.exec(f))
    .filter((m): m is RegExpExecArray => !!m)
    .map(m => Number(m[1]));
  const pypiDefault: { [p: string]: string } = {};
  for (const p of Object.keys(variants)) {
    if (p.startsWith('macos')) {
      pypiDefault[p] = 'default';
      continue;
    }
    const file = files.find(f => filePlatforms(f).includes(p));
    const meta = file ? pypi?.metadata[file]?.requires_dist : null;
    const linuxMeta = Object.entries(pypi?.metadata ?? {}).find(([f]) =>
      filePlatforms(f).includes(p)
    )?.[1].requires_dist;
    const reqs = meta ?? linuxMeta ?? null;
    if (reqs) {
      pypiDefault[p] = cudaFromRequirements(reqs, markerEnv(p)) ?? 'cpu';
    } else if (p === 'windows-x86_64') {
      pypiDefault[p] = 'cpu'; // PyPI's Windows wheels require no CUDA packages.
    }
  }
  return {
    torch: h.torch,
    also: h.also,
    arch: h.arch,
    sources: pypi ? [...h.sources, 'SNAPSHOT'] : h.sources,
    unconfirmed: h.unconfirmed,
    torchaudio_variants: h.torchaudio_variants,
    seen_on_index: !!pypi || !!pt?.read_from_index,
    variants,
    variants_source: pt?.source,
    pypi_default: pypiDefault,
    python: minors.length
      ? { min: `3.${Math.min(...minors)}`, max: `3.${Math.max(...minors)}` }
      : { min: '3.0', max: '3.99' },
    requires_python: pypi?.requires_python ?? null,
    torchvision: newestPairing(snapshotFiles('torchvision'), h.torch) ?? '',
    torchaudio: newestPairing(snapshotFiles('torchaudio'), h.torch) ?? ''
  };
}

/**
 * Typed access to src/advice/data/matrix.json, with the release lines
 * completed from the snapshot of the indexes.
 */
export const MATRIX = {
  dataAsOf: data.data_as_of as string,
  indexBase: data.index_base as string,
  releases: (data.releases as unknown as IHandRelease[]).map(fromSnapshot),
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
