import { msg, type IMessage } from '../report/message';
import { liveKey } from '../report/outcome';
import { isManagedPackage } from '../report/packages';
import type { IProbeReport } from '../report/types';
import type { IHardware } from './hardware';
import { MATRIX, type IRelease } from './matrix';
import type {
  IAdviceSettings,
  ILiveIndex,
  IPlan,
  IPlannedPackage
} from './types';
import { chooseInstaller, type IInstallerChoice } from './installer';
import { overrideWarnings } from './overrides';
import { companionFor } from './pairing';
import { pytorchRelease } from './snapshot';
import { pypiIndex } from './pypi';
import { joinIndex, shellOf, shellWord } from './url';
import { cudaOfVariant, variantKind } from './versions';

/** Packages whose builds are tied to one torch and CUDA: a new torch breaks them. */
const TIED = [
  'xformers',
  'flash-attn',
  'vllm',
  'bitsandbytes',
  'deepspeed',
  'onnxruntime-gpu'
];

/** The index URL of a variant, or null on macOS (PyPI). */
export function indexUrl(
  variant: string,
  settings: IAdviceSettings
): string | null {
  if (variant === 'default') {
    return null;
  }
  // Parsed as a URL: the variant goes into the path, before any query.
  return joinIndex(
    settings.indexBaseUrl,
    settings.channel === 'nightly' ? `nightly/${variant}` : variant
  );
}

/** A human name for a variant, as a phrase to put in a sentence. */
export function describeVariant(variant: string): IMessage {
  switch (variantKind(variant)) {
    case 'cuda':
      return msg('CUDA %1', cudaOfVariant(variant) ?? '');
    case 'rocm':
      return msg('ROCm %1', variant.slice(4));
    case 'cpu':
      return msg('CPU only');
    case 'xpu':
      return msg('Intel XPU');
    case 'default':
      return msg('the PyPI build');
    default:
      return msg('%1', variant);
  }
}

function pin(name: string, version: string, variant: string): string {
  return variant === 'default' ? `${version}` : `${version}+${variant}`;
}

/**
 * The text of an install cell: the installer line, exact pins and the
 * index, quoted so that neither IPython nor the shell interprets them.
 * Null when the environment has neither pip nor uv. The installer is
 * chosen by src/advice/installer.ts (the `auto` choice by default). The index must have
 * passed checkIndexUrl (src/advice/url.ts) for the kernel's shell.
 */
export function installCell(
  report: IProbeReport,
  specs: string[],
  index: string | null,
  nightly: boolean,
  upgrade = false,
  choice: IInstallerChoice | null = chooseInstaller(report)
): string | null {
  const line = choice?.line;
  if (!line) {
    return null;
  }
  // Exact local pins replace any build; nightly has no pins, so it forces.
  // An unpinned companion that is installed would stay as it is ("already
  // satisfied"): --upgrade lets pip choose it anew on the same index.
  const flags = nightly
    ? ' --pre --upgrade --force-reinstall'
    : upgrade
      ? ' --upgrade'
      : '';
  const shell = shellOf(report);
  const words = specs.map(w => shellWord(w, shell)).join(' ');
  return `${line}${flags} ${words}${index ? ` --index-url ${shellWord(index, shell)}` : ''}`;
}

/**
 * Build an install plan for one release and variant.
 */
