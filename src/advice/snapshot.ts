/**
 * The offline snapshot of the indexes (src/advice/data/snapshot.json,
 * written by scripts/snapshot-index.py): what PyPI served, file by file, with
 * Requires-Python and core metadata, and the variants download.pytorch.org
 * serves per release, each with its source and date. The engine reads it
 * like a live answer; a live answer wins.
 */
import snap from './data/snapshot.json';

/** One file of a project on an index, with what its metadata says. */
export interface IIndexFile {
  file: string;
  /** The version with its local tag, as in the file name. */
  version: string;
  requiresPython: string | null;
  /** Requires-Dist lines (torch, CUDA), or null when not read. */
  requiresDist: string[] | null;
  /** YYYY-MM-DD the file was uploaded, when known. */
  uploaded: string | null;
  source: 'live' | 'snapshot';
}

interface ISnapVersion {
  files: string[];
  requires_python: string | null;
  requires_python_by_file?: { [file: string]: string | null };
  uploaded: string | null;
  metadata: {
    [file: string]: {
      requires_python: string | null;
      requires_dist: string[] | null;
      source: string;
      date: string;
    };
  };
}

/** A release's variants on the PyTorch index, with where that comes from. */
export interface IPytorchRelease {
  variants: { [platform: string]: string[] };
  source: string;
  date: string;
  read_from_index: boolean;
  unconfirmed?: string[];
  /** Variants release material names but nothing confirmed: never planned. */
  unconfirmed_variants?: { [platform: string]: string[] };
}

const PYPI = snap.pypi as unknown as {
  index: string;
  date: string;
  projects: { [project: string]: { [version: string]: ISnapVersion } };
};
const PYTORCH = snap.pytorch as unknown as {
  index: string;
  releases: { [torch: string]: IPytorchRelease };
};

/** When the snapshot was taken. */
export const SNAPSHOT_DATE = (snap as { generated?: string }).generated ?? '';

/** The PyPI index the snapshot read. */
export const SNAPSHOT_PYPI = PYPI.index;

/** A PyPI version's Requires-Dist lines (torch, CUDA) as the snapshot read them, or null. */
export function snapshotRequires(
  project: string,
  version: string
): string[] | null {
  const v = PYPI.projects[project]?.[version];
  return v ? versionRequires(v) : null;
}

/** A version's Requires-Dist lines, from any of its files whose metadata was read. */
function versionRequires(v: ISnapVersion): string[] | null {
  for (const m of Object.values(v.metadata)) {
    if (m.requires_dist) {
      return m.requires_dist;
    }
  }
  return null;
}

/** The files of a project on PyPI as the snapshot saw them, newest version first. */
export function snapshotFiles(project: string): IIndexFile[] {
  const cached = CACHE.get(project);
  if (cached) {
    return cached;
  }
  const versions = PYPI.projects[project] ?? {};
  const out: IIndexFile[] = [];
  for (const [version, v] of Object.entries(versions)) {
    const reqs = versionRequires(v);
    for (const file of v.files) {
      out.push({
        file,
        version,
        requiresPython:
          v.requires_python_by_file?.[file] ?? v.requires_python ?? null,
        requiresDist: v.metadata[file]?.requires_dist ?? reqs,
        uploaded: v.uploaded,
        source: 'snapshot'
      });
    }
  }
  CACHE.set(project, out);
  return out;
}

const CACHE = new Map<string, IIndexFile[]>();

/** The snapshot's facts about one PyPI release of a project, if it has it. */
export function snapshotVersion(
  project: string,
  version: string
): ISnapVersion | undefined {
  return PYPI.projects[project]?.[version];
}

/** The variants the PyTorch index serves for a release, as the snapshot knows them. */
export function pytorchRelease(torch: string): IPytorchRelease | undefined {
  return PYTORCH.releases[torch];
}
