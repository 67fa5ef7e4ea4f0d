/**
 * The outcomes of asking a kernel: what a probe or an index check came to.
 * Probe, advice, install and the views all read these; none of them owns it.
 */
import type { IMessage } from './message';
import type { IProbeReport } from './types';

/**
 * What a probe of one kernel came to. Each failure is a state of its own, so
 * the UI can say exactly what happened.
 */
export type ProbeOutcome =
  | {
      kind: 'report';
      kernelId: string;
      report: IProbeReport;
      /** Milliseconds from sending the request to a validated report. */
      roundTripMs: number;
    }
  | { kind: 'not-python'; kernelId: string; language: string }
  | { kind: 'timeout'; kernelId: string; waitedForBusyKernel: boolean }
  | { kind: 'dead'; kernelId: string; message: IMessage }
  | { kind: 'invalid'; kernelId: string; message: IMessage }
  | { kind: 'error'; kernelId: string; message: IMessage };

/** Which wheels' core metadata (PEP 658 / PEP 714) a query also wants. */
export interface IMetadataWanted {
  /** The Python tag (cp311); py3 wheels always count. */
  tag?: string;
  /** Substrings of the platform tag, any of which counts (x86_64, win_amd64). */
  platform?: string[];
  /** Only versions newer than this one. */
  after?: string;
  /** At most this many versions, newest first (the kernel caps it at 8). */
  max?: number;
}

/** One project on one index. */
export interface IIndexQuery {
  index: string;
  project: string;
  /** Also read the core metadata of a few of the newest wheels. */
  metadata?: IMetadataWanted;
}

/**
 * Live index answer: for each index URL and project ({@link liveKey}), the
 * wheel file names found, or null when the index could not be read; and for
 * each wheel whose core metadata was read ({@link liveMetaKey}), its
 * `Requires-Dist` lines on torch and on CUDA (empty: it names neither), or
 * null when the metadata file could not be read; and each page's
 * Requires-Python per file ({@link liveRequiresPythonKey}).
 */
export interface ILiveIndex {
  [indexUrlAndProject: string]: string[] | null;
}

/** The index check's answer, or why there is none. */
export type IndexCheckOutcome =
  | { kind: 'ok'; live: ILiveIndex; errors: string[] }
  | { kind: 'failed'; message: IMessage };

/**
 * The key of one index and project in an {@link ILiveIndex}; null is PyPI.
 */
export function liveKey(index: string | null, project: string): string {
  return `${index ?? 'pypi'}|${project}`;
}

/**
 * The key of a project page's Requires-Python list in an {@link ILiveIndex}:
 * one entry per file of {@link liveKey}'s list, in its order ('' when the
 * index and the core metadata name none). PEP 691 `requires-python`, PEP 503
 * `data-requires-python`, else the core metadata's.
 */
export function liveRequiresPythonKey(
  index: string | null,
  project: string
): string {
  return `${liveKey(index, project)}|@requires-python`;
}

/**
 * The key of one wheel's core metadata answer in an {@link ILiveIndex}.
 */
export function liveMetaKey(
  index: string | null,
  project: string,
  file: string
): string {
  return `${liveKey(index, project)}|${file}`;
}
