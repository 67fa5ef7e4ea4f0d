/**
 * torchvision and torchaudio for a torch, chosen by their own Requires-Dist
 * on torch (`torch>=2.14.0`, `torch==2.14.0`, or none at all) as the index
 * publishes them, among the files this kernel installs; the newest wins.
 */
import { msg, type IMessage } from '../report/message';
import type { ILiveIndex } from '../report/outcome';
import { fitting, liveFiles, pypiFiles, type IIndexFile } from './files';
import type { IHardware } from './hardware';
import { filePlatforms, MATRIX, newestPairing, type IRelease } from './matrix';
import { requirementOn } from './requirements';
import { snapshotVersion } from './snapshot';
import { compareVersions } from './versions';

/** The companion to pin, or why it is left out or unpinned. */
export interface ICompanion {
  /** The base version to pin; null: unpinned (or left out). */
  version: string | null;
  /** Leave the package out of the cell (nothing installs here). */
  leaveOut: boolean;
  /** What the plan should say about the choice. */
  note: IMessage | null;
  /** Where the choice comes from. */
  from: 'live' | 'snapshot' | 'none';
}

/**
 * The upload date before which a companion must be to come in `variant`:
 * the PyPI date of the next release that no longer serves the variant here
 * (cu126 ended with 2.14: a torchvision made for 2.15 has no cu126 build).
 */
function variantEnd(
  release: IRelease,
  variant: string,
  hw: IHardware
): string | null {
  if (variant === 'default' || variant === 'cpu') {
    return null;
  }
  const later = MATRIX.releases
    .filter(
      r =>
        compareVersions(r.torch, release.torch) > 0 &&
        (r.variants[hw.platform ?? ''] ?? []).length > 0 &&
        !(r.variants[hw.platform ?? ''] ?? []).includes(variant)
    )
    .sort((a, b) => compareVersions(a.torch, b.torch))[0];
  return later
    ? (snapshotVersion('torch', later.torch)?.uploaded ?? null)
    : null;
}

/**
 * Choose `project` for torch `release.torch` in `variant`: from the live
 * answer of the plan's index when it answered, else from PyPI (live or the
 * snapshot), whose versions are the same releases.
 */
export function companionFor(
  project: 'torchvision' | 'torchaudio',
  release: IRelease,
  variant: string,
  hw: IHardware,
  index: string | null,
  live: ILiveIndex | undefined,
  pypi: string | null
): ICompanion {
  const torch = release.torch;
  const local = variant === 'default' ? null : variant;
  const here = liveFiles(live, index, project);
  let files: IIndexFile[];
  let from: ICompanion['from'];
  if (Array.isArray(here)) {
    files = here.filter(f => (f.version.split('+')[1] ?? null) === local);
    from = 'live';
  } else {
    const end = variantEnd(release, variant, hw);
    files = pypiFiles(live, pypi, project).filter(
      f =>
        !f.version.includes('+') &&
        filePlatforms(f.file).includes(hw.platform ?? '') &&
        (!end || !f.uploaded || f.uploaded < end)
    );
    from = 'snapshot';
  }
  if (from === 'live' && !files.length) {
    return {
      version: null,
      leaveOut: true,
      from,
      note: msg(
        '%1 has no %2 build on %3: it is left out.',
        project,
        variant,
        index ?? 'PyPI'
      )
    };
  }
  const fit = fitting(files, hw.kernel);
  const version = newestPairing(fit, torch);
  if (version) {
    const f = fit.find(x => x.version.split('+')[0] === version)!;
    const unversioned = requirementOn(f.requiresDist ?? [], 'torch') === null;
    return {
      version,
      leaveOut: false,
      from,
      note: unversioned
        ? msg(
            '%1 %2 names no torch version in its metadata; it is the newest on the index.',
            project,
            version
          )
        : null
    };
  }
  // Pairs by its metadata, but this interpreter cannot install it: say why.
  const paired = newestPairing(files, torch);
  if (paired) {
    const why = hw.kernel.blocker(
      `${project} ${paired}`,
      files.filter(f => f.version.split('+')[0] === paired)
    );
    return {
      version: null,
      leaveOut: true,
      from,
      note: msg('%1, so %2 is left out of the cell.', why ?? paired, project)
    };
  }
  return {
    version: null,
    leaveOut: false,
    from: 'none',
    note: msg(
      'No index or data shows which %1 pairs with torch %2: %1 is left unpinned on the same index, and pip picks the one whose Requires-Dist admits torch %2.',
      project,
      torch
    )
  };
}