export function buildPlan(
  release: IRelease | null,
  variant: string,
  report: IProbeReport,
  hw: IHardware,
  settings: IAdviceSettings,
  options: {
    fresh: boolean;
    live?: ILiveIndex;
    title?: IMessage;
    /** The PyPI (or mirror) URL the live check asked, for companions' metadata. */
    pypi?: string | null;
  }
): IPlan {
  const nightly = settings.channel === 'nightly';
  const live = options.live;
  const index = indexUrl(variant, settings);
  const installed = report.packages;
  const managed = settings.packages.filter(isManagedPackage);
  const names = [
    'torch',
    ...managed.filter(
      p =>
        p !== 'torch' &&
        (options.fresh || installed[p as 'torchvision'] !== null)
    )
  ];
  const warnings: IMessage[] = [];
  const packages: IPlannedPackage[] = [];
  for (const name of names) {
    let version: string | null = null;
    if (!nightly && release) {
      if (name === 'torch') {
        version = release.torch;
      } else {
        const project = name as 'torchvision' | 'torchaudio';
        const noLive =
          !live ||
          live[liveKey(index ?? pypiIndex(report), project)] === undefined;
        if (
          project === 'torchaudio' &&
          noLive &&
          release.torchaudio_variants &&
          !release.torchaudio_variants.includes(variant)
        ) {
          warnings.push(
            msg(
              'torchaudio has no %1 build in the data; it is left out',
              variant
            )
          );
          continue;
        }
        const pypi = options.pypi ?? pypiIndex(report);
        const where = index ?? pypi; // macOS plans install from PyPI
        let c = companionFor(project, release, variant, hw, where, live, pypi);
        if (c.leaveOut && c.from === 'live' && installed[project] !== null) {
          // Installed: leaving it out would break it; pair it offline, the
          // index check then says the plan is not confirmed.
          warnings.push(c.note!);
          c = companionFor(
            project,
            release,
            variant,
            hw,
            index,
            undefined,
            pypi
          );
        }
        if (c.note) {
          warnings.push(c.note);
        }
        if (c.leaveOut) {
          continue;
        }
        version = c.version;
      }
    }
    const current = installed[name as 'torch'];
    packages.push({
      name,
      version: version ? pin(name, version, variant) : null,
      replaces: current ? current.build_version : null
    });
  }
  const choice = chooseInstaller(report, settings.installer ?? 'auto');
  const cell =
    installCell(
      report,
      packages.map(p => (p.version ? `${p.name}==${p.version}` : p.name)),
      index,
      nightly,
      packages.some(p => p.version === null && p.replaces !== null),
      choice
    ) ?? '';
  if (!cell) {
    warnings.push(
      report.environment.uv_path
        ? msg(
            'The paths of uv or Python cannot be written safely in a notebook cell (%1, %2): install pip into this environment (python -m ensurepip).',
            report.environment.uv_path,
            report.python.executable
          )
        : msg(
            'This environment has neither pip nor uv: install pip first (python -m ensurepip).'
          )
    );
  }
  if (report.environment.conda) {
    warnings.push(
      msg(
        'This is a conda environment: pip will install over conda-managed packages. Prefer the pip plan only if torch came from pip.'
      )
    );
  }
  const tied = report.related.map(r => r.name).filter(n => TIED.includes(n));
  if (tied.length) {
    warnings.push(
      msg(
        'Built against the current torch, these may break and need reinstalling: %1.',
        tied.join(', ')
      )
    );
  }
  warnings.push(...overrideWarnings(report, index, choice?.tool !== 'uv'));
  if (release?.seen_on_index === false) {
    warnings.push(
      msg(
        'torch %1 is in the release data but was not yet seen on an index; the live index check confirms it.',
        release.torch
      )
    );
  }
  const kind = variantKind(variant);
  const pt = release ? pytorchRelease(release.torch) : undefined;
  if (
    index &&
    !nightly &&
    !release?.discovered &&
    pt &&
    !pt.read_from_index &&
    (!live || live[liveKey(index, 'torch')] === undefined)
  ) {
    // Our machines cannot read download.pytorch.org: say where the variant comes from.
    warnings.push(
      msg(
        'That torch %1 has a %2 build on this index comes from release material (%3), not from reading the index; the live index check confirms it.',
        release!.torch,
        variant,
        pt.source.split(';')[0]
      )
    );
  }
  const dl = MATRIX.download;
  const sizeKind = kind === 'unknown' ? 'cuda' : kind;
  const downloadMb =
    (dl.torch[sizeKind] ?? 0) +
    (dl.deps[sizeKind] ?? 0) +
    packages
      .filter(p => p.name !== 'torch')
      .reduce(
        (s, p) =>
          s + (p.name === 'torchvision' ? dl.torchvision : dl.torchaudio),
        0
      );
  const accelerator =
    (kind !== 'cpu' && (kind !== 'default' || hw.apple) && hw.anyGpu) ||
    (kind === 'default' && hw.apple);
  const device = !accelerator
    ? 'cpu'
    : kind === 'xpu'
      ? 'xpu:0'
      : kind === 'default'
        ? 'mps'
        : 'cuda:0';
  const confirmedBy = confirm(
    packages,
    index ?? options.pypi ?? pypiIndex(report),
    hw,
    options.live,
    warnings
  );
  const torchVersion = packages.find(p => p.name === 'torch')?.version ?? null;
  return {
    title:
      options.title ??
      (torchVersion
        ? msg('Install torch %1 for %2', torchVersion, describeVariant(variant))
        : msg('Install torch (nightly) for %1', describeVariant(variant))),
    kind: 'install',
    variant,
    torch: release?.torch ?? null,
    packages,
    indexUrl: index,
    cell,
    installer:
      cell && choice ? { tool: choice.tool, reason: choice.reason } : null,
    downloadMb,
    confirmedBy,
    warnings,
    expect: nightly
      ? null
      : {
          packages: packages.reduce<{ [name: string]: string }>((acc, p) => {
            if (p.version) {
              acc[p.name] = p.version;
            }
            return acc;
          }, {}),
          accelerator,
          device
        }
  };
}

/** Check the planned wheels against a live index answer, when there is one. */
function confirm(
  packages: IPlannedPackage[],
  index: string | null,
  hw: IHardware,
  live: ILiveIndex | undefined,
  warnings: IMessage[]
): 'live-index' | 'data' {
  if (!live) {
    return 'data';
  }
  let all = true;
  for (const p of packages) {
    const files = live[liveKey(index, p.name)];
    if (files === undefined || files === null) {
      all = false;
      if (files === null) {
        warnings.push(
          msg(
            'The index could not be reached to confirm %1; the plan comes from the data file.',
            p.name
          )
        );
      }
      continue;
    }
    const want = `${p.name}-${(p.version ?? '').replace('+', '%2B')}`;
    const wantPlain = `${p.name}-${p.version ?? ''}`;
    const tag = hw.kernel.label;
    const found = files.some(
      f =>
        (p.version === null ||
          f.startsWith(wantPlain + '-') ||
          f.startsWith(want + '-')) &&
        hw.kernel.fits(f)
    );
    if (!found) {
      all = false;
      warnings.push(
        msg(
          '%1 for %2 was not found on %3.',
          `${p.name}==${p.version}`,
          tag,
          index ?? 'PyPI'
        )
      );
    }
  }
  return all ? 'live-index' : 'data';
}
