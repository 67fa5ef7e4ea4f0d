/**
 * The wheel files of a project on an index, with their Requires-Python and
 * core metadata: from the live answer the kernel fetched, else from the
 * snapshot of PyPI. A live answer wins; the snapshot fills in what the live
 * page did not say (the same version's metadata on PyPI).
 */
import {
  liveKey,
  liveMetaKey,
  liveRequiresPythonKey,
  type ILiveIndex
} from '../report/outcome';
import {
  snapshotFiles,
  snapshotRequires,
  snapshotVersion,
  type IIndexFile
} from './snapshot';
import type { KernelTags } from './tags';

export type { IIndexFile } from './snapshot';

/** The version in a wheel file name (with its local tag), or null. */
export function fileVersion(file: string): string | null {
  let name = file;
  try {
    name = decodeURIComponent(file);
  } catch {
    return null;
  }
  const parts = name.endsWith('.whl') ? name.slice(0, -4).split('-') : [];
  return parts.length >= 5 ? parts[1] : null;
}

/**
 * The files a live answer lists for a project on an index: undefined when
 * not asked, null when the index did not answer.
 */
export function liveFiles(
  live: ILiveIndex | undefined,
  index: string | null,
  project: string
): IIndexFile[] | null | undefined {
  if (!live) {
    return undefined;
  }
  const files = live[liveKey(index, project)];
  if (files === undefined || files === null) {
    return files;
  }
  // One live answer is read many times per advice: read each page once.
  const memo = MEMO.get(live) ?? new Map<string, IIndexFile[]>();
  MEMO.set(live, memo);
  const key = liveKey(index, project);
  const known = memo.get(key);
  if (known) {
    return known;
  }
  const rps = live[liveRequiresPythonKey(index, project)] ?? [];
  const out: IIndexFile[] = [];
  files.forEach((file, i) => {
    const version = fileVersion(file);
    if (!version) {
      return;
    }
    const base = version.split('+')[0];
    const snap = snapshotVersion(project, base);
    const meta = live[liveMetaKey(index, project, file)];
    out.push({
      file: decodeURIComponent(file),
      version,
      requiresPython: rps[i] || snap?.requires_python || null,
      // The same release's metadata on PyPI says the same about torch.
      requiresDist: Array.isArray(meta)
        ? meta
        : snapshotRequires(project, base),
      uploaded: snap?.uploaded ?? null,
      source: 'live'
    });
  });
  memo.set(key, out);
  return out;
}

const MEMO = new WeakMap<ILiveIndex, Map<string, IIndexFile[]>>();

/** PyPI's files of a project: the live answer for `pypi` when there is one, else the snapshot. */
export function pypiFiles(
  live: ILiveIndex | undefined,
  pypi: string | null,
  project: string
): IIndexFile[] {
  const l = pypi ? liveFiles(live, pypi, project) : undefined;
  if (l) {
    const key = `${pypi}|${project}|+snapshot`;
    const memo = MEMO.get(live!)!;
    const known = memo.get(key);
    if (known) {
      return known;
    }
    // The live page may be newer; the snapshot keeps what it read of older ones.
    const seen = new Set(l.map(f => f.file));
    const all = l.concat(snapshotFiles(project).filter(f => !seen.has(f.file)));
    memo.set(key, all);
    return all;
  }
  return snapshotFiles(project);
}

/** The files of one version (base version, any local tag) that fit this kernel. */
export function fitting(
  files: IIndexFile[],
  kernel: KernelTags,
  local?: string | null
): IIndexFile[] {
  return files.filter(
    f =>
      (local === undefined || (f.version.split('+')[1] ?? null) === local) &&
      kernel.fits(f.file) &&
      kernel.pythonOk(f.requiresPython)
  );
}
