/**
 * Whether torch, torchvision and torchaudio go together, judged by the
 * installed packages' own metadata and builds.
 */
import { msg, type IMessage } from '../report/message';
import type { IPackageBuild, IProbeReport } from '../report/types';
import { unversionedFits } from './matrix';
import { admits, requirementOn } from './requirements';
import { snapshotRequires, snapshotVersion } from './snapshot';
import { cudaOfVariant, parseVersion, variantKind } from './versions';

/**
 * Whether torchvision and torchaudio go with this torch, by their own
 * installed metadata (Requires-Dist on torch) and their builds' local tags:
 * a different CUDA major or kind (cpu against cu130) is a mismatch; the same
 * CUDA major with another minor (a py3-none build beside torch's) is not.
 */
export function trioMismatch(
  report: IProbeReport,
  torch: IPackageBuild
): { errors: IMessage[]; notes: IMessage[] } {
  const errors: IMessage[] = [];
  const notes: IMessage[] = [];
  const torchBase = parseVersion(torch.build_version)?.base ?? torch.version;
  for (const name of ['torchvision', 'torchaudio'] as const) {
    const other = report.packages[name];
    if (!other) {
      continue;
    }
    // Its own metadata; where the installer kept none on torch, PyPI's for that version.
    const base = parseVersion(other.build_version)?.base ?? other.version;
    const spec =
      requirementOn(other.requires ?? [], 'torch') ??
      requirementOn(snapshotRequires(name, base) ?? [], 'torch');
    const unversioned =
      spec === null &&
      !!snapshotRequires(name, base) &&
      !unversionedFits(
        snapshotVersion(name, base)?.uploaded ?? null,
        snapshotVersion('torch', torchBase)?.uploaded ?? null
      );
    if (unversioned) {
      errors.push(
        msg(
          '%1 %2 names no torch version, but it was published for a newer torch (%3) than %4',
          name,
          other.build_version,
          snapshotVersion(name, base)?.uploaded ?? '',
          torch.build_version
        )
      );
    }
    if (spec && !admits(spec, torchBase)) {
      errors.push(
        msg(
          '%1 %2 requires torch %3 (its own metadata), but torch is %4',
          name,
          other.build_version,
          spec,
          torch.build_version
        )
      );
    }
    const mine = localVariant(other);
    const theirs = localVariant(torch);
    if (!mine || !theirs || mine === theirs) {
      continue;
    }
    const a = cudaOfVariant(mine);
    const b = cudaOfVariant(theirs);
    if (a && b && a.split('.')[0] === b.split('.')[0]) {
      notes.push(
        msg(
          '%1 is a +%2 build and torch +%3: both are CUDA %4 builds, and CUDA %4 builds run with any driver for CUDA %4 (minor-version compatibility), so this is fine. A py3-none %1 (stable ABI) carries its own CUDA runtime.',
          name,
          mine,
          theirs,
          a.split('.')[0]
        )
      );
    } else {
      errors.push(msg('%1 is a +%2 build, torch is +%3', name, mine, theirs));
    }
  }
  return { errors, notes };
}

/** A package's variant: its PEP 825 label, else its local tag. */
function localVariant(p: IPackageBuild): string | null {
  const label = (p as { variant?: { label?: unknown } | null }).variant?.label;
  return typeof label === 'string' && variantKind(label) !== 'unknown'
    ? label
    : p.local;
}
